"""Python operators on Tensors (``a + b``, ``a @ b``, ``a[i]`` ...), attached to the class.

``==`` keeps Python's identity meaning so Tensors work in sets and dicts; use ``ops.equal``.
"""

from keraslite.autodiff.tensor import Tensor
from keraslite.ops import math, reduction, shape


def _swap(fn):
    return lambda self, other: fn(other, self)


def attach() -> None:
    """Give Tensor its arithmetic, comparison and indexing operators."""
    table = {
        "__add__": math.add,
        "__radd__": _swap(math.add),
        "__sub__": math.subtract,
        "__rsub__": _swap(math.subtract),
        "__mul__": math.multiply,
        "__rmul__": _swap(math.multiply),
        "__truediv__": math.divide,
        "__rtruediv__": _swap(math.divide),
        "__matmul__": math.matmul,
        "__rmatmul__": _swap(math.matmul),
        "__pow__": math.power,
        "__rpow__": _swap(math.power),
        "__neg__": math.negative,
        "__pos__": lambda self: self,
        "__abs__": math.abs,
        "__lt__": math.less,
        "__le__": math.less_equal,
        "__gt__": math.greater,
        "__ge__": math.greater_equal,
        "__getitem__": shape.getitem,
        "reshape": lambda self, *s: shape.reshape(self, s[0] if len(s) == 1 else s),
        "sum": reduction.sum,
        "mean": reduction.mean,
        "T": property(lambda self: shape.transpose(self)),
    }
    for name, fn in table.items():
        setattr(Tensor, name, fn)
