"""keras.ops convolutions and pooling against real Keras 3 (tests/golden/conv_ops.npz) and
their float64 gradients against central differences."""

import sys
from pathlib import Path

import numpy as np
import pytest

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
