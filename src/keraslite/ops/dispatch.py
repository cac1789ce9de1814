"""Ops on symbolic tensors: ``keras.ops.concatenate([a, b])`` inside a Functional model.

Each public op is wrapped so that, when one of its arguments is a symbolic ``KerasTensor``
(the output of ``keras.Input`` or of a layer called on one), the call is recorded as a layer of
the graph instead of being computed. On real data the wrapper only adds one cheap check.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

# Ops that build values rather than transform their arguments are left unwrapped.
_SKIP = {"convert_to_tensor", "convert_to_numpy", "zeros", "ones", "full", "arange", "shape",
         "dtype", "eye", "identity", "linspace", "ndim", "size", "is_tensor"}

# ``handler(op_name, *args, **kwargs)`` records an op call on symbolic tensors. The layers
# package registers it (``keraslite.layers.symbolic``): ops sit below layers and never import
# them, and a symbolic tensor exists only once that module is loaded.
_SYMBOLIC_HANDLER: list[Callable[..., Any] | None] = [None]


def register_symbolic_handler(handler: Callable[..., Any]) -> None:
    """Install the function that turns an op call on symbolic tensors into a graph node."""
    _SYMBOLIC_HANDLER[0] = handler


def _has_symbolic(values: Any) -> bool:
    for v in values:
        if getattr(type(v), "_keras_symbolic", False):
            return True
        if isinstance(v, (list, tuple)) and any(getattr(type(t), "_keras_symbolic", False)
                                                 for t in v):
            return True
    return False


def symbolic_aware(name: str, fn: Callable) -> Callable:
    """Wrap op ``fn`` (published as ``keraslite.ops.<name>``) to accept symbolic inputs."""

    @functools.wraps(fn)
    def op(*args: Any, **kwargs: Any) -> Any:
        if _has_symbolic(args) or _has_symbolic(kwargs.values()):
            return _SYMBOLIC_HANDLER[0](name, *args, **kwargs)
        return fn(*args, **kwargs)

    op.__wrapped_op__ = fn
    return op


def wrap_public_ops(namespace: dict) -> None:
    """Replace every public function in ``namespace`` by its symbolic-aware wrapper."""
    for name, value in list(namespace.items()):
        if name.startswith("_") or name in _SKIP or not callable(value) or \
                isinstance(value, type) or getattr(value, "__module__", "") is None:
            continue
        if not getattr(value, "__module__", "").startswith("keraslite.ops"):
            continue
        namespace[name] = symbolic_aware(name, value)
