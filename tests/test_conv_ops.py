"""keras.ops convolutions and pooling against real Keras 3 (tests/golden/conv_ops.npz) and
their float64 gradients against central differences."""

import sys
from pathlib import Path

import numpy as np
import pytest

import keraslite
from keraslite import ops
from keraslite.autodiff.gradcheck import check_gradients

sys.path.insert(0, str(Path(__file__).parent / "golden"))
from conv_op_cases import CASES, inputs  # noqa: E402

GOLDEN = Path(__file__).parent / "golden" / "conv_ops.npz"


@pytest.fixture(scope="module")
def golden():
    with np.load(GOLDEN) as f:
        return {k: f[k] for k in f.files}


def _id(case):
    op, shapes, kwargs = case
    return op + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items() if v is not None) + \
        f"-{len(shapes[0]) - 2}d"


@pytest.mark.parametrize("index", range(len(CASES)), ids=[_id(c) for c in CASES])
def test_matches_keras(golden, index):
    op, _, kwargs = CASES[index]
    got = getattr(ops, op)(*inputs(index), **kwargs)
    np.testing.assert_allclose(np.asarray(got), golden[f"out_{index}"], rtol=1e-5, atol=1e-5)


# Gradients in float64: every golden case (each padding / stride / dilation / data_format /
# rank combination above), with respect to every input.
@pytest.mark.parametrize("index", range(len(CASES)), ids=[_id(c) for c in CASES])
def test_gradient(index):
    op, _, kwargs = CASES[index]
    arrays = [a.astype(np.float64) for a in inputs(index)]
    check_gradients(lambda *t: getattr(ops, op)(*t, **kwargs), arrays, directions=1)


@pytest.mark.parametrize("shape", [(2, 4, 6, 3), (2, 5, 6, 3)], ids=["tiled", "not-tiled"])
def test_max_pool_gradient_goes_to_the_first_maximum_of_a_tie(shape):
    """Ties (ReLU zeros, repeated pixels): the whole gradient goes to the window's first
    maximum, as in TensorFlow, whether or not the windows tile the input."""
    rng = np.random.default_rng(3)
    x = rng.integers(0, 3, shape).astype("float32")
    v = keraslite.Variable(x)
    with keraslite.GradientTape() as tape:
        y = ops.sum(ops.multiply(ops.max_pool(v, 2), 1.0))
    g = np.asarray(tape.gradient(y, v))
    want = np.zeros_like(x)
    for n in range(shape[0]):
        for i in range(shape[1] // 2):
            for j in range(shape[2] // 2):
                for c in range(shape[3]):
                    window = x[n, 2 * i:2 * i + 2, 2 * j:2 * j + 2, c].reshape(-1)
                    first = int(np.argmax(window))
                    want[n, 2 * i + first // 2, 2 * j + first % 2, c] = 1.0
    np.testing.assert_array_equal(g, want)


def test_freed_memory_policy_is_applied_once(monkeypatch):
    from keraslite.backend import allocator

    monkeypatch.setattr(allocator, "_DONE", [False])
    monkeypatch.setenv("KERASLITE_KEEP_FREED_MEMORY", "0")
    assert allocator.retain_freed_memory() is False  # opted out
    assert allocator.retain_freed_memory() is False  # and only ever tried once
