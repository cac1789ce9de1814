"""The Tensor: an array that remembers how it was computed, so gradients can flow back.

A Tensor made by an op while a tape records holds its ``parents`` and a ``vjp`` closure: given
the gradient of the final result with respect to this tensor, ``vjp`` returns the gradients with
respect to each parent (the vector-Jacobian product). Operators (``+``, ``@``, ``[]`` ...) are
attached by :mod:`keraslite.ops`, which sits one floor up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from keraslite.backend import floatx, to_numpy, xp
from keraslite.backend.device import register_tensor_type


class Tensor:
    """An immutable array with an optional place in the computation graph.

    Attributes:
        value: the underlying array.
        parents: the inputs of the op that produced it (empty for a leaf).
        vjp: maps the output gradient to a tuple of parent gradients (``None`` for a leaf).
        requires_grad: whether gradients are wanted for it (set by recording or watching).

    """

    __slots__ = ("value", "parents", "vjp", "requires_grad", "_keras_mask", "__weakref__")
    __array_priority__ = 100

    def __init__(
        self,
        value: Any,
        parents: tuple = (),
        vjp: Callable | None = None,
        requires_grad: bool = False,
    ) -> None:
        self.value = value
        self.parents = parents
        self.vjp = vjp
        self.requires_grad = requires_grad

    @property
    def shape(self) -> tuple:
        return self.value.shape

    @property
    def dtype(self):
        return self.value.dtype

    @property
    def ndim(self) -> int:
        return self.value.ndim

    @property
    def size(self) -> int:
        return self.value.size

    def numpy(self):
        """Return the value as a NumPy array (copied to the host from a GPU)."""
        return to_numpy(self.value)

    def __array__(self, dtype=None, copy=None):
        value = to_numpy(self.value)  # a reduction's value may be a NumPy scalar
        return value if dtype is None else value.astype(dtype, copy=False)

    def __len__(self) -> int:
        return len(self.value)

    def __iter__(self):
        """Iterate over the first axis (each item a Tensor, gradients flow through)."""
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor: a scalar Tensor has no items. Use "
                            f"float(t) or t.item() for its value. Received: shape={self.shape}")
        return (self[i] for i in range(len(self.value)))

    def __contains__(self, item: Any) -> bool:
        """``x in t``: whether any element equals ``x`` (as for a NumPy array)."""
        return bool((self.value == getattr(item, "value", item)).any())

    def __float__(self) -> float:
        return float(self.value)

    def __int__(self) -> int:
        return int(self.value)

    def __bool__(self) -> bool:
        """The truth of a one-element Tensor; more elements raise, as a NumPy array does."""
        return bool(self.value)

    def __index__(self) -> int:
        """An integer scalar Tensor used as an index (``range(n)``, ``xs[i]``)."""
        return self.value.__index__()

    def __format__(self, format_spec: str) -> str:
        """Format the value as NumPy does: ``f"{loss:.4f}"`` works for a scalar Tensor."""
        if not format_spec:
            return str(self)
        value = self.value
        return format(value.item() if xp.ndim(value) == 0 else value, format_spec)

    def item(self):
        return self.value.item()

    def tolist(self):
        return self.value.tolist()

    def __repr__(self) -> str:
        return f"<Tensor shape={self.shape}, dtype={self.dtype}, value={self.value}>"

    def __str__(self) -> str:
        """``print(t)``: the value first, as TensorFlow prints ``tf.Tensor(0.25, shape=()...)``."""
        text = str(self.value)
        if "\n" in text:
            text = "\n" + text
        return f"Tensor({text}, shape={self.shape}, dtype={self.dtype})"

    __hash__ = object.__hash__


register_tensor_type(Tensor)


class Variable(Tensor):
    """A mutable, named Tensor that holds a model's state (a weight, a moving statistic).

    Trainable variables are recorded by every active tape without being watched explicitly.

    Args:
        initializer: an array, or a callable ``(shape, dtype) -> array``.
        shape: the shape, needed when ``initializer`` is a callable.
        dtype: the dtype (defaults to ``floatx()`` for callables).
        trainable: whether optimizers update it and tapes record it.
        name: the short name (``"kernel"``); ``path`` adds the owning layer (``"dense/kernel"``).

    """

    __slots__ = ("name", "path", "trainable", "constraint", "regularizer")
    #: Whether a layer adopts it as a weight when it is set as an attribute (``tf.Variable``'s
    #: stand-in is not, as in Keras 3).
    tracked_by_layers = True

    def __init__(
        self,
        initializer: Any,
        shape: tuple | None = None,
        dtype: Any = None,
        trainable: bool = True,
        name: str = "variable",
        path: str | None = None,
        constraint: Callable | None = None,
        regularizer: Callable | None = None,
    ) -> None:
        if callable(initializer):
            value = initializer(tuple(shape), dtype or floatx())
        else:
            value = initializer.value if isinstance(initializer, Tensor) else initializer
            value = xp.array(value, dtype=dtype or getattr(value, "dtype", None) or floatx())
        value = xp.asarray(value)
        if dtype is not None:
            value = value.astype(dtype, copy=False)
        super().__init__(value, requires_grad=trainable)
        self.name = name
        self.path = path or name
        self.trainable = trainable
        self.constraint = constraint
        self.regularizer = regularizer

    def assign(self, value: Any) -> Variable:
        """Overwrite the value in place, keeping shape and dtype."""
        value = value.value if isinstance(value, Tensor) else value
        value = xp.asarray(value)
        if value.shape != self.value.shape:
            raise ValueError(
                f"Cannot assign a value of shape {value.shape} to variable '{self.path}' of shape "
                f"{self.value.shape}. Received: value.shape={value.shape}"
            )
        self.value[...] = value
        return self

    def assign_add(self, delta: Any) -> Variable:
        self.value += delta.value if isinstance(delta, Tensor) else delta
        return self

    def assign_sub(self, delta: Any) -> Variable:
        self.value -= delta.value if isinstance(delta, Tensor) else delta
        return self

    def __setattr__(self, key, value):
        if key == "trainable" and hasattr(self, "value"):
            Tensor.requires_grad.__set__(self, bool(value))
        object.__setattr__(self, key, value)

    def __str__(self) -> str:
        return self.__repr__()

    def __repr__(self) -> str:
        return (
            f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, "
            f"value={self.value!r}>"
        )
