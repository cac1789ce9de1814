"""Which variables go where in a weights file, following Keras 3's layout.

Keras 3 stores each layer's own variables under ``<path>/vars/<index>``, where the path follows
the model's attributes: ``layers/<snake_case_class_name>[_N]`` for the layer list of a model,
``<attribute>`` for a layer held in an attribute, and ``optimizer`` for the optimizer (whose
variables are ``[iterations, learning_rate, slots...]`` in Keras' order). Here the walk reads
each object's explicit state (``vars(layer)``, ``model.layers``, ``model.optimizer``); nothing
is discovered through ``dir()``.

Loading checks everything first (counts and shapes) and only then writes, so a file that does
not fit leaves the model untouched.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy

from keraslite.backend import floatx
from keraslite.losses import Loss
from keraslite.metrics import Metric
from keraslite.naming import KerasliteWarning, to_snake_case
from keraslite.optimizers import Optimizer
from keraslite.saving import registry
from keraslite.saving.serialization import to_numpy

# Bookkeeping attributes of keraslite's base classes that hold layers Keras does not walk.
_SKIP = frozenset({"_layers", "_stack", "_inbound_nodes", "_own_variables", "_losses"})


def _is_layer(x: Any) -> bool:
    return registry.is_layer(x)


def _is_saveable(x: Any) -> bool:
    return _is_layer(x) or isinstance(x, Optimizer)


def _is_keras_saveable(x: Any) -> bool:
    """Objects that Keras names in a container even though they hold no weights."""
    return _is_saveable(x) or isinstance(x, (Loss, Metric))


def _holds_saveable(x: Any, depth: int = 0) -> bool:
    if _is_saveable(x):
        return True
    if isinstance(x, (list, tuple)) and depth < 8:
        return any(_holds_saveable(v, depth + 1) for v in x)
    if isinstance(x, dict) and depth < 8:
        return any(_holds_saveable(v, depth + 1) for v in x.values())
    return False


def _name_key(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name  # private attributes last


def _children(obj: Any) -> list[tuple[str, Any]]:
    """The named things under layer ``obj`` that the file walks, in Keras' order.

    Saving knows no model class: an object adds entries (a model: ``layers``, ``optimizer``)
    through ``_saving_attributes()``, and one whose file lists its layers before anything
    else (Sequential, Functional) sets ``_saving_layers_first = True``.
    """
    if not _is_layer(obj):
        return []
    attrs = {k: v for k, v in vars(obj).items()
             if k not in _SKIP and not k.startswith("__") and _holds_saveable(v)}
    extra = getattr(obj, "_saving_attributes", None)
    if extra is not None:
        attrs.update(extra())
    first = [("layers", obj.layers)] if getattr(obj, "_saving_layers_first", False) else []
    return first + sorted(attrs.items(), key=lambda kv: _name_key(kv[0]))


def saveables(root: Any) -> list[tuple[str, Any]]:
    """``(path, layer_or_optimizer)`` for ``root`` and everything under it, in Keras' order,
    each object once (at the first path that reaches it).
    """
    out: list[tuple[str, Any]] = []
    visited: set[int] = set()

    def join(path: str, name: str) -> str:
        return f"{path}/{name}" if path else name

    def visit(obj: Any, path: str) -> None:
        if id(obj) in visited:
            return
        visited.add(id(obj))
        out.append((path, obj))
        for attr, child in _children(obj):
            if _is_saveable(child):
                visit(child, join(path, attr))
            elif isinstance(child, (list, tuple, dict)):
                container(child, join(path, attr), set())

    def container(items: Any, path: str, seen: set[int]) -> None:
        if id(items) in seen:
            return
        seen.add(id(items))
        used: dict[str, int] = {}
        for item in (items.values() if isinstance(items, dict) else items):
            if _is_keras_saveable(item):
                name = _unique(to_snake_case(type(item).__name__), used)
                if _is_saveable(item):
                    visit(item, join(path, name))
            elif isinstance(item, (list, tuple, dict)):
                container(item, join(path, _unique("container", used)), seen)

    visit(root, "")
    return out


def _unique(name: str, used: dict[str, int]) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


# -- the variables of one object, in Keras' order -----------------------------------------
class _LearningRate:
    """The optimizer's float learning rate, stored by Keras as a scalar variable."""

    def __init__(self, optimizer: Any) -> None:
        self.optimizer = optimizer
        self.path = "optimizer/learning_rate"
        self.shape = ()

    @property
    def value(self) -> numpy.ndarray:
        return numpy.asarray(self.optimizer._learning_rate, dtype=floatx())

    def assign(self, value: Any) -> None:
        value = numpy.asarray(value)
        if value.dtype.kind != "f" or value.shape != ():
            raise ValueError(f"The stored learning rate must be a float scalar. Received: "
                             f"dtype={value.dtype}, shape={value.shape}")
        current = self.optimizer._learning_rate
        if numpy.asarray(current, value.dtype) != value:  # keep the exact float otherwise
            self.optimizer.learning_rate = float(value)


def object_variables(obj: Any) -> list:
    """The variables Keras stores for one layer or optimizer, in its order."""
    return obj.saved_variables() if _is_layer(obj) else optimizer_variables(obj)


def _overrides(obj: Any, method: str) -> bool:
    """Whether a layer's class replaces the base class's ``save/load_own_variables``."""
    return getattr(type(obj), method) is not getattr(registry.layer_type("Layer"), method)


