"""The legacy HDF5 model format: ``model.save("m.h5")``, ``load_model("m.h5")`` and
``ModelCheckpoint("best.h5")``, as Keras 3 writes and reads them (interop: test_saving_interop).
"""

import json
import os
import warnings

import numpy as np
import pytest

import keraslite as keras
from keraslite.naming import KerasliteDeprecationWarning, KerasliteWarning
from keraslite.saving import legacy_h5
from keraslite.saving.legacy_h5 import LegacyFormatWarning
from keraslite.saving.resolve import UnsafeFileError

h5py = pytest.importorskip("h5py")

KERAS_NOTE = (  # keras/src/saving/saving_api.py, Keras 3.15
    "You are saving your model as an HDF5 file via `model.save()` or "
    "`keras.saving.save_model(model)`. This file format is considered legacy. We recommend "
    "using instead the native Keras format, e.g. `model.save('my_model.keras')` or "
    "`keras.saving.save_model(model, 'my_model.keras')`. "
)


def save(model, path, **kwargs):
    with pytest.warns(LegacyFormatWarning) as record:
        model.save(path, **kwargs)
    return record


def classification(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x[:, 0] + x[:, 1] > 0).astype("int64") + (x[:, 2] > 1)


def sequential(dropout=True):
    layers = [keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
              keras.layers.BatchNormalization()]
    layers += [keras.layers.Dropout(0.25)] if dropout else []
    model = keras.Sequential(layers + [keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def two_input_model():
    a, b = keras.Input((4,), name="a"), keras.Input((2,), name="b")
    h = keras.layers.Concatenate(name="join")([keras.layers.Dense(5, name="da")(a), b])
    h = keras.layers.Dense(6, activation="tanh", name="hidden")(h) + h[:, :6]  # op layers too
    out = keras.layers.Dense(1, name="out")(h)
    model = keras.Model([a, b], out, name="two_in")
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="mse",
                  metrics=["mae"])
    return model


def assert_same_weights(a, b):
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)


def test_sequential_round_trip_and_continued_training(tmp_path):
    x, y = classification()
    model = sequential(dropout=False)
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    record = save(model, tmp_path / "my_model.h5")
    assert str(record[0].message) == KERAS_NOTE
    loaded = keras.models.load_model(tmp_path / "my_model.h5")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert isinstance(loaded.optimizer, keras.optimizers.Adam)
    assert loaded.optimizer.learning_rate == pytest.approx(0.01)
    assert int(loaded.optimizer.iterations.value) == 8
    assert loaded.get_compile_config()["loss"] == "sparse_categorical_crossentropy"
    assert loaded.get_compile_config()["metrics"] == ["accuracy"]
    for other in (model, loaded):  # the whole optimizer state came back: same next steps
        other.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    assert_same_weights(model, loaded)
    assert int(loaded.optimizer.iterations.value) == 12


