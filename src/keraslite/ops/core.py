"""Conversion helpers shared by every op: values in, Tensors out."""

from __future__ import annotations

from typing import Any

from keraslite.autodiff import Tensor, node
from keraslite.backend import floatx, xp

_PY_SCALARS = (int, float, bool)


def value_of(x: Any):
    """The raw array (or Python scalar) behind ``x``; lists become arrays."""
    if isinstance(x, Tensor):
        return x.value
    if isinstance(x, _PY_SCALARS):
        return x
    return xp.asarray(x)


def convert_to_tensor(x: Any, dtype: Any = None) -> Tensor:
    """Return ``x`` as a Tensor (a Tensor is returned as is when no cast is needed).

    Python floats and float64 data become ``floatx()`` unless ``dtype`` says otherwise.
    """
    if isinstance(x, Tensor):
        return x if dtype is None or x.dtype == dtype else cast(x, dtype)
    value = xp.asarray(x)
    if dtype is None and value.dtype.kind == "f" and not hasattr(x, "dtype"):
        dtype = floatx()
    return Tensor(value if dtype is None else value.astype(dtype, copy=False))


def convert_to_numpy(x: Any):
    """Return ``x`` as a NumPy array."""
    v = value_of(x)
    return v.get() if hasattr(v, "get") else xp.asarray(v)


def cast(x: Any, dtype: Any) -> Tensor:
    """Cast to ``dtype``; the gradient is cast back for float targets."""
    v = value_of(x)
    src = xp.asarray(v).dtype
    out = xp.asarray(v).astype(dtype, copy=False)
    if xp.dtype(dtype).kind != "f":
        return Tensor(out)
    return node(out, (x,), lambda g: (g.astype(src, copy=False),))


def stop_gradient(x: Any) -> Tensor:
    """Return the value of ``x`` cut off from the graph: no gradient flows back through it."""
    return Tensor(value_of(x))


def shape(x: Any) -> tuple:
    """The shape of ``x`` as a tuple of ints."""
    return tuple(xp.shape(value_of(x)))


def dtype(x: Any) -> str:
    """The dtype name of ``x``."""
    return str(xp.asarray(value_of(x)).dtype)


def zeros(shape: tuple, dtype: Any = None) -> Tensor:
    return Tensor(xp.zeros(shape, dtype or floatx()))


def ones(shape: tuple, dtype: Any = None) -> Tensor:
    return Tensor(xp.ones(shape, dtype or floatx()))


def zeros_like(x: Any, dtype: Any = None) -> Tensor:
    return Tensor(xp.zeros_like(value_of(x), dtype=dtype))


def ones_like(x: Any, dtype: Any = None) -> Tensor:
    return Tensor(xp.ones_like(value_of(x), dtype=dtype))


def full(shape: tuple, fill_value: Any, dtype: Any = None) -> Tensor:
    return Tensor(xp.full(shape, fill_value, dtype or floatx()))


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: Any = None) -> Tensor:
    return Tensor(xp.arange(start, stop, step, dtype=dtype))
