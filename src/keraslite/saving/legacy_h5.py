"""The legacy single-file HDF5 model format (``model.save("m.h5")``), read and written.

Keras 3 still writes this Keras 2 format for a path ending in ``.h5``/``.hdf5`` (with a note
that it is legacy), and so does keraslite. The file holds:

- root attributes ``model_config`` (the model's config as JSON, with each layer in the legacy
  ``{"class_name", "config"}`` form), ``training_config`` (the compile settings, the optimizer
  as ``optimizer_config``), ``keras_version`` and ``backend``;
- ``model_weights/<layer>``: each layer's weights (trainable, then non-trainable), as datasets
  named in the order of the group's ``weight_names`` attribute; ``model_weights`` lists the
  layers in ``layer_names``, and ``top_level_model_weights`` holds the model's own variables;
- ``optimizer_weights``: the optimizer's variables in Keras' order (``iteration``,
  ``learning_rate``, slots), named in ``weight_names``.

Loading matches the file's layers that have weights to the model's, in order, as Keras does.
With ``compile=True`` the model is compiled from ``training_config`` and the whole optimizer
state is restored (Keras 3.15 restores only the iteration count and learning rate, and its
next training step then fails; keraslite continues training exactly).
"""

from __future__ import annotations

import io
import json
import os
import warnings
from typing import Any

import numpy

from keraslite._version import __version__
from keraslite.naming import KerasliteWarning
from keraslite.saving import h5_store, resolve, state
from keraslite.saving.archive import FORMAT_KERAS_VERSION, parse_json
from keraslite.saving.atomic import atomic_write
from keraslite.saving.serialization import (
    deserialize_keras_object,
    serialize_keras_object,
    to_numpy,
)

SUFFIXES = (".h5", ".hdf5")
# The note Keras 3 logs when a model is saved to this format (keras/src/saving/saving_api.py).
LEGACY_FORMAT_NOTE = (
    "You are saving your model as an HDF5 file via `model.save()` or "
    "`keras.saving.save_model(model)`. This file format is considered legacy. We recommend "
    "using instead the native Keras format, e.g. `model.save('my_model.keras')` or "
    "`keras.saving.save_model(model, 'my_model.keras')`. "
)
# Loss aliases that Keras 3's legacy reader cannot deserialize (it can the full names). The
# loss is stored under its full name so that Keras loads the file; the name of a loss never
# shows in the logs. (Metric strings are kept as given: they name the logged values.)
_LOSS_ALIASES = {"mse": "mean_squared_error", "mae": "mean_absolute_error",
                 "mape": "mean_absolute_percentage_error",
                 "msle": "mean_squared_logarithmic_error", "kld": "kl_divergence",
                 "logcosh": "log_cosh"}
# HDF5 keeps attributes in the object header; Keras splits longer name lists into chunks.
HDF5_OBJECT_HEADER_LIMIT = 64512


class LegacyFormatWarning(KerasliteWarning):
    """A model was saved to the legacy HDF5 format (``.h5``) instead of ``.keras``."""


# -- writing -------------------------------------------------------------------------------
def save_legacy_model(model: Any, path: str, include_optimizer: bool = True) -> None:
    """Write ``model`` to ``path`` in the legacy HDF5 format, atomically.

    Everything is serialized before the file is touched, and the file is written to a
    temporary file that replaces ``path`` only when complete, so a failed save leaves the
    previous file intact.

    Args:
        model: a built model.
        path: the target, ending in ``.h5`` or ``.hdf5``.
        include_optimizer: also store the compile settings and the optimizer state.

    """
    h5py = h5_store.require_h5py()
    attrs = legacy_metadata(model, include_optimizer)
    optimizer = getattr(model, "optimizer", None) if "training_config" in attrs else None
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        for key, value in attrs.items():
            f.attrs[key] = value
        _write_model_weights(f.create_group("model_weights"), model)
        if optimizer is not None:
            _write_optimizer_weights(f, optimizer)
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)  # as Keras does for this format
    with atomic_write(path) as out:
        out.write(buffer.getvalue())


