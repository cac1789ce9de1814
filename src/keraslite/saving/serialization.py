"""``serialize_keras_object`` and ``deserialize_keras_object``: Keras 3's config format.

An object becomes ``{"module", "class_name", "config", "registered_name"}`` (plus
``build_config`` and ``compile_config`` for layers and models), built from its ``get_config()``.
Loading reverses this through the registry only (see :mod:`keraslite.saving.resolve`); the
caller's ``safe_mode`` holds for the whole load and nothing in a config can change it.
"""

from __future__ import annotations

import inspect
import threading
import types
import warnings
from typing import Any

from keraslite.config import unsafe_deserialization_enabled
from keraslite.saving import registry, resolve, special_objects
from keraslite.saving.python_code import dump_function
from keraslite.saving.resolve import UnsafeFileError
from keraslite.saving.special_objects import to_numpy as to_numpy

_PLAIN = (str, int, float, bool)
_MAX_DEPTH = 200
_LOCAL = threading.local()


class _Context:
    def __init__(self, custom_objects: dict | None, safe_mode: bool) -> None:
        self.custom_objects = registry.all_custom_objects(custom_objects)
        # keraslite.config.enable_unsafe_deserialization(): the caller's choice, never the file's
        self.safe_mode = bool(safe_mode) and not unsafe_deserialization_enabled()
        self.shared: dict = {}


def _current() -> _Context | None:
    stack = getattr(_LOCAL, "stack", None)
    return stack[-1] if stack else None


def in_safe_mode() -> bool | None:
    """Whether the load in progress is in safe mode (None outside of any load).

    A layer whose ``from_config`` would run code from the file (a ``Lambda``) checks this.
    """
    ctx = _current()
    return None if ctx is None else ctx.safe_mode


# -- serializing ---------------------------------------------------------------------------
def serialize_keras_object(obj: Any) -> Any:
    """The JSON-ready config of ``obj`` (a layer, model, optimizer, loss, ... or plain data)."""
    if obj is None or isinstance(obj, _PLAIN):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): serialize_keras_object(v) for k, v in obj.items()}
    special = special_objects.serialize_special(obj)
    if special is not None:
        return special
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return _serialize_function(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize {obj!r} (of type {type(obj).__name__}): to be saved, an object "
            "must implement `get_config()`. Received: an object without get_config"
        )
    return _serialize_object(obj)


def _serialize_function(fn: Any) -> dict:
    if getattr(fn, "__name__", None) == "<lambda>":
        warnings.warn(
            "The object being saved includes a lambda. Loading it will require "
            "`safe_mode=False`; use a named function registered with "
            "@keraslite.saving.register_keras_serializable instead.", stacklevel=3)
        return {"class_name": "__lambda__", "config": {"value": dump_function(fn)}}
    found = registry.builtin_name(fn)
    if found is not None:
        kind, name = found
        return {"module": f"keras.{kind}", "class_name": "function", "config": name,
                "registered_name": name}
    name = registry.get_registered_name(fn)
    module = fn.__module__ if fn.__module__ != "__main__" else None
    return {"module": module, "class_name": "function", "config": name, "registered_name": name}


def _serialize_object(obj: Any) -> dict:
    cls = type(obj)
    if isinstance(obj, registry.layer_type("OpLayer")):
        name = resolve.op_class_for(obj.op_name)
        return {"module": "keras.src.ops.numpy", "class_name": name,
                "config": {"name": obj.name, **obj.op_kwargs}, "registered_name": name}
    inner = obj.get_config()
    if not isinstance(inner, dict):
        raise TypeError(
            f"The `get_config()` method of {cls.__name__} must return a dict. "
            f"Received: {type(inner).__name__}"
        )
    _check_config_is_complete(obj, inner)
    public = registry.public_module(cls)
    if public is not None:
        module, registered = public
    else:
        module = cls.__module__ if cls.__module__ != "__main__" else None
        registered = registry.get_registered_name(cls)
    config = {"module": module, "class_name": cls.__name__,
              "config": serialize_keras_object(inner), "registered_name": registered}
    build = get_build_config(obj)
    if build is not None:
        config["build_config"] = serialize_keras_object(build)
    compile_config = obj.get_compile_config() if hasattr(obj, "get_compile_config") else None
    if compile_config is not None:
        config["compile_config"] = serialize_keras_object(compile_config)
    return config