def test_batchnorm_dropout_model_round_trip(tmp_path):
    x, y = classification()
    model = sequential(dropout=True)
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    save(model, tmp_path / "bn.hdf5")
    loaded = keras.models.load_model(tmp_path / "bn.hdf5")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert_same_weights(model, loaded)  # moving mean and variance included
    history = loaded.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_functional_two_inputs_round_trip(tmp_path):
    rng = np.random.default_rng(1)
    xs = [rng.normal(size=(32, 4)).astype("float32"), rng.normal(size=(32, 2)).astype("float32")]
    y = rng.normal(size=(32, 1)).astype("float32")
    model = two_input_model()
    model.fit(xs, y, batch_size=8, epochs=2, verbose=0)
    save(model, tmp_path / "two.h5")
    loaded = keras.models.load_model(tmp_path / "two.h5")
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    np.testing.assert_array_equal(loaded.predict(xs, verbose=0), model.predict(xs, verbose=0))
    assert loaded.evaluate(xs, y, verbose=0) == model.evaluate(xs, y, verbose=0)
    for other in (model, loaded):
        other.fit(xs, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    assert_same_weights(model, loaded)
    with h5py.File(tmp_path / "two.h5", "r") as f:  # the loss is stored under its full name
        assert json.loads(f.attrs["training_config"])["loss"] == "mean_squared_error"
        assert json.loads(f.attrs["training_config"])["metrics"] == ["mae"]


def test_file_layout_follows_keras(tmp_path):
    x, y = classification()
    model = sequential(dropout=True)
    model.fit(x, y, epochs=1, verbose=0)
    save(model, tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r") as f:
        assert f.attrs["keras_version"].startswith("3.")
        config = json.loads(f.attrs["model_config"])
        assert config["class_name"] == "Sequential"
        assert [sorted(entry) for entry in config["config"]["layers"]] == \
            [["class_name", "config"]] * 5  # the legacy form of each layer
        training = json.loads(f.attrs["training_config"])
        assert training["optimizer_config"]["class_name"] == "Adam"
        weights = f["model_weights"]
        names = [layer.name for layer in model.layers]
        assert list(weights.attrs["layer_names"]) == names
        assert set(weights) == set(names) | {"top_level_model_weights"}
        bn = weights[model.layers[1].name]
        assert [n.rsplit("/", 1)[-1] for n in bn.attrs["weight_names"]] == \
            ["gamma", "beta", "moving_mean", "moving_variance"]
        stored = [bn[n][()] for n in bn.attrs["weight_names"]]
        for got, want in zip(stored, model.layers[1].get_weights()):
            np.testing.assert_array_equal(got, want)
        optimizer = f["optimizer_weights"]
        assert len(optimizer.attrs["weight_names"]) == 2 + 2 * 6  # iteration, lr, m and v


def test_save_options_as_in_keras(tmp_path):
    x, y = classification()
    model = sequential()
    model.fit(x, y, epochs=1, verbose=0)
    with pytest.warns(KerasliteDeprecationWarning, match="save_format"):
        save(model, tmp_path / "a.h5", save_format="h5")
    with pytest.raises(ValueError, match="save_format"):
        model.save(tmp_path / "a_model", save_format="h5")
    save(model, tmp_path / "bare.h5", include_optimizer=False)
    with h5py.File(tmp_path / "bare.h5", "r") as f:
        assert "training_config" not in f.attrs and "optimizer_weights" not in f
    bare = keras.models.load_model(tmp_path / "bare.h5")
    assert not getattr(bare, "compiled", False)
    save(model, tmp_path / "new" / "folder" / "m.h5")  # Keras creates the folder here
    uncompiled = keras.models.load_model(tmp_path / "a.h5", compile=False)
    np.testing.assert_array_equal(uncompiled.predict(x, verbose=0), model.predict(x, verbose=0))
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "a.h5", overwrite=False)
    with pytest.raises(ValueError, match=".weights.h5"):  # Keras 3 saves weights only there
        model.save_weights(tmp_path / "w.h5")
    other = sequential()  # a full .h5 model file also serves load_weights
    other.load_weights(tmp_path / "a.h5")
    assert_same_weights(model, other)


def test_model_checkpoint_h5_save_best_only(tmp_path):
    x, y = classification(96)
    model = sequential(dropout=False)
    checkpoint = keras.callbacks.ModelCheckpoint(tmp_path / "best_model.h5", monitor="val_loss",
                                                 save_best_only=True)
    with pytest.warns(LegacyFormatWarning):
        history = model.fit(x, y, validation_split=0.25, epochs=4, verbose=0,
                            callbacks=[checkpoint])
    best = keras.models.load_model(tmp_path / "best_model.h5")
    assert best.evaluate(x[72:], y[72:], verbose=0)[0] == pytest.approx(
        min(history.history["val_loss"]), rel=1e-5)
    assert sorted(os.listdir(tmp_path)) == ["best_model.h5"]  # no temporary files left
    with pytest.raises(ValueError, match=r"must end in `.keras`.*`.h5`"):
        keras.callbacks.ModelCheckpoint(tmp_path / "m.hdf5")  # Keras 3 refuses it too
    with pytest.raises(ValueError, match="must end in `.weights.h5`"):
        keras.callbacks.ModelCheckpoint(tmp_path / "m.h5", save_weights_only=True)


def test_failed_save_leaves_the_previous_file(tmp_path, monkeypatch):
    x, y = classification()
    model = sequential()
    model.fit(x, y, epochs=1, verbose=0)
    path = tmp_path / "m.h5"
    save(model, path)
    before = path.read_bytes()
    model.fit(x, y, epochs=1, verbose=0)

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(legacy_h5, "_write_optimizer_weights", broken)
    with pytest.raises(RuntimeError, match="disk full"), warnings.catch_warnings():
        warnings.simplefilter("ignore", LegacyFormatWarning)
        model.save(path)
    monkeypatch.undo()
    monkeypatch.setattr("keraslite.saving.atomic.os.fsync", broken)  # fails during the write
    with pytest.raises(RuntimeError, match="disk full"), warnings.catch_warnings():
        warnings.simplefilter("ignore", LegacyFormatWarning)
        model.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["m.h5"]
    keras.models.load_model(path)


def test_optimizer_state_that_does_not_fit_starts_fresh(tmp_path):
    x, y = classification()
    model = sequential()
    model.fit(x, y, epochs=1, verbose=0)
    save(model, tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "a") as f:
        group = f["optimizer_weights"]
        group.attrs["weight_names"] = list(group.attrs["weight_names"])[:-1]
    with pytest.warns(KerasliteWarning, match="freshly initialized optimizer"):
        loaded = keras.models.load_model(tmp_path / "m.h5")
    assert int(loaded.optimizer.iterations.value) == 0
    with h5py.File(tmp_path / "m.h5", "a") as f:
        f.attrs["keras_version"] = "2.15.0"
    with pytest.warns(KerasliteWarning, match="Keras 2.15.0"):
        keras.models.load_model(tmp_path / "m.h5")


def test_hostile_legacy_files_are_refused(tmp_path):
    x, y = classification()
    model = sequential()
    model.fit(x, y, epochs=1, verbose=0)
    save(model, tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "a") as f:
        group = f["optimizer_weights"]
        first = str(group.attrs["weight_names"][0])
        del group[first]
        group[first] = h5py.ExternalLink(str(tmp_path / "other.h5"), "/secret")
    with pytest.raises(UnsafeFileError, match="ExternalLink"):
        keras.models.load_model(tmp_path / "m.h5")
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "InputLayer", "config": {"batch_shape": [None, 2]}},
        {"class_name": "Lambda", "config": {"function": {
            "class_name": "__lambda__", "config": {"code": "x"}}}}]}}
    with h5py.File(tmp_path / "lambda.h5", "w") as f:
        f.attrs["model_config"] = json.dumps(config)
        f.create_group("model_weights").attrs["layer_names"] = []
    with pytest.raises(UnsafeFileError, match="safe_mode"):
        keras.models.load_model(tmp_path / "lambda.h5")


def test_long_name_lists_are_split_as_keras_does(tmp_path):
    names = [f"layer_with_a_rather_long_name_{i:05d}" for i in range(3000)]
    with h5py.File(tmp_path / "names.h5", "w") as f:
        legacy_h5._write_names(f, "layer_names", names)
        assert "layer_names" not in f.attrs and "layer_names1" in f.attrs
        assert legacy_h5.read_names(f, "layer_names") == names
        legacy_h5._write_names(f, "short", ["a", "b"])
        assert legacy_h5.read_names(f, "short") == ["a", "b"]
