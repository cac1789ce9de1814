"""Special values in configs: tensors, arrays, slices, bytes, Ellipsis, symbolic tensors and
(only with ``safe_mode=False``) Python lambdas, written as Keras 3 writes them
(``{"class_name": "__numpy__", "config": {...}}`` and so on).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy

from keraslite.autodiff.tensor import Tensor
from keraslite.saving import registry, resolve
from keraslite.saving.python_code import load_function
from keraslite.saving.resolve import UnsafeFileError

_ARRAY_DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                 "uint64", "float16", "float32", "float64")


def _serialize(obj: Any) -> Any:
    from keraslite.saving.serialization import serialize_keras_object

    return serialize_keras_object(obj)


def to_numpy(value: Any) -> numpy.ndarray:
    """A NumPy array from a backend array (CuPy arrays are copied to the host)."""
    get = getattr(value, "get", None)
    if get is not None and not isinstance(value, numpy.ndarray):
        value = get()
    return numpy.asarray(value)


def serialize_special(obj: Any) -> Any:
    """The config of a tensor, array, slice, bytes or Ellipsis; None for other objects."""
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {
            "start": _serialize(obj.start), "stop": _serialize(obj.stop),
            "step": _serialize(obj.step)}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, registry.layer_type("KerasTensor")):
        history = None
        if obj.history is not None:
            history = [obj.history[0].name, obj.history[1], obj.history[2]]
        return {"class_name": "__keras_tensor__", "config": {
            "shape": list(obj.shape), "dtype": obj.dtype, "keras_history": history}}
    if isinstance(obj, Tensor):
        value = to_numpy(obj.value)
        return {"class_name": "__tensor__", "config": {"value": value.tolist(),
                                                       "dtype": str(value.dtype)}}
    if isinstance(obj, (numpy.ndarray, numpy.generic)):
        if obj.ndim == 0:
            return obj.item()
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(),
                                                      "dtype": str(obj.dtype)}}
    return None


def deserialize_special(class_name: str, inner: Any, safe_mode: bool,
                        deserialize: Callable[[Any], Any]) -> Any:
    """Rebuild a ``__name__`` special object; ``deserialize`` handles nested values."""
    if class_name == "__lambda__":
        if safe_mode:
            raise resolve.refuse_code("a Python lambda")

        return load_function(inner.get("value") if isinstance(inner, dict) else None)
    if not isinstance(inner, dict):
        raise UnsafeFileError(f"Invalid {class_name} config. Received: {type(inner).__name__}")
    if class_name == "__keras_tensor__":
        keras_tensor = registry.layer_type("KerasTensor")
        tensor = keras_tensor(tuple(inner.get("shape") or ()), dtype=inner.get("dtype"))
        tensor._pre_serialization_history = inner.get("keras_history")
        return tensor
    if class_name in ("__numpy__", "__tensor__"):
        dtype = inner.get("dtype")
        if dtype not in _ARRAY_DTYPES:
            raise UnsafeFileError(
                f"Arrays in a config must have a numeric dtype. Received: dtype={dtype!r}"
            )
        return numpy.array(deserialize(inner.get("value")), dtype=dtype)
    if class_name == "__bytes__":
        return str(inner.get("value", "")).encode("utf-8")
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__slice__":
        parts = [deserialize(inner.get(k))
                 for k in ("start", "stop", "step")]
        if not all(p is None or isinstance(p, int) for p in parts):
            raise UnsafeFileError(f"Slice bounds must be integers. Received: {parts}")
        return slice(*parts)
    raise UnsafeFileError(
        f"Unsupported special object {class_name!r} in the config. Received: "
        f"class_name={class_name!r}"
    )
