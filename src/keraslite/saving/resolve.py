"""Turning a name read from a file into a class or function, safely.

Nothing here imports a module or evaluates text: a ``module`` string in a file only tells
which *kind* of keraslite built-in to look in (``keras.layers`` -> layers). Anything outside
the registry (see :mod:`keraslite.saving.registry`) is refused with an error that says how to
allow it (``custom_objects=`` or ``@register_keras_serializable``).
"""

from __future__ import annotations

import inspect
from typing import Any

from keraslite import ops
from keraslite.naming import to_snake_case
from keraslite.saving import registry

# Order in which kinds are searched when a file does not say (legacy Keras 2 configs).
_SEARCH_ORDER = ("layers", "models", "optimizers", "losses", "metrics", "initializers",
                 "regularizers", "constraints", "activations", "schedules")
_DTYPE_POLICIES = ("DTypePolicy", "FloatDTypePolicy", "Policy")
# Keras classes that carry Python code: refused in safe mode whatever keraslite offers.
_CODE_CARRYING = ("Lambda", "TFOpLambda", "SlicingOpLambda")
# keras.ops classes whose keraslite op has another name.
_OP_NAMES = {"TrueDivide": "divide", "GetItem": "getitem", "Matmul": "matmul"}
_OP_CLASSES = {"add": "Add", "subtract": "Subtract", "multiply": "Multiply",
               "divide": "Divide", "matmul": "Matmul", "negative": "Negative",
               "getitem": "GetItem"}
# Config entries that Keras 3 writes but keraslite classes do not take; dropped only when they
# hold Keras' default value (a non-default value is kept, so the class reports it).
KERAS_ONLY_DEFAULTS = {
    "quantization_config": None, "lora_rank": None, "lora_alpha": None, "input_axes": None,
    "output_axes": None, "ragged": False, "optional": False, "synchronized": False,
    "build_input_shape": None,
}


class UnsafeFileError(ValueError):
    """A file asked for something keraslite refuses to load (code, imports, hostile data)."""


def kind_of_module(module: Any) -> str | None:
    """The registry kind a ``module`` string points at, ``""`` for top-level ``keras``, or None
    when the module is not a Keras/keraslite one.
    """
    if module is None:
        return ""
    if not isinstance(module, str):
        raise UnsafeFileError(f"Invalid `module` in config: expected a string. Received: "
                              f"module={module!r}")
    parts = module.split(".")
    if parts[0] not in ("keras", "keraslite"):
        return None
    rest = [p for p in parts[1:] if p != "src"]
    if "schedules" in rest:
        return "schedules"
    if rest and rest[0] in ("ops", "dtype_policies"):
        return rest[0]
    if rest and rest[0] in registry.KINDS:
        return rest[0]
    return ""


def refuse_module(module: Any, name: str) -> TypeError:
    return TypeError(
        f"Could not locate {name!r} from module {module!r}: keraslite never imports modules "
        "named in a file, so only keraslite's built-in classes, objects registered with "
        "@keraslite.saving.register_keras_serializable, and objects you pass in "
        f"`custom_objects=` (e.g. custom_objects={{{name!r}: {name.split('>')[-1]}}}) can be "
        f"loaded. Received: module={module!r}, class_name={name!r}"
    )


def find_custom(names: list, custom_objects: dict, function: bool) -> Any:
    """Look ``names`` up among the caller's and registered objects."""
    for name in names:
        if isinstance(name, str) and name in custom_objects:
            return custom_objects[name]
    if function:  # Keras <= 3.6 saved registered functions by bare name.
        for name in names:
            if isinstance(name, str) and ">" not in name:
                for key, obj in custom_objects.items():
                    if key.endswith(f">{name}"):
                        return obj
    return None


def resolve(config: dict, custom_objects: dict, hint: str | None, function: bool) -> Any:
    """The class (or function) a config dict names, or an error."""
    class_name = config["class_name"]
    module = config.get("module")
    if function:
        fn_name = config.get("config")
        if not isinstance(fn_name, str):
            raise UnsafeFileError(
                f"A function config must name the function with a string. Received: "
                f"config={fn_name!r}"
            )
        names = [fn_name, config.get("registered_name")]
    else:
        names = [config.get("registered_name"), class_name]
    found = find_custom(names, custom_objects, function)
    if found is not None:
        return found
    kind = kind_of_module(module)
    if kind is None:
        raise refuse_module(module, names[0] if function else class_name)
    wanted = names[0] if function else class_name
    kinds = [kind] if kind in registry.KINDS else []
    kinds += [hint] if hint and hint not in kinds else []
    kinds += [k for k in _SEARCH_ORDER if k not in kinds]
    for k in kinds:
        obj = registry.builtin(k, wanted)
        if obj is not None and isinstance(obj, type) != function:
            return obj
    what = "function" if function else "class"
    raise TypeError(
        f"Could not locate {what} {wanted!r}: it is neither a keraslite built-in nor a custom "
        f"object. If it is your own {what}, pass it when loading, e.g. "
        f"load_model(path, custom_objects={{{wanted!r}: {wanted.split('>')[-1]}}}), or decorate "
        "it with @keraslite.saving.register_keras_serializable(). "
        f"Received: module={module!r}, class_name={class_name!r}"
    )


def is_code_carrying(cls: Any, class_name: str) -> bool:
    """Whether building this class would run Python code stored in the file."""
    return class_name in _CODE_CARRYING or bool(getattr(cls, "_unsafe_deserialization", False))


def refuse_code(what: str) -> UnsafeFileError:
    return UnsafeFileError(
        f"Refusing to load {what}: it carries Python code that would run on loading, which is "
        "disallowed by default because a file could contain any code. If you trust the file "
        "and wrote it yourself, pass `safe_mode=False` to the loading function. (Nothing in "
        "the file itself can turn safe mode off.)"
    )


def op_name_for(class_name: str) -> str:
    """The ``keraslite.ops`` function for a Keras op class, checked to be a real public op."""
    name = _OP_NAMES.get(class_name, to_snake_case(class_name))
    fn = getattr(ops, name, None) if name.isidentifier() and not name.startswith("_") else None
    if not callable(fn) or not getattr(fn, "__module__", "").startswith("keraslite.ops"):
        raise TypeError(
            f"The file uses the Keras op {class_name!r}, which keraslite.ops does not provide. "
            f"Received: class_name={class_name!r}"
        )
    return name


def op_class_for(op_name: str) -> str:
    """The Keras 3 op class name for a ``keraslite.ops`` function name."""
    return _OP_CLASSES.get(op_name, "".join(p.capitalize() for p in op_name.split("_")))


def strip_keras_only(cls: type, config: dict) -> dict:
    """Drop Keras-only entries holding their default, unless ``cls.__init__`` names them."""
    extra = [k for k in config if k in KERAS_ONLY_DEFAULTS and config[k] == KERAS_ONLY_DEFAULTS[k]]
    if not extra:
        return config
    try:
        params = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        params = {}
    return {k: v for k, v in config.items() if k not in extra or k in params}


def is_dtype_policy(value: Any) -> bool:
    return isinstance(value, dict) and value.get("class_name") in _DTYPE_POLICIES and \
        isinstance(value.get("config"), dict)


def dtype_policy_name(value: dict) -> str:
    name = value["config"].get("name")
    if name not in ("float16", "float32", "float64", "int32", "int64", "uint8", "bool"):
        raise TypeError(
            f"The file uses the dtype policy {name!r}; keraslite supports plain float16, "
            f"float32 and float64 dtypes (no mixed precision). Received: dtype={name!r}"
        )
    return name
