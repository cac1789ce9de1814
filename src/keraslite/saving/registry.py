"""The registry of classes and functions that loading may build, and nothing else.

Loading a file never imports a module named in it. A name in a file resolves only to:

1. an object the caller passed in ``custom_objects=`` (or inside :class:`CustomObjectScope`);
2. an object registered with :func:`register_keras_serializable` (``"package>Name"``);
3. a keraslite built-in, found by kind (``layers``, ``optimizers``, ...) and name.

Built-ins register themselves by being exported: every public ``Layer`` subclass in
``keraslite.layers`` (and ``keraslite.models``), every entry of the ``ALL`` dicts of
``activations``, ``initializers``, ``regularizers``, ``constraints``, ``losses``, ``metrics``
and ``optimizers``, and the public classes of those modules. A class added later by anyone
therefore needs no saving code: export it (and give it ``get_config``), and it round-trips.
Something built in but not exported can be added with :func:`register_builtin`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from keraslite.optimizers import Optimizer

# kind -> keraslite module whose public names are the built-ins of that kind.
_KIND_MODULES = {
    "layers": "keraslite.layers",
    "models": "keraslite.models",
    "optimizers": "keraslite.optimizers",
    "losses": "keraslite.losses",
    "metrics": "keraslite.metrics",
    "initializers": "keraslite.initializers",
    "regularizers": "keraslite.regularizers",
    "constraints": "keraslite.constraints",
    "activations": "keraslite.activations",
    "schedules": "keraslite.optimizers.schedules",
}
KINDS = tuple(_KIND_MODULES)
# Where Keras 3 exports a built-in of each kind (the ``module`` written in config.json).
_PUBLIC_MODULE = {kind: f"keras.{kind}" for kind in KINDS}
_PUBLIC_MODULE["schedules"] = "keras.optimizers.schedules"
_PUBLIC_OVERRIDES = {"Sequential": ("keras", None), "Model": ("keras", None),
                     "Functional": ("keras.src.models.functional", "Functional")}

_BUILTINS: dict[str, dict[str, Any]] = {}  # kind -> name -> object
_BUILTIN_NAMES: dict[int, tuple[str, str]] = {}  # id(object) -> (kind, name)
_EXTRA_BUILTINS: list[tuple[Any, str, str]] = []
_CUSTOM: dict[str, Any] = {}  # "package>Name" -> object
_CUSTOM_NAMES: dict[int, str] = {}
_SCOPE = threading.local()
_LOCK = threading.Lock()

# The classes of the layers floor that the serializer treats specially ("Layer", "OpLayer",
# "KerasTensor"). Saving sits below layers and imports none of them: keraslite.layers
# registers them when it loads (as it always does, with ``import keraslite``).
_LAYER_TYPES: dict[str, type] = {}


def register_layer_types(**classes: type) -> None:
    """Called by :mod:`keraslite.layers`: ``Layer=..., OpLayer=..., KerasTensor=...``."""
    _LAYER_TYPES.update(classes)


def layer_type(name: str) -> type:
    """The registered layers-floor class ``name`` (``"Layer"``, ``"OpLayer"``,
    ``"KerasTensor"``).
    """
    return _LAYER_TYPES[name]


def is_layer(obj: Any) -> bool:
    """Whether ``obj`` is a ``keras.layers.Layer`` (a model is one too)."""
    return isinstance(obj, _LAYER_TYPES["Layer"])


def _base_class(kind: str) -> type | None:
    if kind in ("layers", "models"):
        return _LAYER_TYPES["Layer"]
    if kind == "optimizers":
        return Optimizer
    module = _import_kind(kind)
    if module is None:
        return None
    return {"schedules": getattr(module, "LearningRateSchedule", None),
            "losses": getattr(module, "Loss", None), "metrics": getattr(module, "Metric", None),
            "initializers": getattr(module, "Initializer", None),
            "regularizers": getattr(module, "Regularizer", None),
            "constraints": getattr(module, "Constraint", None)}.get(kind)


def _import_kind(kind: str) -> Any:
    import importlib

    # A fixed keraslite module from the table above, never a name read from a file.
    try:
        return importlib.import_module(_KIND_MODULES[kind])
    except ModuleNotFoundError:  # a kind that this version of keraslite does not have yet
        return None


def _collect(kind: str) -> dict[str, Any]:
    module = _import_kind(kind)
    found: dict[str, Any] = {}
    if module is None:
        return found
    base = _base_class(kind)
    for name, obj in vars(module).items():
        if name.startswith("_"):
            continue
        if isinstance(obj, type) and base is not None and issubclass(obj, base):
            found[obj.__name__] = obj
    for name, obj in getattr(module, "ALL", {}).items():
        found.setdefault(name, obj)
    return found


def _ensure_builtins() -> None:
    if _BUILTINS:
        return
    with _LOCK:
        if _BUILTINS:
            return
        table: dict[str, dict[str, Any]] = {}
        for kind in KINDS:
            table[kind] = _collect(kind)
        for obj, kind, name in _EXTRA_BUILTINS:
            table.setdefault(kind, {})[name] = obj
        names: dict[int, tuple[str, str]] = {}
        for kind, entries in table.items():
            for name, obj in entries.items():
                own = getattr(obj, "__name__", name)
                # Prefer the object's own name (``GlorotUniform``), then snake_case aliases.
                if id(obj) not in names or name == own:
                    names[id(obj)] = (kind, name)
        _BUILTIN_NAMES.update(names)
        _BUILTINS.update(table)


def register_builtin(obj: Any, kind: str, name: str | None = None) -> Any:
    """Add a keraslite object that is not exported from its kind's module.

    Args:
        obj: the class or function.
        kind: one of ``layers``, ``models``, ``optimizers``, ``losses``, ``metrics``,
            ``initializers``, ``regularizers``, ``constraints``, ``activations``.
        name: the name in files (the object's ``__name__`` by default).

    Returns:
        ``obj``, so that this works as a decorator.

    """
    if kind not in _KIND_MODULES:
        raise ValueError(f"Unknown kind {kind!r}; expected one of {KINDS}. Received: {kind!r}")
    name = name or obj.__name__
    _EXTRA_BUILTINS.append((obj, kind, name))
    if _BUILTINS:
        _BUILTINS.setdefault(kind, {})[name] = obj
        _BUILTIN_NAMES[id(obj)] = (kind, name)
    return obj


def builtin(kind: str, name: str) -> Any:
    """The keraslite built-in ``name`` of ``kind``, or None."""
    _ensure_builtins()
    return _BUILTINS.get(kind, {}).get(name)


def builtin_name(obj: Any) -> tuple[str, str] | None:
    """``(kind, name)`` if ``obj`` is a keraslite built-in, else None."""
    _ensure_builtins()
    return _BUILTIN_NAMES.get(id(obj))


def public_module(obj: Any) -> tuple[str, str | None] | None:
    """``(module, registered_name)`` that Keras 3 writes for a built-in class, or None."""
    found = builtin_name(obj)
    if found is None:
        return None
    kind, name = found
    if name in _PUBLIC_OVERRIDES and kind == "models":
        return _PUBLIC_OVERRIDES[name]
    return _PUBLIC_MODULE[kind], None


# -- user registrations ------------------------------------------------------------------
def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable:
    """Decorator that makes a custom class or function loadable by name.

    The object is stored in files under ``"package>name"`` and found again by that name when a
    file is loaded, with no import. A class needs ``get_config`` (and ``from_config`` when its
    constructor does not accept the config as keyword arguments).

    Example:
        >>> @keraslite.saving.register_keras_serializable(package="my_project")
        ... class Scale(keraslite.layers.Layer):
        ...     def __init__(self, factor=2.0, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.factor = factor
        ...     def call(self, x):
        ...         return x * self.factor
        ...     def get_config(self):
        ...         return {**super().get_config(), "factor": self.factor}

    Args:
        package: a namespace for the name (default ``"Custom"``).
        name: the name within the package (the object's ``__name__`` by default).

    """
    if not isinstance(package, str) or ">" in package:
        raise ValueError(
            f"`package` must be a string without '>'. Received: package={package!r}"
        )

    def decorator(obj: Any) -> Any:
        registered = f"{package}>{name or obj.__name__}"
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError(
                f"Cannot register {obj.__name__}: a registered class must implement "
                "`get_config()`. Received: a class without get_config"
            )
        _CUSTOM[registered] = obj
        _CUSTOM_NAMES[id(obj)] = registered
        return obj

    return decorator


def get_registered_name(obj: Any) -> str:
    """The name ``obj`` is saved under: ``"package>Name"`` if registered, else its name."""
    return _CUSTOM_NAMES.get(id(obj), getattr(obj, "__name__", type(obj).__name__))


def get_registered_object(name: str, custom_objects: dict | None = None) -> Any:
    """The object registered as ``name`` (or passed in ``custom_objects``), or None."""
    for table in (custom_objects or {}), _scoped_objects(), _CUSTOM:
        if name in table:
            return table[name]
    return None


def get_custom_objects() -> dict:
    """The live dict of registered custom objects (``"package>Name" -> object``)."""
    return _CUSTOM


def _scoped_objects() -> dict:
    merged: dict = {}
    for scope in getattr(_SCOPE, "stack", []):
        merged.update(scope)
    return merged


class CustomObjectScope:
    """Within this ``with`` block, loading also resolves names to these objects.

    Example:
        >>> with keraslite.saving.CustomObjectScope({"Scale": Scale}):
        ...     model = keraslite.models.load_model("m.keras")

    """

    def __init__(self, custom_objects: dict | None = None) -> None:
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self) -> CustomObjectScope:
        if not hasattr(_SCOPE, "stack"):
            _SCOPE.stack = []
        _SCOPE.stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc: Any) -> None:
        _SCOPE.stack.pop()


custom_object_scope = CustomObjectScope


def all_custom_objects(custom_objects: dict | None) -> dict:
    """The caller's objects, then scoped ones, then registered ones (first match wins)."""
    return {**_CUSTOM, **_scoped_objects(), **(custom_objects or {})}