def legacy_metadata(model: Any, include_optimizer: bool = True) -> dict:
    """The root attributes: versions, ``model_config`` and (if compiled) ``training_config``."""
    config = serialize_keras_object(model)
    model_config = {"class_name": config["class_name"], "config": _legacy_inner(config["config"])}
    attrs: dict = {"keras_version": FORMAT_KERAS_VERSION, "keraslite_version": __version__,
                   "backend": "numpy", "model_config": _json_bytes(model_config)}
    compile_config = model.get_compile_config() if hasattr(model, "get_compile_config") else None
    if include_optimizer and compile_config and compile_config.get("optimizer") is not None:
        training = serialize_keras_object(compile_config)
        training["loss"] = _full_loss_names(training.get("loss"))
        optimizer = training.pop("optimizer")
        training["optimizer_config"] = {"class_name": _legacy_class_name(optimizer),
                                        "config": optimizer["config"]}
        attrs["training_config"] = _json_bytes(training)
    return attrs


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value).encode("utf-8")


def _full_loss_names(loss: Any) -> Any:
    if isinstance(loss, str):
        return _LOSS_ALIASES.get(loss, loss)
    if isinstance(loss, list):
        return [_full_loss_names(item) for item in loss]
    if isinstance(loss, dict) and "class_name" not in loss:
        return {key: _full_loss_names(item) for key, item in loss.items()}
    return loss


def _legacy_class_name(entry: dict) -> str:
    """A registered custom class keeps its ``package>Name``, as Keras' legacy form does."""
    registered = entry.get("registered_name")
    return registered if isinstance(registered, str) and ">" in registered \
        else entry["class_name"]


def _legacy_inner(config: Any) -> Any:
    """A model's config with its layers in the legacy form (other entries unchanged)."""
    if isinstance(config, dict) and isinstance(config.get("layers"), list):
        return {**config, "layers": [_legacy_layer(entry) for entry in config["layers"]]}
    return config


def _legacy_layer(entry: Any) -> Any:
    """``{"class_name", "config"}`` (+ ``name``/``inbound_nodes`` in a Functional graph).

    An op layer (``a + b``, ``x[:, 1:]`` in a Functional graph) keeps its ``module``, which
    says that it is an op: Keras' own legacy reader cannot rebuild these in any form.
    """
    if not isinstance(entry, dict) or "class_name" not in entry:
        return entry
    if resolve.kind_of_module(entry.get("module")) == "ops":
        return entry
    out = {"class_name": _legacy_class_name(entry), "config": _legacy_inner(entry["config"])}
    for key in ("name", "inbound_nodes"):
        if key in entry:
            out[key] = entry[key]
    return out


def _write_model_weights(group: Any, model: Any) -> None:
    layers = list(model.layers)
    _write_names(group, "layer_names", [layer.name for layer in layers])
    group.attrs["backend"] = "numpy"
    group.attrs["keras_version"] = FORMAT_KERAS_VERSION
    # Keras creates the groups in name order (so that no group name is a prefix problem).
    for layer in sorted(layers, key=lambda layer: layer.name):
        _write_subset(group.create_group(layer.name), legacy_weights(layer), layer.name)
    own = model._own_variables
    top = [v for v in own if v.trainable] + [v for v in own if not v.trainable]
    _write_subset(group.create_group("top_level_model_weights"), top, model.name)


