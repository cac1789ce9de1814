"""Sequential, Functional and subclassed models: building, layers, weights, calling."""

import numpy as np
import pytest

import keraslite as keras
from keraslite import ops


def mlp(*, with_input=True):
    layers = [keras.layers.Dense(20, activation="sigmoid"),
              keras.layers.Dense(10, activation="relu"),
              keras.layers.Dense(1, activation="sigmoid")]
    return keras.Sequential(([keras.Input(shape=(9,))] if with_input else []) + layers)


def test_sequential_with_input_is_built_and_named_like_keras():
    model = mlp()
    assert model.built
    assert model.name == "sequential"
    assert [layer.name for layer in model.layers] == ["dense", "dense_1", "dense_2"]
    assert model.input_shape == (None, 9)
    assert model.output_shape == (None, 1)
    assert model.count_params() == 9 * 20 + 20 + 20 * 10 + 10 + 10 + 1
    assert [w.shape for w in model.get_weights()] == [(9, 20), (20,), (20, 10), (10,), (10, 1),
                                                      (1,)]
    assert model.weights[0].path == "dense/kernel"


def test_sequential_deferred_build_from_data():
    model = mlp(with_input=False)
    assert not model.built
    with pytest.raises(ValueError, match="isn't built"):
        model.count_params()
    out = model.predict(np.zeros((4, 9)), verbose=0)
    assert out.shape == (4, 1)
    assert model.built and model.input_shape == (None, 9)


def test_sequential_add_pop_get_layer():
    model = keras.Sequential()
    model.add(keras.Input(shape=(3,)))
    model.add(keras.layers.Dense(4, name="hidden"))
    model.add(keras.layers.Dense(2))
    assert model.output_shape == (None, 2)
    assert model.get_layer("hidden") is model.layers[0]
    assert model.get_layer(index=1) is model.layers[1]
    popped = model.pop()
    assert popped.name == "dense"
    assert model.output_shape == (None, 4)
    with pytest.raises(ValueError, match="No such layer"):
        model.get_layer("nope")
    with pytest.raises(TypeError, match="Only instances of keras.layers.Layer"):
        model.add("dense")


def test_keras2_habits_input_shape_and_scalar_shape():
    with pytest.warns(keras.KerasliteDeprecationWarning, match="input_shape"):
        model = keras.Sequential([keras.layers.Dense(4, input_shape=(9,)), keras.layers.Dense(1)])
    assert model.built and model.input_shape == (None, 9)
    with pytest.warns(keras.KerasliteDeprecationWarning):
        model = keras.Sequential([keras.layers.Dense(4, input_dim=9)])
    assert model.input_shape == (None, 9)
    with pytest.warns(keras.KerasliteDeprecationWarning, match=r"shape=\(9,\)"):
        assert keras.Input(shape=(9)).shape == (None, 9)
    with pytest.warns(keras.KerasliteDeprecationWarning, match=r"shape=\(9,\)"):
        assert keras.Input(shape=9).shape == (None, 9)


def test_functional_multi_input_output_and_shared_layer():
    a = keras.Input(shape=(4,), name="a")
    b = keras.Input(shape=(4,), name="b")
    shared = keras.layers.Dense(3, activation="relu")
    ha, hb = shared(a), shared(b)
    out1 = keras.layers.Dense(1, activation="sigmoid")(ha)
    out2 = keras.layers.Dense(2)(ha + hb)
    model = keras.Model(inputs=[a, b], outputs=[out1, out2])
    assert isinstance(model, keras.models.Functional)
    assert model.name == "functional"
    xa, xb = np.ones((5, 4)), np.zeros((5, 4))
    p1, p2 = model.predict([xa, xb], verbose=0)
    assert p1.shape == (5, 1) and p2.shape == (5, 2)
    by_name = model.predict({"a": xa, "b": xb}, verbose=0)
    np.testing.assert_allclose(by_name[1], p2)
    # the shared layer's weights are counted once
    assert len(model.trainable_weights) == 6
    direct = shared(xa).numpy()
    assert direct.shape == (5, 3)


