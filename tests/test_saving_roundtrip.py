"""Saving and loading round trips: same predictions, same next training step, configs, JSON."""

import io
import json
import zipfile

import numpy as np
import pytest

import keraslite as keras
from keraslite import ops

h5py = pytest.importorskip("h5py")


def data(n=32, d=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)).astype("float32"), rng.integers(0, 3, size=n)


def sequential_model(optimizer="adam"):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def functional_model():
    a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
    shared = keras.layers.Dense(5, activation="tanh", name="shared")
    ha, hb = shared(a), shared(b)
    o1 = keras.layers.Dense(1, name="o1")(ha + hb)
    o2 = keras.layers.Dense(2, activation="softmax", name="o2")(hb[:, 1:4] * 2.0)
    model = keras.Model([a, b], [o1, o2], name="two_in_two_out")
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9),
                  loss=["mse", "categorical_crossentropy"])
    return model


def functional_data(n=32):
    rng = np.random.default_rng(1)
    x = [rng.normal(size=(n, 4)).astype("float32") for _ in range(2)]
    y = [rng.normal(size=(n, 1)).astype("float32"),
         np.eye(2, dtype="float32")[rng.integers(0, 2, size=n)]]
    return x, y


def same_weights(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    assert len(wa) == len(wb)
    for x, y in zip(wa, wb):
        np.testing.assert_array_equal(x, y)


def test_sequential_round_trip_predictions_and_next_step(tmp_path):
    x, y = data()
    model = sequential_model()
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    assert int(loaded.optimizer.iterations.value) == int(model.optimizer.iterations.value) == 8
    assert loaded.optimizer.learning_rate == model.optimizer.learning_rate
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    loaded.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    same_weights(model, loaded)


@pytest.mark.parametrize("optimizer", [
    "sgd", keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True), "rmsprop",
    keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    keras.optimizers.Adam(amsgrad=True),
])
def test_every_optimizer_state_survives(tmp_path, optimizer):
    x, y = data()
    model = sequential_model(optimizer)
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(a.value, b.value)
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    same_weights(model, loaded)


def test_functional_multi_input_shared_layer_round_trip(tmp_path):
    x, y = functional_data()
    model = functional_model()
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    model.save(tmp_path / "f.keras")
    loaded = keras.models.load_model(tmp_path / "f.keras")
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    assert loaded.get_layer("shared") is loaded.layers[2]
    for p, q in zip(model.predict(x, verbose=0), loaded.predict(x, verbose=0)):
        np.testing.assert_array_equal(p, q)
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    same_weights(model, loaded)


def test_functional_layers_follow_keras_order():
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    deep = keras.layers.Dense(3, name="deep")(keras.layers.Dense(3, name="first")(a))
    out = keras.layers.Dense(1, name="out")(deep + keras.layers.Dense(3, name="short")(b))
    model = keras.Model([a, b], out)
    # Keras sorts by depth from the outputs, then by first visit: the weights file relies on it.
    assert [layer.name for layer in model.layers] == [
        "a", "first", "b", "deep", "short", "op_layer", "out"]


@keras.saving.register_keras_serializable(package="tests")
class Scale(keras.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.offset = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="offset")

    def call(self, x):
        return ops.add(ops.multiply(x, self.factor), self.offset)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class Residual(keras.Model):
    def __init__(self, units=6, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.blocks = [keras.layers.Dense(units, activation="relu"), keras.layers.Dense(units)]
        self.head = keras.layers.Dense(3, activation="softmax")

    def call(self, x):
        h = self.blocks[0](x)
        return self.head(ops.add(h, self.blocks[1](h)))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_subclassed_model_with_custom_objects(tmp_path):
    x, y = data()
    model = Residual()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "r.keras")
    with pytest.raises(TypeError, match="custom_objects"):
        keras.models.load_model(tmp_path / "r.keras")
    loaded = keras.models.load_model(tmp_path / "r.keras", custom_objects={"Residual": Residual})
    assert isinstance(loaded, Residual) and loaded.units == 6
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    same_weights(model, loaded)
    with zipfile.ZipFile(tmp_path / "r.keras") as zf:
        names = []
        h5py.File(io.BytesIO(zf.read("model.weights.h5"))).visit(names.append)
    # Keras' layout: attributes first (blocks, head), then the `layers` list, then optimizer.
    assert "blocks/dense/vars/0" in names and "head/vars/0" in names
    assert "optimizer/vars/0" in names


