"""The one ``cupyx`` function keraslite uses, for the CuPy stand-in in tests/fake_cupy/cupy."""

import cupy as _cupy
import numpy as _np


def scatter_add(a, slices, value):
    """``a[slices] += value`` with repeated indices summed, as ``numpy.add.at``."""
    _cupy._check([a], "scatter_add")
    _np.add.at(a.view(_np.ndarray), _cupy._unwrap(slices), _cupy._unwrap(value))
