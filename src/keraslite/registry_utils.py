"""The shared bodies of the ``get`` and ``serialize`` functions of the small registries
(initializers, constraints, regularizers; schedules and optimizers use :func:`class_config`).

Each registry module keeps its own public ``get``/``serialize``, its ``ALL`` table, docstring and
error message; these helpers only do the steps that are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from keraslite.naming import lookup

# What :func:`get_object` returns for an identifier of no form it knows (the caller decides).
NOT_FOUND: Any = object()


def get_object(identifier: Any, table: Mapping[str, Any], base: type, kind: str,
               from_name: Callable[[type], Any] | None = None) -> Any:
    """Resolve ``identifier`` as Keras' ``get`` functions do, or return :data:`NOT_FOUND`.

    ``None`` gives None; a name is looked up in ``table`` (see :func:`lookup`, which raises a
    ValueError with the closest name) and the class built by ``from_name(cls)`` (default
    ``cls()``); a config dict ``{"class_name", "config"}`` is rebuilt with ``from_config``; a
    subclass of ``base`` is instantiated; any other callable is returned as it is.
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        cls = lookup(identifier, table, kind, kind)
        return cls() if from_name is None else from_name(cls)
    if isinstance(identifier, dict):
        cls = lookup(identifier.get("class_name"), table, kind, kind)
        return cls.from_config(identifier.get("config") or {})
    if isinstance(identifier, type) and issubclass(identifier, base):
        return identifier()
    if callable(identifier):
        return identifier
    return NOT_FOUND


def class_config(obj: Any, module: str) -> dict:
    """``obj`` as Keras saves a built-in object: ``{"module", "class_name", "config",
    "registered_name"}``.
    """
    return {"module": module, "class_name": type(obj).__name__, "config": obj.get_config(),
            "registered_name": None}


def serialize_object(obj: Any, base: type, module: str) -> Any:
    """None stays None, an instance of ``base`` becomes its :func:`class_config`, and a plain
    function its ``__name__`` (None without one).
    """
    if obj is None:
        return None
    if isinstance(obj, base):
        return class_config(obj, module)
    return getattr(obj, "__name__", None)
