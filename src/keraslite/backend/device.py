"""The borders between the host (NumPy) and the array module (NumPy or CuPy).

Data enter computation through :func:`to_device` (training batches, initial weights, random
draws) and leave it through :func:`to_numpy` (predictions, saved weights, logged metrics).
With NumPy both are free: no copy is made when the dtype already matches.
"""

from __future__ import annotations

from typing import Any

import numpy

from keraslite.backend.xp import BACKEND, xp


def on_gpu() -> bool:
    """Whether computation runs on CuPy arrays."""
    return BACKEND == "cupy"


# The Tensor class, registered by ``keraslite.autodiff.tensor`` (one floor up, so the backend
# never imports it); until then no Tensor exists, and nothing is one.
_TENSOR_TYPE: list[type] = []


def register_tensor_type(cls: type) -> None:
    """Make ``to_device`` / ``to_numpy`` / ``to_float`` read ``cls``'s ``.value``."""
    _TENSOR_TYPE[:] = [cls]


def _unwrap(x: Any) -> Any:
    """The array behind a Tensor or Variable; anything else as it is."""
    return x.value if _TENSOR_TYPE and isinstance(x, _TENSOR_TYPE[0]) else x


def to_device(x: Any, dtype: Any = None) -> Any:
    """Host -> device: ``x`` (array, list, scalar, Tensor) as an ``xp`` array."""
    return xp.asarray(_unwrap(x), dtype=dtype)


def to_numpy(x: Any) -> Any:
    """Device -> host: ``x`` (an ``xp`` array, Tensor, scalar or list) as a NumPy array.

    NumPy arrays are returned as they are (no copy).
    """
    if type(x) is numpy.ndarray:  # the common case on the NumPy backend: free
        return x
    x = _unwrap(x)
    if BACKEND != "numpy" and isinstance(x, xp.ndarray):
        return x.get()
    return x if isinstance(x, numpy.ndarray) else numpy.asarray(x)


def to_float(x: Any) -> float:
    """A scalar (device array, NumPy scalar, Tensor) as a Python float, for logs and metrics."""
    return float(_unwrap(x))


def as_strided(x: Any, shape: tuple, strides: tuple) -> Any:
    """A read-only strided view of ``x`` (CuPy's ``as_strided`` has no ``writeable`` flag)."""
    if BACKEND == "numpy":
        return xp.lib.stride_tricks.as_strided(x, shape, strides, writeable=False)
    return xp.lib.stride_tricks.as_strided(x, shape, strides)


def scatter_add(target: Any, index: Any, values: Any) -> None:
    """``target[index] += values`` with repeated indices summed (``numpy.add.at``), in place."""
    if BACKEND == "numpy":
        xp.add.at(target, index, values)
    else:
        import cupyx

        cupyx.scatter_add(target, index, values)