def legacy_weights(layer: Any) -> list:
    """A layer's weights in the legacy order: trainable, then non-trainable."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _write_subset(group: Any, variables: list, owner: str) -> None:
    names = _unique_names([getattr(v, "path", None) or f"{owner}/variable_{i}"
                           for i, v in enumerate(variables)])
    _write_names(group, "weight_names", names)
    for name, variable in zip(names, variables):
        group.create_dataset(name, data=numpy.asarray(to_numpy(variable.value)))


def _write_optimizer_weights(f: Any, optimizer: Any) -> None:
    variables = state.optimizer_variables(optimizer)
    if not variables:
        return
    group = f.create_group("optimizer_weights")
    names = []
    for i, variable in enumerate(variables):
        if isinstance(variable, state._LearningRate):
            names.append(f"{optimizer.name}/learning_rate")
        else:
            names.append(getattr(variable, "path", None) or f"{optimizer.name}/variable_{i}")
    names = _unique_names(names)
    _write_names(group, "weight_names", names)
    for name, variable in zip(names, variables):
        group.create_dataset(name, data=numpy.asarray(to_numpy(variable.value)))


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        name = name.strip("/") or "variable"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        seen.setdefault(name, 0)
        out.append(name)
    return out


def _write_names(group: Any, attr: str, names: list[str]) -> None:
    """A list of names as an attribute, split into ``attr0``, ``attr1``... when too large."""
    data = [name.encode("utf-8") for name in names]
    total = sum(len(d) for d in data)
    if total <= HDF5_OBJECT_HEADER_LIMIT:
        group.attrs[attr] = data
        return
    chunks = -(-total // HDF5_OBJECT_HEADER_LIMIT) + 1
    for i, chunk in enumerate(numpy.array_split(numpy.asarray(data, dtype=object), chunks)):
        group.attrs[f"{attr}{i}"] = list(chunk)


# -- reading -------------------------------------------------------------------------------
def read_names(group: Any, attr: str) -> list[str]:
    """A name-list attribute, also when Keras split it into ``attr0``, ``attr1``..."""
    if attr in group.attrs:
        return [str(n) for n in h5_store._attr(group.attrs[attr])]
    names: list[str] = []
    i = 0
    while f"{attr}{i}" in group.attrs:
        names += [str(n) for n in h5_store._attr(group.attrs[f"{attr}{i}"])]
        i += 1
    return names


def load_legacy_model(path: str, custom_objects: dict | None, compile: bool,
                      safe_mode: bool) -> Any:
    """A model from a legacy ``.h5`` file (see the module docstring)."""
    with h5_store.H5Reader(path, "legacy .h5 model file") as reader:
        attrs = reader.attrs
        if "model_config" not in attrs:
            raise ValueError(
                f"{path!r} holds only weights, not a model (no `model_config`). Build the model "
                "in code and call model.load_weights(path) instead."
            )
        config = parse_json(str(attrs["model_config"]).encode("utf-8"), "model_config")
        model = deserialize_keras_object(config, custom_objects=custom_objects,
                                         safe_mode=safe_mode, kind="models")
        load_legacy_weights(model, reader, skip_mismatch=False)
        training = attrs.get("training_config")
        if compile and training:
            _compile(model, parse_json(str(training).encode("utf-8"), "training_config"),
                     custom_objects, safe_mode)
            _restore_optimizer(model, reader, str(attrs.get("keras_version", "1")))
    return model


def _compile(model: Any, training: dict, custom_objects: dict | None, safe_mode: bool) -> None:
    if not isinstance(training, dict):
        return
    optimizer = training.get("optimizer_config")
    if isinstance(optimizer, dict):
        optimizer = deserialize_keras_object(optimizer, custom_objects=custom_objects,
                                             safe_mode=safe_mode, kind="optimizers")
    spec = {k: deserialize_keras_object(training.get(k), custom_objects=custom_objects,
                                        safe_mode=safe_mode)
            for k in ("loss", "metrics", "loss_weights", "weighted_metrics")}
    model.compile(optimizer=optimizer or "rmsprop", **spec)


def _restore_optimizer(model: Any, reader: h5_store.H5Reader, keras_version: str) -> None:
    """Load ``optimizer_weights`` into the compiled model's optimizer, if they fit.

    State that does not fit (another optimizer, another model) is skipped with a warning and
    training continues with a fresh optimizer, as Keras does. Keras 2 stored its optimizers'
    state in another order (all first moments, then all second moments, no learning rate),
    so that state is never restored.
    """
    group = reader.group("optimizer_weights")
    optimizer = getattr(model, "optimizer", None)
    if group is None or optimizer is None:
        return
    if not keras_version.startswith("3."):
        warnings.warn(
            f"The optimizer state in this file was saved by Keras {keras_version}, whose "
            "optimizers store it in another layout; the model starts with a freshly "
            "initialized optimizer (the weights and compile settings are loaded).",
            KerasliteWarning, stacklevel=4)
        return
    arrays = _read_subset(reader, group, "optimizer_weights")
    if not optimizer.built and len(arrays) > len(state.optimizer_variables(optimizer)):
        optimizer.build(model.trainable_variables)
    variables = state.optimizer_variables(optimizer)
    shapes_fit = len(arrays) == len(variables) and all(
        tuple(a.shape) == tuple(v.shape) for a, v in zip(arrays, variables))
    if not shapes_fit:
        warnings.warn(
            f"Could not load the saved optimizer state: optimizer '{optimizer.name}' has "
            f"{len(variables)} variables {[tuple(v.shape) for v in variables][:6]} but the "
            f"file holds {len(arrays)} {[tuple(a.shape) for a in arrays][:6]}. The model "
            "starts with a freshly initialized optimizer.", KerasliteWarning, stacklevel=4)
        return
    state.assign_checked(model, [(f"optimizer '{optimizer.name}'", variables, arrays)])


def _read_subset(reader: h5_store.H5Reader, group: Any, where: str) -> list:
    """The datasets named by ``group``'s ``weight_names``, in that order."""
    arrays = []
    for weight in read_names(group, "weight_names"):
        parent, _, leaf = weight.rpartition("/")
        holder = reader.group(f"{where}/{parent}") if parent else group
        if holder is None:
            raise ValueError(f"Invalid legacy .h5 file: weight '{where}/{weight}' is missing.")
        arrays.append(reader.dataset(holder, leaf, f"{where}/{weight}"))
    return arrays


