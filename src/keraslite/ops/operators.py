"""Python operators and NumPy-style methods on Tensors, attached to the class.

``a + b``, ``a // b``, ``a % b``, ``a @ b``, ``a[i]``, ``a < b`` and ``a == b`` work as on NumPy
arrays and in Keras 3 / TensorFlow eager: ``==`` and ``!=`` compare element-wise and return a
boolean Tensor. A Tensor stays hashable by identity, so it still works as a dict key or in a
set; to ask whether a Tensor is *in a list*, compare identities (``any(t is x for x in xs)``),
since ``in`` would compare values.

The methods NumPy calls when handed a Tensor (``np.mean(t)`` calls ``t.mean(axis=None,
dtype=None, out=None)``) accept NumPy's keywords, so ``np.mean``, ``np.sum``, ``np.std``,
``np.max``, ``np.round`` ... work on Tensors.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import xp
from keraslite.ops import core, math, reduction, shape
from keraslite.ops.core import value_of
from keraslite.ops.elementwise import floor_divide, mod


def _comparable(other: Any) -> bool:
    """Whether ``==`` against ``other`` compares values (numbers, arrays, Tensors, lists)."""
    if other is None or getattr(type(other), "_keras_symbolic", False):
        return False
    return isinstance(other, (Tensor, int, float, complex, list, tuple)) or \
        hasattr(other, "__array_interface__") or hasattr(other, "__array__")


def _eq(self: Tensor, other: Any) -> Any:
    """Element-wise ``self == other`` (a boolean Tensor), as in NumPy and Keras 3."""
    return math.equal(self, other) if _comparable(other) else NotImplemented


def _ne(self: Tensor, other: Any) -> Any:
    """Element-wise ``self != other`` (a boolean Tensor), as in NumPy and Keras 3."""
    return math.not_equal(self, other) if _comparable(other) else NotImplemented


def _bitwise(fn):
    def op(self, other):
        return Tensor(xp.asarray(fn(value_of(self), value_of(other))))

    def rop(self, other):
        return Tensor(xp.asarray(fn(value_of(other), value_of(self))))

    return op, rop


def _divmod(self: Tensor, other: Any) -> tuple[Tensor, Tensor]:
    return floor_divide(self, other), mod(self, other)


def _rdivmod(self: Tensor, other: Any) -> tuple[Tensor, Tensor]:
    return floor_divide(other, self), mod(other, self)


def _swap(fn):
    return lambda self, other: fn(other, self)


def _no_out(name: str, out: Any, **unsupported: Any) -> None:
    if out is not None:
        raise TypeError(
            f"Tensor.{name}() cannot write into `out`: Tensors are immutable. Use the returned "
            f"value instead. Received: out={type(out).__name__}")
    for key, value in unsupported.items():
        if value is not None:
            raise TypeError(f"Tensor.{name}() does not support `{key}`. Received: {key}={value!r}")


def _cast(t: Tensor, dtype: Any) -> Tensor:
    return t if dtype is None else core.cast(t, dtype)


def _reducer(name: str, fn):
    def method(self, axis=None, dtype=None, out=None, keepdims=False, initial=None,
               where=None):
        _no_out(name, out, initial=initial, where=where)
        return _cast(fn(self, axis=axis, keepdims=bool(keepdims)), dtype)

    method.__name__ = name
    method.__doc__ = f"``ops.{fn.__name__}`` as a method; accepts NumPy's keywords."
    return method


def _extreme(name: str, fn):
    def method(self, axis=None, out=None, keepdims=False, initial=None, where=None):
        _no_out(name, out, initial=initial, where=where)
        return fn(self, axis=axis, keepdims=bool(keepdims))

    method.__name__ = name
    method.__doc__ = f"``ops.{fn.__name__}`` as a method; accepts NumPy's keywords."
    return method


def _spread(name: str, fn):
    def method(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=None,
               mean=None, correction=None):
        _no_out(name, out, where=where, mean=mean)
        ddof = ddof if correction is None else correction
        result = reduction.var(self, axis=axis, keepdims=bool(keepdims))
        if ddof:
            count = self.size // max(result.size, 1)
            result = math.multiply(result, count / (count - ddof))
        if name == "std":
            result = math.sqrt(result)
        return _cast(result, dtype)

    method.__name__ = name
    method.__doc__ = f"The {name} over ``axis`` (``ddof`` as in NumPy; default 0)."
    return method


def _arg(name: str, fn):
    def method(self, axis=None, out=None, keepdims=False):
        _no_out(name, out)
        return fn(self, axis=axis, keepdims=bool(keepdims))

    method.__name__ = name
    return method


def _round(self: Tensor, decimals: int = 0, out: Any = None) -> Tensor:
    """Round to ``decimals`` places (NumPy's ``round``); no gradient flows through it."""
    _no_out("round", out)
    return math.round(self, decimals)


def _python_round(self: Tensor, ndigits: int | None = None) -> Any:
    """``round(t[, ndigits])``: as for a float on a scalar (an int, or a float with ``ndigits``).

    A Tensor of more elements gives a rounded Tensor.
    """
    if self.ndim == 0:
        return round(self.value.item(), ndigits)
    return _round(self, ndigits or 0)


def _transpose(self: Tensor, *axes: Any) -> Tensor:
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
        axes = axes[0]
    return shape.transpose(self, axes or None)


def _clip(self: Tensor, min: Any = None, max: Any = None, out: Any = None) -> Tensor:  # noqa: A002
    _no_out("clip", out)
    if min is None:
        return math.minimum(self, max)
    if max is None:
        return math.maximum(self, min)
    return math.clip(self, min, max)


def attach() -> None:
    """Give Tensor its arithmetic, comparison and indexing operators and NumPy-style methods."""
    and_, rand_ = _bitwise(xp.bitwise_and)
    or_, ror_ = _bitwise(xp.bitwise_or)
    xor_, rxor_ = _bitwise(xp.bitwise_xor)
    table = {
        "__add__": math.add,
        "__radd__": _swap(math.add),
        "__sub__": math.subtract,
        "__rsub__": _swap(math.subtract),
        "__mul__": math.multiply,
        "__rmul__": _swap(math.multiply),
        "__truediv__": math.divide,
        "__rtruediv__": _swap(math.divide),
        "__floordiv__": floor_divide,
        "__rfloordiv__": _swap(floor_divide),
        "__mod__": mod,
        "__rmod__": _swap(mod),
        "__divmod__": _divmod,
        "__rdivmod__": _rdivmod,
        "__matmul__": math.matmul,
        "__rmatmul__": _swap(math.matmul),
        "__pow__": math.power,
        "__rpow__": _swap(math.power),
        "__neg__": math.negative,
        "__pos__": lambda self: self,
        "__abs__": math.abs,
        "__invert__": lambda self: Tensor(xp.asarray(xp.invert(self.value))),
        "__and__": and_,
        "__rand__": rand_,
        "__or__": or_,
        "__ror__": ror_,
        "__xor__": xor_,
        "__rxor__": rxor_,
        "__eq__": _eq,
        "__ne__": _ne,
        "__lt__": math.less,
        "__le__": math.less_equal,
        "__gt__": math.greater,
        "__ge__": math.greater_equal,
        "__getitem__": shape.getitem,
        "__round__": _python_round,
        "reshape": lambda self, *s, order="C": shape.reshape(self, s[0] if len(s) == 1 else s),
        "astype": lambda self, dtype, copy=True: core.cast(self, dtype),
        "sum": _reducer("sum", reduction.sum),
        "mean": _reducer("mean", reduction.mean),
        "prod": _reducer("prod", reduction.prod),
        "max": _extreme("max", reduction.max),
        "min": _extreme("min", reduction.min),
        "var": _spread("var", reduction.var),
        "std": _spread("std", reduction.std),
        "argmax": _arg("argmax", reduction.argmax),
        "argmin": _arg("argmin", reduction.argmin),
        "round": _round,
        "clip": _clip,
        "transpose": _transpose,
        "squeeze": lambda self, axis=None: shape.squeeze(self, axis),
        "flatten": lambda self: shape.reshape(self, (-1,)),
        "T": property(lambda self: shape.transpose(self)),
    }
    for name, fn in table.items():
        setattr(Tensor, name, fn)