def optimizer_variables(optimizer: Any) -> list:
    """The optimizer's state in Keras' order: ``[iterations, learning_rate (unless a schedule),
    EMA averages / gradient accumulators, slots...]``.

    keraslite's optimizers keep their ``variables`` in that order (slots created per model
    variable, several names interleaved, as Keras' ``add_optimizer_variables`` does), so this is
    that list; a plain float learning rate is stored as Keras' scalar variable.
    """
    variables = list(optimizer.variables)
    if isinstance(getattr(optimizer, "_learning_rate", None), (int, float)):
        variables.insert(1, _LearningRate(optimizer))
    return variables


# -- saving and loading -------------------------------------------------------------------
def collect(root: Any) -> list[tuple[str, str, dict]]:
    """``(path, name, {key: array})`` for every object to write (keys ``"0"``, ``"1"``, ...
    unless a layer's own ``save_own_variables`` chooses others).
    """
    entries = []
    for path, obj in saveables(root):
        store: dict = {}
        if _is_layer(obj):
            obj.save_own_variables(store)
            if not _overrides(obj, "save_own_variables"):
                _warn_left_out(obj)
        else:
            store = {str(i): v for i, v in enumerate(optimizer_variables(obj))}
        arrays = {str(key): to_numpy(getattr(v, "value", v)) for key, v in store.items()}
        entries.append((path, getattr(obj, "name", None), arrays))
    return entries


def _warn_left_out(layer: Any) -> None:
    """Say which of a layer's variables its class's Keras format leaves out of the file."""
    saved = [c for v in layer.saved_variables() for c in getattr(v, "covers", (v,))]
    left_out = [v.name for v in layer._own_variables if all(v is not s for s in saved)]
    if left_out:
        warnings.warn(
            f"Layer '{layer.name}' has variables {left_out} that the Keras 3 file format of "
            f"its class does not save (it writes only {list(layer.saved_variable_names)}): "
            "they will not be restored. Override save_own_variables() and "
            "load_own_variables() to keep them.", KerasliteWarning, stacklevel=4)


def load_into(root: Any, reader: Any, skip_mismatch: bool = False) -> None:
    """Fill ``root``'s variables from a weights file's ``reader`` (an ``H5Reader``).

    Every layer that keeps Keras' default layout is checked first and assigned only when all
    fit; layers with their own ``load_own_variables`` then read their stores.

    Raises:
        ValueError: a layer's stored variables do not match its own in number or shape
            (unless ``skip_mismatch``, which warns and leaves that layer as it is).

    """
    _build_optimizer_for_loading(root, reader.read_vars)
    groups, custom = [], []
    for path, obj in saveables(root):
        if _is_layer(obj) and _overrides(obj, "load_own_variables"):
            custom.append((path, obj))
            continue
        variables = object_variables(obj)
        stored = reader.read_vars(path)
        if not _is_layer(obj):
            if stored is None:
                continue  # the file holds no optimizer state: keep the current one
            if len(stored) != len(variables):
                warnings.warn(
                    f"Skipping the optimizer state in the file: optimizer '{obj.name}' has "
                    f"{len(variables)} variables but the file holds {len(stored)} (was the "
                    "model compiled differently when saved?).", KerasliteWarning, stacklevel=3)
                continue
        label = f"layer '{obj.name}' (at '{path or '/'}')" if _is_layer(obj) else \
            f"optimizer '{obj.name}'"
        groups.append((label, variables, [] if stored is None else stored))
    assign_checked(root, groups, skip_mismatch)
    for path, obj in custom:
        obj.load_own_variables(reader.read_named_vars(path) or {})


def assign_checked(root: Any, groups: list[tuple[str, list, list]],
                   skip_mismatch: bool = False) -> None:
    """Assign ``(label, variables, arrays)`` groups after checking every count and shape."""
    plan: list[tuple[Any, numpy.ndarray]] = []
    problems: list[str] = []
    for label, variables, stored in groups:
        if len(stored) != len(variables):
            problems.append(f"{label} expects {len(variables)} variables "
                            f"{[tuple(v.shape) for v in variables]} but the file holds "
                            f"{len(stored)}")
            continue
        bad = [(v, a) for v, a in zip(variables, stored) if tuple(a.shape) != tuple(v.shape)]
        if bad:
            v, a = bad[0]
            problems.append(f"{label}: '{getattr(v, 'path', '?')}' has shape {tuple(v.shape)} "
                            f"but the file holds shape {tuple(a.shape)}")
            continue
        plan.extend(zip(variables, stored))
    if problems and not skip_mismatch:
        raise ValueError(
            f"The weights in the file do not fit model '{root.name}': " + "; ".join(problems) +
            ". Build the model with the same architecture as the one that was saved (or pass "
            "skip_mismatch=True to load the layers that fit).")
    if problems:
        warnings.warn("Skipped layers whose weights do not fit: " + "; ".join(problems),
                      KerasliteWarning, stacklevel=3)
    for variable, array in plan:
        variable.assign(array)


def _build_optimizer_for_loading(root: Any, read: Any) -> None:
    """Create a compiled model's optimizer slots so that saved optimizer state can land."""
    optimizer = getattr(root, "optimizer", None)
    if optimizer is None or optimizer.built or not getattr(root, "built", False):
        return
    stored = read("optimizer")
    if stored and len(stored) > len(optimizer_variables(optimizer)):
        optimizer.build(root.trainable_variables)
