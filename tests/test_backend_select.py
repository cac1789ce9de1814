"""The backend switch (KERASLITE_BACKEND) and the host/device borders, proven without a GPU.

The selection logic and the border helpers run with NumPy. Then keraslite runs in a subprocess
with ``KERASLITE_BACKEND=cupy`` over tests/fake_cupy, a CuPy stand-in whose arrays refuse to
mix with NumPy arrays as CuPy's do: tests/gpu/cases.py (ops, float64 gradients, three fits)
must run through without an error, give the NumPy backend's numbers, and hand back NumPy
arrays from predict and get_weights. tests/gpu/test_cupy_backend.py does the same on a GPU.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from keraslite.backend import to_device, to_float, to_numpy, xp
from keraslite.backend.xp import backend_name, load_backend

TESTS = Path(__file__).resolve().parent
SRC = TESTS.parent / "src"


@pytest.mark.parametrize("env, expected", [
    ({}, "numpy"),
    ({"KERASLITE_BACKEND": "cupy"}, "cupy"),
    ({"KERASLITE_BACKEND": " CuPy "}, "cupy"),
    ({"KERASLITE_BACKEND": "numpy", "KERAS_BACKEND": "cupy"}, "numpy"),
    ({"KERAS_BACKEND": "cupy"}, "cupy"),
    ({"KERAS_BACKEND": "jax"}, "numpy"),  # real Keras' names mean nothing to keraslite
])
def test_backend_name_reads_the_environment(env, expected):
    assert backend_name(env) == expected


def test_unknown_backend_names_the_variable_and_the_fix():
    with pytest.raises(ValueError, match=r"KERASLITE_BACKEND must be one of.*'torch'.*Unset"):
        backend_name({"KERASLITE_BACKEND": "torch"})


def test_missing_cupy_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # import cupy -> ImportError
    with pytest.raises(ImportError, match=r"needs CuPy.*pip install cupy-cuda12x.*unset"):
        load_backend("cupy")
    assert load_backend("numpy") is np


def test_borders_are_free_with_numpy():
    assert xp is np
    a = np.arange(6.0).reshape(2, 3)
    assert to_device(a) is a and to_numpy(a) is a
    assert to_device([1, 2], dtype="float32").dtype == np.float32
    assert type(to_numpy(np.float32(2.5))) is np.ndarray
    assert to_float(np.float32(2.5)) == 2.5


def _cases(tmp_path: Path, backend: str, extra_path: str = "") -> tuple[dict, dict]:
    out = tmp_path / f"{backend}.npz"
    env = {**os.environ, "KERASLITE_BACKEND": backend,
           "PYTHONPATH": os.pathsep.join(p for p in (str(SRC), extra_path) if p)}
    proc = subprocess.run([sys.executable, str(TESTS / "gpu" / "cases.py"), str(out)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with np.load(out) as f:
        data = {k: f[k] for k in f.files}
    return json.loads(str(data.pop("__meta__"))), data


def test_fake_cupy_backend_runs_the_gpu_cases_and_matches_numpy(tmp_path):
    meta_np, ref = _cases(tmp_path, "numpy")
    meta, got = _cases(tmp_path, "cupy", str(TESTS / "fake_cupy"))
    assert meta["backend"] == "cupy" and not meta_np["errors"]
    assert not meta["errors"], "\n".join(f"{k}: {v}" for k, v in meta["errors"].items())
    assert set(got) == set(ref)
    for key in ref:
        np.testing.assert_allclose(got[key], ref[key], rtol=1e-6, atol=1e-7, err_msg=key)
    assert ref["fit_titanic/loss"][-1] < ref["fit_titanic/loss"][0]


def test_fake_cupy_backend_saves_and_returns_numpy(tmp_path):
    script = f"""
import numpy as np, keraslite as keras
from keraslite import layers
from keraslite.backend import xp
assert xp.__name__ == "cupy"
m = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="relu"), layers.Dense(1)])
m.compile("adam", "mse", metrics=["mae"])
x = np.random.default_rng(0).random((64, 3), dtype=np.float32)
y = x.sum(1, keepdims=True)
h = m.fit(x, y, epochs=2, batch_size=16, verbose=0, validation_split=0.25)
assert all(type(v) is float for vs in h.history.values() for v in vs), h.history
assert type(m.evaluate(x, y, verbose=0)[0]) is float
assert type(m.predict(x, verbose=0)) is np.ndarray
assert type(m.predict_on_batch(x)) is np.ndarray
assert all(type(w) is np.ndarray for w in m.get_weights())
assert isinstance(m.layers[0].kernel.value, xp.ndarray)
m.save_weights(r"{tmp_path / 'w.weights.h5'}")
m2 = keras.models.clone_model(m)
m2.load_weights(r"{tmp_path / 'w.weights.h5'}")
assert isinstance(m2.layers[0].kernel.value, xp.ndarray)
np.testing.assert_allclose(m2.predict(x, verbose=0), m.predict(x, verbose=0))
print("ok")
"""
    env = {**os.environ, "KERASLITE_BACKEND": "cupy",
           "PYTHONPATH": os.pathsep.join([str(SRC), str(TESTS / "fake_cupy")])}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0 and "ok" in proc.stdout, proc.stdout + proc.stderr
