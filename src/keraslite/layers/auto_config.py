"""Keras 3's automatic config: a custom layer or model saved from its constructor's arguments.

A user's ``Layer`` or ``Model`` subclass that does not override ``get_config`` still saves,
loads and clones, as in Keras 3: when it is created, the arguments of its ``__init__`` (with the
defaults filled in and ``**kwargs`` spread out) are recorded, and the default ``get_config``
returns them merged with the base config (``name``, ``trainable``, ``dtype``); the default
``from_config`` then calls ``cls(**config)``. Only basic JSON types are recorded (str, int,
float, bool, None, and lists, tuples and string-keyed dicts of them); any other argument (a
layer, an array, a function) leaves nothing to rebuild from, so ``get_config`` raises
``NotImplementedError`` naming the argument and showing the override to write.

keraslite's own classes are not recorded: their hand-written configs are the Keras ones.
"""

from __future__ import annotations

import inspect
from typing import Any

_BASIC = (str, int, float, bool, type(None))
# Keras 2 style input declarations: the base config's ``batch_input_shape`` replaces them.
_INPUT_ARGS = ("input_shape", "input_dim", "batch_size", "batch_input_shape", "input_length")

_EXAMPLE = """
    class {cls}({base}):
        def __init__(self, {args}, **kwargs):
            super().__init__(**kwargs)
            ...

        def get_config(self):
            return {{**super().get_config(), {items}}}
"""


class AutoConfig:
    """The constructor arguments recorded for one object, or why they could not be.

    Args:
        arguments: the keyword arguments that rebuild the object (None when unusable).
        problem: what made them unusable, in words (None when usable).
        culprits: the names of the offending arguments.
        received: the offending values, for the error message.

    """

    __slots__ = ("arguments", "problem", "culprits", "received")

    def __init__(self, arguments: dict | None, problem: str | None = None,
                 culprits: tuple = (), received: str = "") -> None:
        self.arguments = arguments
        self.problem = problem
        self.culprits = culprits
        self.received = received


class AutoConfigMeta(type):
    """Metaclass of ``Layer``: records a user class's constructor arguments at creation.

    Recording happens here rather than in ``__new__`` so that it sees the arguments whatever
    ``__new__`` a subclass (such as ``Model``) defines.
    """

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        recorded = None if _is_keraslite_class(cls) else record(cls, args, kwargs)
        instance = super().__call__(*args, **kwargs)
        if recorded is not None and isinstance(instance, cls):
            # Bypass the layer's __setattr__ (attribute tracking) on purpose.
            instance.__dict__["_auto_config"] = recorded
        return instance


def _is_keraslite_class(cls: type) -> bool:
    return cls.__module__.partition(".")[0] == "keraslite"


def record(cls: type, args: tuple, kwargs: dict) -> AutoConfig | None:
    """Bind ``args`` and ``kwargs`` to ``cls.__init__`` and keep them if they are basic types.

    Args:
        cls: the class being created.
        args, kwargs: the arguments it was called with.

    Returns:
        An :class:`AutoConfig`, or None when the arguments do not fit the signature (then
        ``__init__`` raises its own error).

    """
    try:
        signature = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        return AutoConfig(None, "its `__init__()` signature cannot be inspected")
    params = list(signature.parameters.values())
    if not params:
        return AutoConfig(None, "its `__init__()` takes no `self` argument")
    positional_only = tuple(p.name for p in params[1:] if p.kind == p.POSITIONAL_ONLY)
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError:
        return None
    if positional_only:
        return AutoConfig(None, "its `__init__()` has positional-only arguments, which "
                                "`from_config()` cannot pass back as keywords", positional_only,
                          "positional-only " + ", ".join(positional_only))
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    arguments.pop(params[0].name)
    for p in params[1:]:
        if p.kind == p.VAR_KEYWORD:
            arguments.update(arguments.pop(p.name, {}))
        elif p.kind == p.VAR_POSITIONAL:
            extra = arguments.pop(p.name, ())
            if extra:
                return AutoConfig(None, f"it was given variadic positional arguments "
                                        f"(`*{p.name}`), which `from_config()` cannot pass back "
                                        "as keywords", (p.name,), _shown(p.name, extra))
    arguments.pop("name", None)
    bad = tuple(key for key, value in arguments.items() if not _is_basic(value))
    if bad:
        described = ", ".join(f"`{k}` (a {type(arguments[k]).__name__})" for k in bad)
        return AutoConfig(None, f"its argument {described} is not a basic JSON type "
                                "(str, int, float, bool, None, or lists, tuples and dicts of "
                                "them)", bad,
                          ", ".join(_shown(k, arguments[k]) for k in bad))
    return AutoConfig(_copy(arguments))


def _shown(name: str, value: Any) -> str:
    text = f"{name}={value!r}"
    return text if len(text) <= 120 else text[:117] + "..."


def _is_basic(value: Any) -> bool:
    if isinstance(value, _BASIC):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_basic(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_basic(v) for k, v in value.items())
    return False


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def complete_config(obj: Any, base: dict, extra: dict) -> dict:
    """The config of ``obj`` from its recorded arguments, merged with the base config.

    Keras' order and precedence: ``name``, the recorded arguments, ``extra`` (an activity
    regularizer), then the base config (``trainable``, ``dtype``, ...), whose current values
    win over recorded ones. Keys that ``__init__`` cannot accept (it has neither that
    argument nor ``**kwargs``) are left out, so that ``cls(**config)`` works.

    Args:
        obj: the layer or model.
        base: its base config (``name``, ``trainable``, ``dtype``, ...).
        extra: further base entries, placed before ``trainable``.

    Returns:
        The config dict.

    Raises:
        NotImplementedError: when the constructor's arguments could not be recorded.

    """
    recorded: AutoConfig = obj.__dict__["_auto_config"]
    if recorded.arguments is None:
        raise NotImplementedError(_problem_message(obj, recorded))
    params = inspect.signature(type(obj).__init__).parameters
    takes_any = any(p.kind == p.VAR_KEYWORD for p in params.values())
    arguments = _copy(recorded.arguments)
    if "batch_input_shape" in base:
        for key in _INPUT_ARGS:
            arguments.pop(key, None)
    config = {"name": base["name"], **arguments, **extra,
              **{k: v for k, v in base.items() if k != "name"}}
    return {k: v for k, v in config.items() if takes_any or k in params}


def _problem_message(obj: Any, recorded: AutoConfig) -> str:
    cls = type(obj).__name__
    names = list(recorded.culprits) or ["arg1"]
    is_model = any(c.__name__ == "Model" and _is_keraslite_class(c) for c in type(obj).__mro__)
    example = _EXAMPLE.format(cls=cls, base="keras.Model" if is_model else "keras.layers.Layer",
                              args=", ".join(names),
                              items=", ".join(f"'{n}': ..." for n in names))
    return (
        f"{cls} '{getattr(obj, 'name', '?')}' cannot build its config automatically: "
        f"{recorded.problem}. keraslite (like Keras 3) records a custom layer's or model's "
        "constructor arguments only when they are basic types, so this class must override "
        "`get_config()` to be saved or cloned (serialize a nested layer or other object with "
        "keras.saving.serialize_keras_object, and deserialize it in a `from_config()` "
        f"classmethod). For example:\n{example}\n"
        f"Received: {recorded.received or 'no recorded arguments'}"
    )
