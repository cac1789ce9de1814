"""Hostile files: each is refused with a clear error, and loading them has no side effects."""

import io
import json
import sys
import zipfile

import numpy as np
import pytest

import keraslite as keras
from keraslite.saving import UnsafeFileError
from keraslite.saving.python_code import dump_function

h5py = pytest.importorskip("h5py")


@pytest.fixture
def saved(tmp_path):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((8, 4)), np.ones((8, 3)), verbose=0)
    path = tmp_path / "good.keras"
    model.save(path)
    return path


def members(path):
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_zip(path, items, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in items:
            zf.writestr(name, data)
    return path


def with_config(saved, tmp_path, edit, name="hostile.keras"):
    parts = members(saved)
    config = json.loads(parts["config.json"])
    edit(config)
    parts["config.json"] = json.dumps(config).encode()
    return write_zip(tmp_path / name, parts.items())


def dense_config(config, index=1):
    return config["config"]["layers"][index]


def test_lambda_layer_is_refused_and_its_code_never_runs(saved, tmp_path):
    marker = tmp_path / "pwned"
    target = str(marker)
    payload = {"class_name": "__lambda__",
               "config": {"value": dump_function(lambda x: open(target, "w"))}}  # noqa: SIM115

    def edit(config):
        config["config"]["layers"].insert(2, {
            "module": "keras.layers", "class_name": "Lambda", "registered_name": None,
            "config": {"name": "lam", "function": payload, "arguments": {}}})

    path = with_config(saved, tmp_path, edit)
    with pytest.raises(UnsafeFileError, match="safe_mode=False"):
        keras.models.load_model(path)

    def edit_activation(config):
        dense_config(config)["config"]["activation"] = payload

    path = with_config(saved, tmp_path, edit_activation, "act.keras")
    with pytest.raises(UnsafeFileError, match="Python code"):
        keras.models.load_model(path)
    assert not marker.exists()


def test_config_cannot_switch_safe_mode_off(saved, tmp_path):
    payload = {"class_name": "__lambda__", "config": {"value": dump_function(lambda x: x)}}

    def edit(config):
        config["safe_mode"] = False
        config["config"]["safe_mode"] = False
        dense_config(config)["config"]["safe_mode"] = False
        dense_config(config)["config"]["activation"] = payload
        config["config"]["layers"].insert(1, {
            "module": "keras.config", "class_name": "function",
            "config": "enable_unsafe_deserialization",
            "registered_name": "enable_unsafe_deserialization"})

    path = with_config(saved, tmp_path, edit)
    with pytest.raises((UnsafeFileError, TypeError)):
        keras.models.load_model(path)
    assert keras.saving.in_safe_mode() is None  # no state leaks out of a failed load


def test_unknown_class_is_refused_with_the_fix(saved, tmp_path):
    def edit(config):
        dense_config(config)["class_name"] = "EvilDense"

    with pytest.raises(TypeError, match=r"custom_objects=\{'EvilDense'"):
        keras.models.load_model(with_config(saved, tmp_path, edit))


@pytest.mark.parametrize("module,name,function", [
    ("os", "system", True), ("subprocess", "Popen", False), ("builtins", "eval", True),
    ("evil_module_that_does_not_exist", "Payload", False),
])
def test_modules_named_in_the_file_are_never_imported(saved, tmp_path, module, name, function):
    def edit(config):
        if function:
            dense_config(config)["config"]["activation"] = {
                "module": module, "class_name": "function", "config": name,
                "registered_name": name}
        else:
            dense_config(config).update({"module": module, "class_name": name,
                                         "registered_name": None})

    with pytest.raises(TypeError, match="never imports modules named in a file"):
        keras.models.load_model(with_config(saved, tmp_path, edit))
    assert "evil_module_that_does_not_exist" not in sys.modules


def test_zip_bomb_is_refused_before_decompressing(saved, tmp_path):
    parts = members(saved)
    bomb = b" " * (16 << 20)  # 16 MiB of spaces: compresses about 1000:1
    path = write_zip(tmp_path / "bomb.keras",
                     [("metadata.json", parts["metadata.json"]), ("config.json", bomb),
                      ("model.weights.h5", parts["model.weights.h5"])],
                     compression=zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(UnsafeFileError, match="zip bomb"):
        keras.models.load_model(path)


@pytest.mark.parametrize("name", ["../evil.json", "/tmp/evil.json", "assets/../../evil.json",
                                  "C:/evil.json", "assets\\..\\evil.json"])
def test_path_traversal_member_names_are_refused(saved, tmp_path, name):
    parts = members(saved)
    path = write_zip(tmp_path / "trav.keras", list(parts.items()) + [(name, b"{}")])
    with pytest.raises(UnsafeFileError, match="escapes the archive"):
        keras.models.load_model(path)
    assert not (tmp_path.parent / "evil.json").exists()


def test_duplicate_members_are_refused(saved, tmp_path):
    parts = members(saved)
    with pytest.warns(UserWarning):  # zipfile warns about the duplicate name itself
        path = write_zip(tmp_path / "dup.keras",
                         list(parts.items()) + [("config.json", b'{"class_name": "x"}')])
    with pytest.raises(UnsafeFileError, match="appears twice"):
        keras.models.load_model(path)


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_archive_is_refused(saved, tmp_path, keep):
    data = saved.read_bytes()
    path = tmp_path / "cut.keras"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ValueError, match="truncated or corrupt"):
        keras.models.load_model(path)


def test_corrupt_member_is_refused(saved, tmp_path):
    data = bytearray(saved.read_bytes())
    start = data.find(b"\x89HDF")  # inside the stored weights member
    data[start + 2000:start + 2100] = bytes(b ^ 0xFF for b in data[start + 2000:start + 2100])
    path = tmp_path / "flip.keras"
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="truncated or corrupt"):
        keras.models.load_model(path)


