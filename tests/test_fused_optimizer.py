"""The fused (numba) Adam update over large flat buffers gives NumPy's numbers, bit for bit."""

import numpy as np
import pytest

import keraslite as keras
from keraslite.autodiff.tensor import Variable
from keraslite.optimizers import fused
from keraslite.training.flat import FlatParameters

pytest.importorskip("numba")


def _train(monkeypatch, flag: str, dtype, **kwargs) -> np.ndarray:
    monkeypatch.setenv("KERASLITE_FUSED", flag)
    monkeypatch.setattr(fused, "_KERNELS", {})
    rng = np.random.default_rng(0)
    variables = [Variable(rng.standard_normal((520, 512)).astype(dtype)),
                 Variable(rng.standard_normal(512).astype(dtype))]
    params = FlatParameters(variables)
    assert params.flat.size >= fused.MIN_SIZE
    optimizer = keras.optimizers.get(kwargs.pop("name", "adam")).__class__(0.01, **kwargs)
    for _ in range(4):
        params.grad[...] = rng.standard_normal(params.grad.size).astype(dtype)
        optimizer.apply_flat(params.grad, params.flat, params.variables, params.grad_views)
    used = fused._KERNELS.get(("adam", np.dtype(dtype)))
    assert (used is not None) == (flag == "1")
    return params.flat.copy()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_adam_matches_numpy(monkeypatch, dtype):
    expected = _train(monkeypatch, "0", dtype)
    np.testing.assert_array_equal(_train(monkeypatch, "1", dtype), expected)


def test_fused_adamw_with_clipping_matches_numpy(monkeypatch):
    kwargs = {"name": "adamw", "weight_decay": 0.01, "global_clipnorm": 1.0}
    expected = _train(monkeypatch, "0", np.float32, **dict(kwargs))
    np.testing.assert_array_equal(_train(monkeypatch, "1", np.float32, **kwargs), expected)


def test_switched_off_or_small_buffers_stay_in_numpy(monkeypatch):
    monkeypatch.setenv("KERASLITE_FUSED", "0")
    monkeypatch.setattr(fused, "_KERNELS", {})
    assert fused.kernel("adam", np.float32) is None