def load_legacy_weights(model: Any, reader: h5_store.H5Reader, skip_mismatch: bool) -> None:
    """Load ``model_weights`` (or a root of layer groups) into the layers that have weights."""
    base = "model_weights" if "model_weights" in reader.file else ""
    group = reader.group(base)
    stored = []
    for name in read_names(group, "layer_names"):
        where = f"{base}/{name}" if base else name
        layer_group = reader.group(where)
        if layer_group is None:
            raise ValueError(f"Invalid legacy .h5 file: layer group {name!r} is missing.")
        arrays = _read_subset(reader, layer_group, where)
        if arrays:
            stored.append((name, arrays))
    layers = [layer for layer in model.layers if legacy_weights(layer)]
    if len(layers) != len(stored):
        raise ValueError(
            f"The legacy .h5 file holds weights for {len(stored)} layers "
            f"({[n for n, _ in stored]}) but model '{model.name}' has {len(layers)} layers with "
            f"weights ({[layer.name for layer in layers]})."
        )
    groups = [(f"layer '{layer.name}' (file: '{name}')", legacy_weights(layer), arrays)
              for layer, (name, arrays) in zip(layers, stored)]
    top_where = f"{base}/top_level_model_weights" if base else "top_level_model_weights"
    top = reader.group(top_where)
    if top is not None:
        arrays = _read_subset(reader, top, top_where)
        own = model._own_variables
        variables = [v for v in own if v.trainable] + [v for v in own if not v.trainable]
        if arrays or variables:
            groups.append((f"the top-level weights of model '{model.name}'", variables, arrays))
    state.assign_checked(model, groups, skip_mismatch)
