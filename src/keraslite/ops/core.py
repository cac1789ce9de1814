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


def float_value(x: Any):
    """The array behind ``x`` as a float array: ints, bools and Python numbers become floatx."""
    v = value_of(x)
    if isinstance(v, _PY_SCALARS) or xp.asarray(v).dtype.kind != "f":
        return xp.asarray(v, dtype=floatx())
    return v


def full_like(x: Any, fill_value: Any, dtype: Any = None) -> Tensor:
    """An array of ``x``'s shape filled with ``fill_value`` (``x``'s dtype by default)."""
    return Tensor(xp.full_like(xp.asarray(value_of(x)), value_of(fill_value), dtype=dtype))


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Tensor:  # noqa: N803
    """An ``N × M`` matrix with ones on the ``k``-th diagonal and zeros elsewhere."""
    return Tensor(xp.eye(N, M, k, dtype=dtype or floatx()))


def identity(n: int, dtype: Any = None) -> Tensor:
    """The ``n × n`` identity matrix."""
    return Tensor(xp.eye(n, dtype=dtype or floatx()))


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, retstep: bool = False,
             dtype: Any = None, axis: int = 0) -> Any:
    """``num`` evenly spaced values from ``start`` to ``stop`` (included when ``endpoint``).

    The values are start + i · step with step = (stop - start) / (num - 1) (or / num without the
    endpoint). ``start`` and ``stop`` may be arrays: the samples then run along ``axis``.
    With ``retstep`` the step is returned too, as ``(samples, step)``.
    """
    out = xp.linspace(value_of(start), value_of(stop), num, endpoint=endpoint, retstep=retstep,
                      dtype=dtype or floatx(), axis=axis)
    if retstep:
        samples, step = out
        return Tensor(samples), Tensor(xp.asarray(step, dtype=samples.dtype if
                                                  samples.dtype.kind == "f" else floatx()))
    return Tensor(out)


def ndim(x: Any) -> int:
    """The number of axes of ``x`` (works on symbolic tensors too)."""
    return len(x.shape) if hasattr(x, "shape") else xp.ndim(value_of(x))


def size(x: Any) -> int | None:
    """The number of elements of ``x`` (``None`` for a symbolic tensor of unknown shape)."""
    if getattr(type(x), "_keras_symbolic", False):
        n = 1
        for d in x.shape:
            if d is None:
                return None
            n *= d
        return n
    return int(xp.size(value_of(x)))


def is_tensor(x: Any) -> bool:
    """Whether ``x`` is a keraslite Tensor (arrays and Python numbers are not)."""
    return isinstance(x, Tensor)


def copy(x: Any) -> Tensor:
    """A copy of ``x`` with its own memory; the gradient passes through unchanged."""
    return node(xp.array(value_of(x), copy=True), (x,), lambda g: (g,))
