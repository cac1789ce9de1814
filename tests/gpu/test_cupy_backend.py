"""The CuPy backend on a GPU gives the NumPy backend's results (skipped without CuPy or a GPU).

tests/gpu/cases.py runs once with ``KERASLITE_BACKEND=numpy`` and once with
``KERASLITE_BACKEND=cupy``, each in its own process (the backend is bound at import). Op
forwards and float64 gradients (matmul, dense, conv, max-pool, the fused LSTM, softmax and
sparse softmax cross-entropy) must agree to float64 rounding; fits of the Titanic MLP, a small
convnet and a small LSTM must reach the same losses within float32 tolerance, and predict must
return NumPy arrays.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest


def _gpu_available() -> bool:
    try:
        import cupy

        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # noqa: BLE001 - no CuPy, no driver or no device: skip
        return False


pytestmark = pytest.mark.skipif(not _gpu_available(), reason="needs CuPy and a CUDA GPU")

CASES = Path(__file__).with_name("cases.py")
SRC = Path(__file__).resolve().parents[2] / "src"


def _run(backend: str, out: Path) -> tuple[dict, dict]:
    env = {**os.environ, "KERASLITE_BACKEND": backend,
           "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, str(CASES), str(out)], env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with np.load(out) as f:
        data = {k: f[k] for k in f.files}
    return json.loads(str(data.pop("__meta__"))), data


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cupy")
    return _run("numpy", folder / "numpy.npz"), _run("cupy", folder / "cupy.npz")


def test_every_case_runs_on_cupy(results):
    (meta_np, _), (meta_cp, _) = results
    assert meta_cp["backend"] == "cupy" and meta_np["backend"] == "numpy"
    assert not meta_np["errors"], meta_np["errors"]
    assert not meta_cp["errors"], "\n".join(f"{k}: {v}" for k, v in meta_cp["errors"].items())


@pytest.mark.parametrize("case", ["matmul", "dense", "conv", "maxpool", "lstm", "softmax_ce",
                                  "embedding", "embedding_layer"])
def test_forward_and_float64_gradients_match_numpy(results, case):
    (_, ref), (_, got) = results
    keys = [k for k in ref if k.startswith(case + "/")]
    assert keys and all(k in got for k in keys), f"{case}: missing on cupy"
    tol = 1e-6 if case == "embedding_layer" else 1e-9  # the layer computes in float32
    for key in keys:
        np.testing.assert_allclose(got[key], ref[key], rtol=tol, atol=tol / 10, err_msg=key)


@pytest.mark.parametrize("case", ["fit_titanic", "fit_convnet", "fit_lstm"])
def test_fit_reaches_the_numpy_loss(results, case):
    (_, ref), (_, got) = results
    assert f"{case}/loss" in got, f"{case}: missing on cupy"
    assert ref[f"{case}/loss"][-1] < ref[f"{case}/loss"][0]  # it learns
    np.testing.assert_allclose(got[f"{case}/loss"], ref[f"{case}/loss"], rtol=2e-3, atol=1e-5)
    np.testing.assert_allclose(got[f"{case}/pred"], ref[f"{case}/pred"], rtol=5e-3, atol=1e-4)
