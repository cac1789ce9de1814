"""How-to: saving and loading models and weights (run in an empty folder: it writes files)."""
# --8<-- [start:model]
import warnings

import numpy as np

import keraslite as keras

keras.utils.set_random_seed(0)
x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
y = (x.sum(axis=1) > 0).astype("float32")
model = keras.Sequential([
    keras.Input(shape=(4,)),
    keras.layers.Dense(8, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=3, verbose=0)
# --8<-- [end:model]

# --8<-- [start:keras_format]
model.save("model.keras")                       # architecture + weights + optimizer state
restored = keras.models.load_model("model.keras")
print("same predictions:", np.allclose(model.predict(x, verbose=0),
                                       restored.predict(x, verbose=0)))
print("optimizer steps so far:", int(restored.optimizer.iterations.numpy()))
restored.fit(x, y, epochs=1, verbose=0)         # training continues where it stopped
# --8<-- [end:keras_format]

# --8<-- [start:weights]
model.save_weights("model.weights.h5")          # weights only (needs h5py)
twin = keras.Sequential([
    keras.Input(shape=(4,)),
    keras.layers.Dense(8, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
twin.load_weights("model.weights.h5")
print("same weights:", all(np.array_equal(a, b)
                           for a, b in zip(model.get_weights(), twin.get_weights())))
# --8<-- [end:weights]

# --8<-- [start:json]
config = model.to_json()                        # the architecture only, as JSON text
clone = keras.models.model_from_json(config)    # new, freshly initialized weights
print("layers:", [layer.name for layer in clone.layers])
# --8<-- [end:json]

# --8<-- [start:legacy]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    model.save("model.h5")                      # Keras 2's HDF5 format, still readable
print(type(caught[0].message).__name__, "-", str(caught[0].message).splitlines()[0][:90])
print("loads:", keras.models.load_model("model.h5").count_params() == model.count_params())
# --8<-- [end:legacy]

# --8<-- [start:custom]
@keras.saving.register_keras_serializable(package="howto")
class Scale(keras.layers.Layer):
    """Multiplies its input by a learned factor per feature."""

    def __init__(self, initial=1.0, **kwargs):
        super().__init__(**kwargs)
        self.initial = initial

    def build(self, input_shape):
        self.factor = self.add_weight(shape=(input_shape[-1],),
                                      initializer=keras.initializers.Constant(self.initial))

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "initial": self.initial}


custom = keras.Sequential([keras.Input(shape=(4,)), Scale(2.0), keras.layers.Dense(1)])
custom.save("custom.keras")
loaded = keras.models.load_model("custom.keras")  # finds Scale in the registry
print("custom layer restored:", type(loaded.layers[0]).__name__,
      np.allclose(custom.predict(x, verbose=0), loaded.predict(x, verbose=0)))
# --8<-- [end:custom]

# --8<-- [start:lambda]
doubling = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Lambda(lambda t: t * 2)])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    doubling.save("lambda.keras")
print("on saving:", caught[0].message)
try:
    keras.models.load_model("lambda.keras")
except Exception as error:  # loading Python code from a file needs your consent
    print(f"on loading: {type(error).__name__}: {error}")
trusted = keras.models.load_model("lambda.keras", safe_mode=False)  # only for files you trust
print("with safe_mode=False:", trusted.predict(x[:1], verbose=0)[0, :2])
# --8<-- [end:lambda]

# --8<-- [start:checkpoint]
checkpoint = keras.callbacks.ModelCheckpoint("best.keras", monitor="val_loss",
                                             save_best_only=True)
model.fit(x, y, epochs=3, validation_split=0.25, callbacks=[checkpoint], verbose=0)
best = keras.models.load_model("best.keras")
print("best model saved:", best.count_params() == model.count_params())
# --8<-- [end:checkpoint]
