"""Saving and loading (``keraslite.saving``, as ``keras.saving``).

Models save to Keras 3's ``.keras`` format and weights to ``.weights.h5``; both load in Keras 3
and back. Loading builds only known classes (keraslite's own, registered ones, and those you
pass in ``custom_objects``), never imports a module named in a file and never runs code from a
file unless you pass ``safe_mode=False``. Saving to a path is atomic. HDF5 needs the optional
h5py (``pip install "keraslite[h5]"``); configs and ``to_json`` do not.

The names below are loaded on first use, so that ``import keraslite`` stays light.
"""

from typing import Any

_EXPORTS = {
    "CustomObjectScope": "registry",
    "custom_object_scope": "registry",
    "get_custom_objects": "registry",
    "get_registered_name": "registry",
    "get_registered_object": "registry",
    "LegacyFormatWarning": "legacy_h5",
    "register_keras_serializable": "registry",
    "UnsafeFileError": "resolve",
    "load_model": "saving_api",
    "load_weights": "saving_api",
    "save_model": "saving_api",
    "save_weights": "saving_api",
    "deserialize_keras_object": "serialization",
    "in_safe_mode": "serialization",
    "serialize_keras_object": "serialization",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'keraslite.saving' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"keraslite.saving.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