def test_registered_custom_layer_in_sequential(tmp_path):
    x, y = data()
    model = keras.Sequential([keras.Input((4,)), Scale(3.0), keras.layers.Dense(3)])
    model.compile(optimizer="rmsprop", loss="mse")
    model.save(tmp_path / "s.keras")
    config = json.loads(zipfile.ZipFile(tmp_path / "s.keras").read("config.json"))
    assert config["config"]["layers"][1]["registered_name"] == "tests>Scale"
    loaded = keras.models.load_model(tmp_path / "s.keras")
    assert loaded.layers[0].factor == 3.0
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))


def test_layer_without_get_config_is_refused_at_save(tmp_path):
    # Basic constructor arguments are recorded (tests/test_auto_config.py); an array is not.
    class NoConfig(keras.layers.Layer):
        def __init__(self, table):
            super().__init__()
            self.table = table

    model = keras.Sequential([keras.Input((2,)), NoConfig(np.ones(3))])
    with pytest.raises(NotImplementedError, match="must override `get_config"):
        model.save(tmp_path / "n.keras")
    assert not (tmp_path / "n.keras").exists()


def test_save_weights_load_weights_and_keras_file(tmp_path):
    x, y = data()
    model = sequential_model()
    model.fit(x, y, epochs=1, verbose=0)
    model.save_weights(tmp_path / "w.weights.h5")
    model.save(tmp_path / "m.keras")
    for source in ("w.weights.h5", "m.keras"):
        keras.utils.clear_session()
        other = sequential_model()
        other.load_weights(tmp_path / source)
        np.testing.assert_array_equal(model.predict(x, verbose=0), other.predict(x, verbose=0))
        assert int(other.optimizer.iterations.value) == 1
    with pytest.raises(ValueError, match=".weights.h5"):
        model.save_weights(tmp_path / "w.h5")


def test_to_json_model_from_json_and_clone(tmp_path):
    model = functional_model()
    x, _ = functional_data()
    rebuilt = keras.models.model_from_json(model.to_json())
    assert [layer.name for layer in rebuilt.layers] == [layer.name for layer in model.layers]
    assert rebuilt.compiled and isinstance(rebuilt.optimizer, keras.optimizers.SGD)
    rebuilt.set_weights(model.get_weights())
    for p, q in zip(model.predict(x, verbose=0), rebuilt.predict(x, verbose=0)):
        np.testing.assert_array_equal(p, q)
    clone = keras.models.clone_model(model)
    assert not clone.compiled and len(clone.weights) == len(model.weights)
    assert all(a is not b for a, b in zip(clone.weights, model.weights))
    seq = sequential_model()
    seq_clone = keras.models.clone_model(seq)
    assert [w.shape for w in seq_clone.weights] == [w.shape for w in seq.weights]


def test_config_is_keras_shaped():
    config = json.loads(functional_model().to_json())
    assert config["class_name"] == "Functional" and config["registered_name"] == "Functional"
    layers = config["config"]["layers"]
    shared = next(layer for layer in layers if layer["name"] == "shared")
    assert [n["args"][0]["config"]["keras_history"] for n in shared["inbound_nodes"]] == [
        ["a", 0, 0], ["b", 0, 0]]
    assert config["config"]["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    assert config["compile_config"]["optimizer"]["class_name"] == "SGD"
    assert layers[3]["module"] == "keras.src.ops.numpy"


def test_load_without_compile_and_overwrite_false(tmp_path):
    model = sequential_model()
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", compile=False)
    assert not loaded.compiled
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "m.keras", overwrite=False)
    with pytest.raises(ValueError, match="`.keras` extension"):
        model.save(tmp_path / "m.zip")


def test_float64_model_round_trip(tmp_path, float64):
    x, y = data()
    model = sequential_model()
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.weights[0].value.dtype == np.float64
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))


@pytest.mark.parametrize("name", ["nope.weights.h5", "nope.h5", "nope.keras"])
def test_loading_a_missing_file_says_it_is_missing(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(FileNotFoundError, match=f"File not found: filepath={name}.*working"):
        model.load_weights(name)
    if not name.endswith(".weights.h5"):
        with pytest.raises(FileNotFoundError, match=f"There is no model file at .*{name}"):
            keras.models.load_model(name)