def _check_config_is_complete(obj: Any, config: dict) -> None:
    """Refuse to save a custom layer whose inherited built-in config cannot rebuild it.

    A subclass of, say, ``Dense`` that adds required ``__init__`` arguments but inherits
    ``Dense.get_config`` would write a file that does not load. (A direct subclass of ``Layer``
    or ``Model`` records its arguments instead: see :mod:`keraslite.layers.auto_config`.)
    """
    Layer = registry.layer_type("Layer")  # noqa: N806 - the class
    cls = type(obj)
    if not isinstance(obj, Layer) or cls.__module__.partition(".")[0] == "keraslite":
        return
    owner = next(c for c in cls.__mro__ if "get_config" in vars(c))
    if owner is Layer or owner.__module__.partition(".")[0] != "keraslite":
        return
    try:
        params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    except (TypeError, ValueError):
        return
    missing = [p.name for p in params if p.default is p.empty and p.name not in config
               and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if missing:
        raise NotImplementedError(
            f"{cls.__name__} '{obj.name}' has arguments {missing} in `__init__()` that the "
            f"inherited `{owner.__name__}.get_config()` does not return, and therefore must "
            "override `get_config()` to be saved, returning {**super().get_config(), " +
            ", ".join(f"'{n}': self.{n}" for n in missing) + "}. Received: config keys "
            f"{sorted(config)}"
        )


def get_build_config(obj: Any) -> dict | None:
    """What rebuilds ``obj``'s weights before they are loaded (its input shape)."""
    if hasattr(obj, "get_build_config"):
        return obj.get_build_config()
    if registry.is_layer(obj) and obj.built and obj._build_shapes is not None:
        return {"input_shape": obj._build_shapes}
    return None


def build_from_config(obj: Any, config: dict) -> None:
    """Create ``obj``'s weights from a ``build_config`` (the inverse of get_build_config)."""
    if hasattr(obj, "build_from_config"):
        obj.build_from_config(config)
        return
    if not isinstance(config, dict):
        return
    shape = config.get("input_shape")
    if shape is None and isinstance(config.get("shapes_dict"), dict) \
            and len(config["shapes_dict"]) == 1:
        shape = next(iter(config["shapes_dict"].values()))
    if shape is not None:
        obj._maybe_build(to_shape(shape))
        obj.built = True


def to_shape(value: Any) -> Any:
    """JSON lists back to shape tuples: ``[null, 4]`` -> ``(None, 4)``; nested -> list."""
    if isinstance(value, (list, tuple)) and all(d is None or isinstance(d, int) for d in value):
        return tuple(value)
    if isinstance(value, (list, tuple)):
        return [to_shape(v) for v in value]
    if isinstance(value, dict):
        return {k: to_shape(v) for k, v in value.items()}
    return value


# -- deserializing -------------------------------------------------------------------------
def deserialize_keras_object(config: Any, custom_objects: dict | None = None,
                             safe_mode: bool = True, **kwargs: Any) -> Any:
    """Rebuild an object from :func:`serialize_keras_object`'s output.

    Args:
        config: the config (a dict, or plain data).
        custom_objects: ``{name: class_or_function}`` for your own objects.
        safe_mode: refuse anything that would run code from the config (lambdas, Lambda
            layers). Inside a load already in progress the outer load's setting holds.
        **kwargs: ``kind`` (a registry kind to prefer, e.g. ``"layers"``).

    Returns:
        The rebuilt object.

    """
    kind = kwargs.pop("kind", None)
    outer = _current()
    if outer is None:
        ctx = _Context(custom_objects, safe_mode)
    else:
        ctx = _Context(None, outer.safe_mode)
        ctx.custom_objects = {**outer.custom_objects, **(custom_objects or {})}
        ctx.shared = outer.shared
    stack = _LOCAL.__dict__.setdefault("stack", [])
    stack.append(ctx)
    try:
        return _deserialize(config, ctx, kind, 0)
    except RecursionError:
        raise UnsafeFileError("The config is nested too deeply to be a model.") from None
    finally:
        stack.pop()


def _deserialize(config: Any, ctx: _Context, kind: str | None, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        raise UnsafeFileError(f"The config is nested more than {_MAX_DEPTH} levels deep.")
    if config is None:
        return None
    if isinstance(config, str):
        found = ctx.custom_objects.get(config)
        return found if found is not None and not isinstance(found, type) else config
    if isinstance(config, _PLAIN):
        return config
    if isinstance(config, (list, tuple)):
        return [_deserialize(x, ctx, kind, depth + 1) for x in config]
    if not isinstance(config, dict):
        raise UnsafeFileError(f"Could not parse config of type {type(config).__name__}.")
    if "class_name" not in config or "config" not in config:
        return {k: _deserialize(v, ctx, kind, depth + 1) for k, v in config.items()}
    class_name = config["class_name"]
    if not isinstance(class_name, str):
        raise UnsafeFileError(f"`class_name` must be a string. Received: {class_name!r}")
    inner = config["config"] if config["config"] is not None else {}
    if class_name.startswith("__") and class_name.endswith("__"):
        return special_objects.deserialize_special(
            class_name, inner, ctx.safe_mode, lambda v: _deserialize(v, ctx, None, depth + 1))
    if class_name == "function":
        return resolve.resolve(config, ctx.custom_objects, kind, function=True)
    if resolve.is_dtype_policy(config):
        return resolve.dtype_policy_name(config)
    if not isinstance(inner, dict):
        raise UnsafeFileError(
            f"Expected 'config' to be a dict for {class_name}. Received: {type(inner).__name__}"
        )
    shared_id = config.get("shared_object_id")
    if shared_id is not None and shared_id in ctx.shared:
        return ctx.shared[shared_id]
    instance = _build_instance(config, class_name, inner, ctx, kind, depth)
    if shared_id is not None:
        ctx.shared[shared_id] = instance
    return instance


def _build_instance(config: dict, class_name: str, inner: dict, ctx: _Context,
                    kind: str | None, depth: int) -> Any:
    if ctx.safe_mode and class_name in ("Lambda", "TFOpLambda", "SlicingOpLambda"):
        raise resolve.refuse_code(f"the {class_name} layer")
    if resolve.kind_of_module(config.get("module")) == "ops":
        op_layer = registry.layer_type("OpLayer")
        return op_layer(resolve.op_name_for(class_name), name=inner.get("name"),
                        op_kwargs={k: v for k, v in inner.items() if k != "name"})
    cls = resolve.resolve(config, ctx.custom_objects, kind, function=False)
    if not isinstance(cls, type):
        return cls  # a function passed in custom_objects under a class name
    if ctx.safe_mode and resolve.is_code_carrying(cls, class_name):
        raise resolve.refuse_code(f"the {class_name} layer")
    if not hasattr(cls, "from_config"):
        raise TypeError(f"Cannot rebuild {class_name}: the class has no `from_config()`.")
    inner = _prepare(cls, inner, ctx, depth)
    try:
        instance = cls.from_config(inner)
    except TypeError as error:
        raise TypeError(
            f"{class_name} could not be rebuilt from its config: {error}. If it is a custom "
            "class, make sure its `get_config()` returns every `__init__` argument (and that "
            "nested layers are deserialized in `from_config()`). Received: config keys "
            f"{sorted(inner)}"
        ) from None
    build_config = config.get("build_config")
    if build_config and not getattr(instance, "built", True):
        build_from_config(instance, build_config)
    compile_config = config.get("compile_config")
    if compile_config and hasattr(instance, "compile_from_config"):
        instance.compile_from_config(compile_config)
    return instance


def _prepare(cls: type, inner: dict, ctx: _Context, depth: int) -> dict:
    """Deserialize the nested non-layer objects of a config (dtype policies, initializers,
    regularizers, ...) and drop Keras-only defaults, so keraslite constructors accept it.
    """
    Layer = registry.layer_type("Layer")  # noqa: N806 - the class
    out = {}
    for key, value in inner.items():
        if isinstance(value, dict) and "class_name" in value and "config" in value:
            if resolve.is_dtype_policy(value):
                value = resolve.dtype_policy_name(value)
            elif not _names_layer(value, ctx):
                value = _deserialize(value, ctx, None, depth + 1)
        elif isinstance(value, str) and key.endswith("activation") and issubclass(cls, Layer):
            found = resolve.find_custom([value], ctx.custom_objects, function=True)
            value = found if found is not None else value
        out[key] = value
    return resolve.strip_keras_only(cls, out)


def _names_layer(value: dict, ctx: _Context) -> bool:
    """Whether a nested config is a layer or model (whose parent deserializes it itself)."""
    kind = resolve.kind_of_module(value.get("module"))
    if kind in ("layers", "models"):
        return True
    if kind not in ("", None) or value["class_name"].startswith("__") \
            or value["class_name"] == "function":
        return False
    found = resolve.find_custom([value.get("registered_name"), value["class_name"]],
                                ctx.custom_objects, function=False)
    if found is None:
        found = registry.builtin("layers", value["class_name"]) or \
            registry.builtin("models", value["class_name"])
    return isinstance(found, type) and issubclass(found, registry.layer_type("Layer"))


# -- keras.layers.serialize / deserialize ------------------------------------------------------
def serialize_layer(layer: Any) -> dict:
    """``keras.layers.serialize``: a layer's config as Keras 3 writes it in a ``.keras`` file.

    Args:
        layer: a ``keras.layers.Layer`` (a model is a layer too).

    Returns:
        ``{"module": ..., "class_name": ..., "config": ..., "registered_name": ...}``.

    """
    if not registry.is_layer(layer):
        raise TypeError("keras.layers.serialize expects a keras.layers.Layer instance. "
                        f"Received: {layer!r} (of type {type(layer).__name__})")
    return serialize_keras_object(layer)


def deserialize_layer(config: dict, custom_objects: dict | None = None) -> Any:
    """``keras.layers.deserialize``: rebuild a layer from :func:`serialize_layer`'s output.

    Also takes the short Keras 2 form ``{"class_name": "Dense", "config": {...}}``.

    Args:
        config: the serialized layer.
        custom_objects: ``{name: class}`` for your own layers.

    Returns:
        A new, unbuilt layer with that configuration.

    """
    obj = deserialize_keras_object(config, custom_objects=custom_objects, kind="layers")
    if not registry.is_layer(obj):
        raise ValueError("`keras.layers.deserialize` was passed a `config` object that is not "
                         f"a `keras.layers.Layer`. Received: {config}")
    return obj
