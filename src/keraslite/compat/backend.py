"""``keras.backend`` as served to Keras scripts: the Keras 3 functions, plus the Keras 2 math
functions (``K.sum``, ``K.clip``, ...) still found in course code, each with a deprecation note
that points at its ``keras.ops`` replacement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from keraslite import ops
from keraslite import random as keras_random
from keraslite.backend import epsilon as epsilon
from keraslite.backend import floatx as floatx
from keraslite.backend import set_epsilon as set_epsilon
from keraslite.backend import set_floatx as set_floatx
from keraslite.backend import xp
from keraslite.compat.notes import note
from keraslite.layers.symbolic import KerasTensor
from keraslite.naming import get_uid as get_uid
from keraslite.utils import clear_session as clear_session

_IMAGE_DATA_FORMAT = ["channels_last"]


def backend() -> str:
    """The name of the backend: ``"numpy"`` (keraslite computes with NumPy)."""
    return "numpy"


def image_data_format() -> str:
    """``"channels_last"`` (the only layout keraslite uses)."""
    return _IMAGE_DATA_FORMAT[0]


def set_image_data_format(data_format: str) -> None:
    """Accept ``"channels_last"``; keraslite has no other image layout."""
    if data_format != "channels_last":
        raise ValueError(
            "keraslite supports only data_format='channels_last'. "
            f"Received: data_format={data_format!r}"
        )


def is_keras_tensor(x: Any) -> bool:
    """Whether ``x`` is a symbolic tensor (the result of ``keras.Input``)."""
    return isinstance(x, KerasTensor)


def standardize_dtype(dtype: Any) -> str:
    """The dtype's name (``"float32"``)."""
    return str(xp.dtype(dtype if dtype is not None else floatx()))


_NOTED: set[str] = set()


def _legacy(name: str, replacement: str, fn: Callable) -> Callable:
    def legacy(*args: Any, **kwargs: Any) -> Any:
        if name not in _NOTED:  # once per function: a metric calls it at every batch
            _NOTED.add(name)
            note(f"`keras.backend.{name}` is Keras 2; in Keras 3 use `{replacement}`.")
        return fn(*args, **kwargs)

    legacy.__name__ = legacy.__qualname__ = name
    legacy.__doc__ = f"Keras 2's ``K.{name}``: calls ``{replacement}`` (with a deprecation note)."
    return legacy


def _int_shape(x: Any) -> tuple:
    return tuple(x.shape)


def _get_value(x: Any) -> Any:
    return ops.convert_to_numpy(x)


def _set_value(x: Any, value: Any) -> None:
    x.assign(value)


_SAME_NAME = (
    "abs", "sum", "mean", "max", "min", "std", "var", "square", "sqrt", "exp", "log", "round",
    "clip", "cast", "maximum", "minimum", "dot", "reshape", "flatten", "sigmoid", "relu",
    "softmax", "tanh", "equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
    "transpose", "expand_dims", "squeeze", "stack", "ones", "zeros", "ones_like", "zeros_like",
    "sign", "softplus", "binary_crossentropy", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "stop_gradient", "one_hot", "tile", "repeat", "where",
)
_LEGACY: dict[str, tuple[str, Callable]] = {
    name: (f"keras.ops.{name}", getattr(ops, name)) for name in _SAME_NAME
}
_LEGACY.update({
    "pow": ("keras.ops.power", ops.power),
    "argmax": ("keras.ops.argmax", lambda x, axis=-1: ops.argmax(x, axis=axis)),
    "argmin": ("keras.ops.argmin", lambda x, axis=-1: ops.argmin(x, axis=axis)),
    "concatenate": ("keras.ops.concatenate",
                    lambda tensors, axis=-1: ops.concatenate(tensors, axis=axis)),
    "constant": ("keras.ops.convert_to_tensor", lambda value, dtype=None, shape=None, name=None:
                 ops.convert_to_tensor(value if shape is None else xp.broadcast_to(value, shape),
                                       dtype=dtype or floatx())),
    "int_shape": ("tuple(x.shape)", _int_shape),
    "shape": ("keras.ops.shape", ops.shape),
    "get_value": ("keras.ops.convert_to_numpy(x)", _get_value),
    "set_value": ("variable.assign(value)", _set_value),
    "eval": ("keras.ops.convert_to_numpy(x)", _get_value),
    "random_normal": ("keras.random.normal", keras_random.normal),
    "random_uniform": ("keras.random.uniform", keras_random.uniform),
    "truncated_normal": ("keras.random.truncated_normal", keras_random.truncated_normal),
})

for _name, (_replacement, _fn) in _LEGACY.items():
    globals()[_name] = _legacy(_name, _replacement, _fn)
del _name, _replacement, _fn