def test_functional_graph_disconnected_is_explained():
    a = keras.Input(shape=(2,))
    b = keras.Input(shape=(2,))
    out = keras.layers.Dense(1)(a + b)
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Model(inputs=a, outputs=out)


def test_subclassed_model_tracks_layers_and_trains():
    class TwoLayer(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(8, activation="tanh")
            self.out = keras.layers.Dense(1)

        def call(self, inputs, training=False):
            return self.out(self.hidden(inputs))

    model = TwoLayer()
    assert model.name == "two_layer"
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert len(model.trainable_variables) == 4
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


class ScaleShift(keras.layers.Layer):
    """A custom layer written only with keraslite.ops."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")
        self.shift = self.add_weight(shape=(input_shape[-1],), initializer="zeros", name="shift")

    def call(self, x):
        return ops.tanh(ops.add(ops.multiply(x, self.scale), self.shift))


def test_custom_layer_trains_without_gradient_code():
    inputs = keras.Input(shape=(2,))
    out = keras.layers.Dense(1)(ScaleShift()(inputs))
    model = keras.Model(inputs, out)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = [w.copy() for w in model.get_weights()]
    x = np.random.default_rng(1).normal(size=(32, 2)).astype("float32")
    model.fit(x, x[:, :1] * 0.5, epochs=3, verbose=0)
    after = model.get_weights()
    assert all(not np.allclose(b, a) for b, a in zip(before, after))


def test_layer_weights_api_and_trainable_flag():
    layer = keras.layers.Dense(3, use_bias=False)
    out = layer(np.ones((2, 4), "float32"))
    assert out.shape == (2, 3)
    assert [v.name for v in layer.weights] == ["kernel"]
    layer.set_weights([np.zeros((4, 3))])
    np.testing.assert_array_equal(layer(np.ones((2, 4))).numpy(), 0)
    with pytest.raises(ValueError, match=r"shape \(4, 3\)"):
        layer.set_weights([np.zeros((3, 3))])
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 1


def test_layer_config_round_trip():
    layer = keras.layers.Dense(5, activation="relu", use_bias=False, name="d")
    config = layer.get_config()
    assert config["units"] == 5 and config["activation"] == "relu" and not config["use_bias"]
    clone = keras.layers.Dense.from_config(config)
    assert clone.units == 5 and clone.name == "d"
    act = keras.layers.Activation("softmax")
    np.testing.assert_allclose(act(np.zeros((1, 4))).numpy(), [[0.25] * 4])


def test_activation_strings_and_callables_agree():
    x = np.linspace(-3, 3, 7).astype("float32")
    for name in ("linear", "relu", "sigmoid", "tanh", "softmax"):
        fn = getattr(keras.activations, name)
        np.testing.assert_allclose(keras.activations.get(name)(x).numpy(), fn(x).numpy())
    with pytest.raises(ValueError, match="Did you mean 'sigmoid'"):
        keras.layers.Dense(2, activation="sigmod")


def test_dense_rejects_bad_units_and_mismatched_input():
    with pytest.raises(ValueError, match="units"):
        keras.layers.Dense(0)
    layer = keras.layers.Dense(2)
    layer(np.ones((1, 3)))
    with pytest.raises(ValueError, match="expected the last axis of the input to have size 3"):
        layer(np.ones((1, 4)))


def test_ops_on_symbolic_tensors_build_graph_layers():
    a = keras.Input(shape=(3,))
    b = keras.Input(shape=(2,))
    joined = ops.concatenate([a, b], axis=-1)
    out = keras.layers.Dense(1)(ops.relu(joined * 2.0))
    model = keras.Model([a, b], out)
    xa, xb = np.ones((4, 3), "float32"), -np.ones((4, 2), "float32")
    dense = model.layers[-1]
    expected = np.maximum(np.concatenate([xa, xb], 1) * 2, 0) @ dense.kernel.numpy() + \
        dense.bias.numpy()
    np.testing.assert_allclose(model.predict([xa, xb], verbose=0), expected, rtol=1e-6)
    assert float(ops.add(1.0, 2.0)) == 3.0
