"""Serve ``keras``, ``tensorflow.keras``, ``tf_keras`` and a ``tensorflow`` stand-in from keraslite.

A meta-path finder, installed in the running process only (never in site-packages), answers
imports of those names with *alias modules*: thin modules whose attributes come from keraslite
modules. ``keras.layers`` serves ``keraslite.layers``; a deeper path such as
``keras.src.layers.core.dense`` or the Keras 2 ``keras.utils.np_utils`` serves the deepest
keraslite module that exists on that path, then its parents up to the family
(``keraslite.layers.core``, then ``keraslite.layers``). A family keraslite does not implement
(``keras.quantizers``), or a public path it does not have, fails at once with a message
saying so.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from typing import Any

from keraslite.compat.notes import note

_KERAS_ROOTS = ("tensorflow.python.keras", "tensorflow.keras", "tf_keras", "keras")
"""Import names under which Keras is served, longest first."""

SERVED = ("keras", "tensorflow", "tf_keras")
"""The top-level import names the finder answers."""

KERAS_VERSION = "3.0.0"
"""The Keras version reported as ``keras.__version__`` (with keraslite's as a local label)."""

_KERAS_HINT = ("keraslite, which implements the core of Keras 3 (layers, models, losses, "
               "metrics, optimizers, callbacks, utils).")
_TF_HINT = ("keraslite's TensorFlow stand-in, which provides only tf.keras and the few "
            "TensorFlow functions Keras scripts use (tf.random, tf.constant, "
            "tf.convert_to_tensor, tf.config device listing, dtypes, tf.GradientTape). Install "
            "TensorFlow for the rest, or use keras.ops for math.")

_ROOT_CHILDREN = frozenset({"backend", "preprocessing", "src"})
_PREPROCESSING_CHILDREN = frozenset({"sequence", "text", "image"})

# Keras 2 module paths (relative to ``keras``) and where Keras 3 keeps their contents.
_KERAS2_PATHS = {
    "engine": "keras.models and keras.layers",
    # keras.preprocessing and .sequence are still Keras 3 paths; .text is kept only in tf.keras.
    "preprocessing.text": "keras.layers.TextVectorization (keraslite keeps Keras 2's "
                          "Tokenizer here, with Keras 2's outputs)",
    "utils.np_utils": "keras.utils",
    "utils.vis_utils": "keras.utils",
    "utils.generic_utils": "keras.utils",
    "layers.core": "keras.layers",
    "layers.convolutional": "keras.layers",
    "layers.pooling": "keras.layers",
    "layers.recurrent": "keras.layers",
    "layers.embeddings": "keras.layers",
    "layers.merge": "keras.layers",
    "layers.normalization": "keras.layers",
    "layers.advanced_activations": "keras.layers",
    "layers.activation": "keras.layers",
    "layers.experimental": "keras.layers",
    "optimizers.legacy": "keras.optimizers",
}

class AliasModule(types.ModuleType):
    """A module whose attributes come from keraslite modules (``targets``, first match wins).

    It is a package (``__path__ = []``) so that its submodules can be imported through the
    finder. ``children`` names served submodules that attribute access imports on demand, in
    preference to the targets' attributes (``keras.backend`` is not ``keraslite.backend``).
    """

    def __init__(self, name: str, targets: list[types.ModuleType],
                 children: frozenset[str] = frozenset(), hint: str = _KERAS_HINT) -> None:
        super().__init__(name)
        self.__dict__["_keraslite_targets"] = list(targets)
        self.__dict__["_keraslite_children"] = children
        self.__dict__["_keraslite_hint"] = hint
        self.__path__: list[str] = []
        self.__package__ = name
        if targets and getattr(targets[0], "__file__", None):
            self.__file__ = targets[0].__file__
        if name in ("keras", "tf_keras") or name.endswith(".keras"):
            self.__version__ = f"{KERAS_VERSION}+keraslite.{sys.modules['keraslite'].__version__}"

    def __getattr__(self, name: str) -> Any:
        if name == "__all__":  # for `from keras.layers import *`: public names, no modules
            return [n for t in self.__dict__["_keraslite_targets"] for n in getattr(
                t, "__all__", [n for n, v in vars(t).items() if not n.startswith("_")
                               and not isinstance(v, types.ModuleType)])]
        if name.startswith("__") and name.endswith("__") and name != "__version__":
            raise AttributeError(name)
        if name in self.__dict__["_keraslite_children"]:
            return load(f"{self.__name__}.{name}")
        for target in self.__dict__["_keraslite_targets"]:
            try:
                value = getattr(target, name)
            except AttributeError:
                continue
            if isinstance(value, types.ModuleType) and value.__name__.startswith("keraslite."):
                value = load(f"{self.__name__}.{name}")  # keras.layers is served as well
            if callable(value) or isinstance(value, types.ModuleType):
                self.__dict__[name] = value  # found once; later lookups are plain attributes
            return value
        raise AttributeError(
            f"module '{self.__name__}' has no attribute '{name}': `{self.__name__}.{name}` is "
            f"not provided by {self.__dict__['_keraslite_hint']} See "
            "docs/running_keras_scripts.md."
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            f"'{self.__name__}' is a module, not a function or class: keraslite served it as "
            "a module path, but it is not provided under that name by "
            f"{self.__dict__['_keraslite_hint']}"
        )

    def __repr__(self) -> str:
        targets = self.__dict__["_keraslite_targets"]
        served = targets[0].__name__ if targets else "keraslite"
        return f"<module '{self.__name__}' (served by keraslite from {served!r})>"

    def __dir__(self) -> list[str]:
        names = set(self.__dict__) | set(self.__dict__["_keraslite_children"])
        for target in self.__dict__["_keraslite_targets"]:
            names.update(n for n in dir(target) if not n.startswith("_"))
        return sorted(names)


def _keraslite_module(path: list[str]) -> types.ModuleType | None:
    """``keraslite.<path>`` if it exists (importing it), else None."""
    if any(p.startswith("_") for p in path) or path[:1] == ["compat"]:
        return None
    name = ".".join(["keraslite", *path])
    try:
        if importlib.util.find_spec(name) is None:
            return None
    except (ImportError, ValueError):
        return None
    return importlib.import_module(name)


def _not_provided(fullname: str, reason: str) -> ModuleNotFoundError:
    return ModuleNotFoundError(
        f"No module named '{fullname}': {reason} See docs/running_keras_scripts.md.",
        name=fullname)


def _keras_plan(fullname: str, root: str, rel: list[str]) -> tuple[list, frozenset, str | None]:
    """Targets, children and deprecation note of the alias for ``root.<rel>``.

    Only real module paths are served: a class name (``keras.layers.NoSuchLayer``, which
    ``from keras.layers import NoSuchLayer`` tries as a submodule) or an unknown public path
    fails, so that a missing name is reported instead of turning into an empty module.
    """
    private = rel[:1] == ["src"]
    if private:
        rel = rel[1:]
    dotted = ".".join(rel)
    notice = None
    if root == "tensorflow.python.keras" and not rel and not private:
        notice = ("`tensorflow.python.keras` is TensorFlow's private copy of Keras 2; import "
                  "`keras` (or `tensorflow.keras`) instead.")
    elif not private:
        for old, new in _KERAS2_PATHS.items():
            if dotted == old or dotted.startswith(old + "."):
                notice = f"`{fullname}` is a Keras 2 module path; in Keras 3 use {new}."
                break
    missing = _not_provided(fullname, f"`keras.{dotted}` is not provided by {_KERAS_HINT}")
    if rel and not rel[-1][:1].islower():
        raise missing
    if not rel:
        return [importlib.import_module("keraslite")], _ROOT_CHILDREN, notice
    if rel[0] == "backend":
        if len(rel) > 1 and not private:
            raise missing
        return [importlib.import_module("keraslite.compat.backend")], frozenset(), notice
    if rel[0] == "preprocessing":
        if len(rel) > 2 or rel[1:] and rel[1] not in _PREPROCESSING_CHILDREN:
            raise missing
        targets = [m for m in (_keraslite_module(rel), _keraslite_module(["preprocessing"]))
                   if m is not None]
        targets += [importlib.import_module("keraslite.utils"),
                    importlib.import_module("keraslite.layers")]
        children = _PREPROCESSING_CHILDREN if len(rel) == 1 else frozenset()
        return targets, children, notice
    if rel[0] == "engine":
        return [importlib.import_module(f"keraslite.{m}") for m in ("models", "layers")] + [
            importlib.import_module("keraslite")], frozenset(), notice
    if _keraslite_module(rel[:1]) is None:
        raise _not_provided(fullname, f"`keras.{rel[0]}` is not provided by {_KERAS_HINT}")
    if _keraslite_module(rel) is None and not (private or notice):
        raise missing
    chain = [m for k in range(len(rel), 0, -1) if (m := _keraslite_module(rel[:k])) is not None]
    return chain, frozenset(), notice


def _plan(fullname: str) -> tuple[list, frozenset, str | None, str]:
    """How to serve ``fullname``: (targets, children, deprecation note, error hint)."""
    if fullname == "tensorflow":
        standin = importlib.import_module("keraslite.compat.tensorflow_standin")
        return [standin], frozenset({"keras", "python"}), None, _TF_HINT
    if fullname == "tensorflow.python":
        return [], frozenset({"keras"}), None, _TF_HINT
    for root in _KERAS_ROOTS:
        if fullname == root or fullname.startswith(root + "."):
            rel = fullname[len(root) + 1:].split(".") if fullname != root else []
            targets, children, notice = _keras_plan(fullname, root, rel)
            return targets, children, notice, _KERAS_HINT
    raise _not_provided(fullname, f"`{fullname}` is not provided by {_TF_HINT}")


def load(fullname: str) -> types.ModuleType:
    """Return the served module ``fullname``, creating and registering it if needed."""
    module = sys.modules.get(fullname)
    if module is not None:
        return module
    return importlib.import_module(fullname) if is_installed() else _create(fullname)


def _alias(fullname: str, plan: tuple) -> AliasModule:
    targets, children, notice, hint = plan
    module = AliasModule(fullname, targets, children, hint)
    module.__dict__["_keraslite_note"] = notice
    return module


def _create(fullname: str) -> types.ModuleType:
    """Register the alias without the import system (the finder is not installed)."""
    return sys.modules.setdefault(fullname, _alias(fullname, _plan(fullname)))


class _Loader(importlib.abc.Loader):
    """Creates the alias module (``create_module``) and emits its deprecation note."""

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _alias(spec.name, spec.loader_state or _plan(spec.name))

    def exec_module(self, module: types.ModuleType) -> None:
        notice = module.__dict__.get("_keraslite_note")
        if notice:
            note(notice)


class KerasFinder(importlib.abc.MetaPathFinder):
    """The meta-path finder that serves ``keras``, ``tensorflow`` and ``tf_keras``."""

    def find_spec(self, fullname: str, path: Any = None,
                  target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname.partition(".")[0] not in SERVED:
            return None
        plan = _plan(fullname)  # fails here, with a clear message, for what is not provided
        return importlib.machinery.ModuleSpec(fullname, _LOADER, is_package=True,
                                              loader_state=plan)


_LOADER = _Loader()
_FINDER = KerasFinder()


def is_installed() -> bool:
    """Whether the finder is active in this process."""
    return _FINDER in sys.meta_path


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (idempotent)."""
    if not is_installed():
        sys.meta_path.insert(0, _FINDER)


def uninstall() -> None:
    """Remove the finder and forget every module it served."""
    while _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name, module in list(sys.modules.items()):
        if isinstance(module, AliasModule):
            del sys.modules[name]


def foreign_modules() -> dict[str, str]:
    """Real (not served) ``keras``/``tensorflow``/``tf_keras`` modules already imported."""
    found = {}
    for name in SERVED:
        module = sys.modules.get(name)
        if module is not None and not isinstance(module, AliasModule):
            found[name] = str(getattr(module, "__file__", None) or module)
    return found