def test_mismatched_weight_shapes_are_refused(saved, tmp_path):
    def edit(config):
        dense_config(config)["config"]["units"] = 9
        config["config"]["layers"][2]["build_config"]["input_shape"] = [None, 9]

    with pytest.raises(ValueError, match=r"shape \(4, 9\) but the file holds shape \(4, 8\)"):
        keras.models.load_model(with_config(saved, tmp_path, edit))


def test_load_weights_that_do_not_fit_leave_the_model_unchanged(saved):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), keras.layers.Dense(4)])
    before = model.get_weights()
    with pytest.raises(ValueError, match="do not fit"):
        model.load_weights(saved)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)  # the first layer, which fits, was not written


def test_h5_links_and_non_numeric_data_are_refused(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f.create_dataset("secret", data=np.arange(6.0).reshape(2, 3))
    link = tmp_path / "link.weights.h5"
    with h5py.File(link, "w") as f:
        f.create_group("layers/dense")
        f["layers/dense/vars"] = h5py.ExternalLink(str(other), "/")
    with pytest.raises(UnsafeFileError, match="ExternalLink"):
        model.load_weights(link)
    strings = tmp_path / "str.weights.h5"
    with h5py.File(strings, "w") as f:
        f.create_dataset("layers/dense/vars/0", data=np.array([b"a", b"b"]))
        f.create_dataset("layers/dense/vars/1", data=np.zeros(2))
    with pytest.raises(UnsafeFileError, match="non-numeric"):
        model.load_weights(strings)


def test_hostile_config_values(saved, tmp_path):
    def object_array(config):
        dense_config(config)["config"]["units"] = {
            "class_name": "__numpy__", "config": {"value": [1], "dtype": "object"}}

    with pytest.raises(UnsafeFileError, match="numeric dtype"):
        keras.models.load_model(with_config(saved, tmp_path, object_array))

    def deep(config):
        nested = {"class_name": "Mean", "config": {}}
        for _ in range(300):
            nested = {"k": [nested]}
        config["compile_config"]["metrics"] = nested

    with pytest.raises(UnsafeFileError, match="nested"):
        keras.models.load_model(with_config(saved, tmp_path, deep, "deep.keras"))


def test_not_a_keras_file(tmp_path):
    path = tmp_path / "x.keras"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(ValueError, match="not a valid .keras file"):
        keras.models.load_model(path)
    path = write_zip(tmp_path / "empty.keras", [("metadata.json", b"{}")])
    with pytest.raises(ValueError, match="no 'config.json'"):
        keras.models.load_model(path)
    with pytest.raises(ValueError, match="not a valid HDF5"):
        keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)]).load_weights(
            io.BytesIO(b"\x00" * 100))
