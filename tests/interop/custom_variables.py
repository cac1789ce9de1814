"""Dense subclasses with state of their own, defined for any module with Keras' API.

``define(keras)`` works with real Keras 3 and with keraslite: the interop fixtures are written
by one and read by the other with the very same class definitions.
"""


def define(keras):
    @keras.saving.register_keras_serializable(package="interop")
    class ScaledDense(keras.layers.Dense):
        """Adds a variable to a built-in layer without saying how to save it."""

        def build(self, input_shape):
            super().build(input_shape)
            self.scale = self.add_weight(shape=(self.units,), initializer="ones", name="scale")

        def call(self, inputs):
            return super().call(inputs) * self.scale

    @keras.saving.register_keras_serializable(package="interop")
    class DenseWithOffset(keras.layers.Dense):
        """Saves an extra variable under a key of its own, as Keras' saving guide shows."""

        def build(self, input_shape):
            super().build(input_shape)
            self.offset = self.add_weight(shape=(self.units,), initializer="zeros",
                                          name="offset", trainable=False)

        def call(self, inputs):
            return super().call(inputs) + self.offset

        def save_own_variables(self, store):
            super().save_own_variables(store)
            store["offset"] = keras.ops.convert_to_numpy(self.offset)

        def load_own_variables(self, store):
            self.offset.assign(store["offset"])
            self.kernel.assign(store["0"])
            self.bias.assign(store["1"])

    return ScaledDense, DenseWithOffset


def build_model(keras, seed=3):
    """A model with both layers, its offset set to a recognisable value."""
    _, dense_with_offset = define(keras)
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((4,))
    outputs = dense_with_offset(3, name="with_offset")(inputs)
    model = keras.Model(inputs, outputs)
    layer = model.get_layer("with_offset")
    layer.offset.assign([0.5, -1.0, 2.0])
    return model
