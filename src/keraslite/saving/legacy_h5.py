"""Reading the legacy single-file HDF5 format of Keras 2 (``model.save("m.h5")``).

The file holds the model config as JSON in the root attribute ``model_config``, the compile
settings in ``training_config``, and each layer's weights under ``model_weights/<layer>`` in
the order listed by the ``weight_names`` attribute. Layers are matched to the model's layers
that have weights, in order, as Keras 2 did. Optimizer state is not restored from this
format (training continues with a fresh optimizer).
"""

from __future__ import annotations

from typing import Any

from keraslite.saving import h5_store, state
from keraslite.saving.archive import parse_json
from keraslite.saving.serialization import deserialize_keras_object


def load_legacy_model(path: str, custom_objects: dict | None, compile: bool,
                      safe_mode: bool) -> Any:
    """A model from a Keras 2 ``.h5`` file (see the module docstring)."""
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


def load_legacy_weights(model: Any, reader: h5_store.H5Reader, skip_mismatch: bool) -> None:
    """Load ``model_weights`` (or a root of layer groups) into the layers that have weights."""
    base = "model_weights" if "model_weights" in reader.file else ""
    group = reader.group(base)
    names = [str(n) for n in h5_store._attr(group.attrs.get("layer_names", []))]
    stored = []
    for name in names:
        layer_group = reader.group(f"{base}/{name}" if base else name)
        if layer_group is None:
            raise ValueError(f"Invalid legacy .h5 file: layer group {name!r} is missing.")
        weight_names = [str(w) for w in h5_store._attr(layer_group.attrs.get("weight_names", []))]
        if weight_names:
            arrays = []
            for weight in weight_names:
                parent, _, leaf = weight.rpartition("/")
                holder = reader.group(f"{base}/{name}/{parent}".strip("/")) if parent \
                    else layer_group
                if holder is None:
                    raise ValueError(f"Invalid legacy .h5 file: weight {weight!r} is missing.")
                arrays.append(reader.dataset(holder, leaf, f"{name}/{weight}"))
            stored.append((name, arrays))
    layers = [layer for layer in model.layers if layer.weights]
    if len(layers) != len(stored):
        raise ValueError(
            f"The legacy .h5 file holds weights for {len(stored)} layers "
            f"({[n for n, _ in stored]}) but model '{model.name}' has {len(layers)} layers with "
            f"weights ({[layer.name for layer in layers]})."
        )
    groups = [(f"layer '{layer.name}' (file: '{name}')",
               layer.trainable_weights + layer.non_trainable_weights, arrays)
              for layer, (name, arrays) in zip(layers, stored)]
    state.assign_checked(model, groups, skip_mismatch)
