"""The engine's Dropout mask from PCG64's raw output equals the layer's draw, bit for bit."""

import numpy as np
import pytest

from keraslite.layers.kernels import keep_mask


@pytest.mark.parametrize("shape", [(128, 512), (2, 3), (1, 4), (3, 5)])
@pytest.mark.parametrize("keep", [0.8, 0.5, 0.3, 0.7000001, 1 - 1e-9, 1e-9])
@pytest.mark.parametrize("odd_before", [False, True])
def test_keep_mask_draws_what_random_draws(shape, keep, odd_before):
    a, b = np.random.default_rng(11), np.random.default_rng(11)
    if odd_before:  # a buffered 32-bit half: the fast path steps aside
        a.random(3, dtype="float32")
        b.random(3, dtype="float32")
    expected = a.random(shape, dtype="float32") < keep
    out = np.empty(shape, bool)
    mask = keep_mask(b, shape, keep, out)
    if mask is None:  # not guaranteed: the caller draws the floats
        assert odd_before or np.prod(shape) % 2
        mask = b.random(shape, dtype="float32") < keep
    np.testing.assert_array_equal(mask, expected)
    np.testing.assert_array_equal(a.random(7), b.random(7))  # the same state after
    np.testing.assert_array_equal(a.random(3, dtype="float32"), b.random(3, dtype="float32"))
