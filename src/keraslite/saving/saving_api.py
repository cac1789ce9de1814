"""``save_model``, ``load_model``, ``save_weights``, ``load_weights``: the file-level API.

Every write to a path is atomic (see :mod:`keraslite.saving.atomic`); every read checks the
file before building anything (see :mod:`~keraslite.saving.archive`,
:mod:`~keraslite.saving.h5_store` and :mod:`~keraslite.saving.resolve`).
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Any

from keraslite.naming import KerasliteDeprecationWarning
from keraslite.saving import archive, assets, h5_store, legacy_h5, registry, state
from keraslite.saving.atomic import atomic_write
from keraslite.saving.serialization import deserialize_keras_object, serialize_keras_object

_LEGACY_SUFFIXES = legacy_h5.SUFFIXES


def _path(filepath: Any) -> str | None:
    """The path as a string, or None for a file object."""
    if hasattr(filepath, "read") or hasattr(filepath, "write"):
        return None
    return os.fspath(filepath)


def _require_file(path: str | None, what: str) -> None:
    """Say plainly that a file to load is missing (rather than that it is not valid)."""
    if path is not None and not os.path.exists(path):
        raise FileNotFoundError(
            f"File not found: filepath={path}. There is no {what} at "
            f"{os.path.abspath(path)}; check the path and the working directory "
            f"({os.getcwd()}), or save the file first.")


def save_model(model: Any, filepath: Any, overwrite: bool = True, zipped: bool | None = None,
               **kwargs: Any) -> None:
    """Save ``model`` (architecture, weights, compile settings, optimizer state).

    A ``.keras`` path (or a file object) gets Keras 3's format; a ``.h5``/``.hdf5`` path gets
    the legacy HDF5 format, as Keras 3 writes it (with a :class:`LegacyFormatWarning`). Both
    load in keraslite and in Keras 3 (``keras.saving.load_model``). Writing to a path is
    atomic: if the process dies midway, the previous file is intact.

    Args:
        model: the model.
        filepath: a path ending in ``.keras`` (or the legacy ``.h5``/``.hdf5``), or a writable
            binary file object.
        overwrite: replace an existing file (otherwise raise ``FileExistsError``).
        zipped: only ``True``/``None`` (the zipped ``.keras`` format) is supported.
        **kwargs: ``include_optimizer`` (legacy ``.h5`` only: ``False`` leaves out the compile
            settings and optimizer state) and ``save_format`` (deprecated in Keras 3, accepted
            only with a path whose extension names the format).

    """
    include_optimizer = kwargs.pop("include_optimizer", True)
    save_format = kwargs.pop("save_format", None)
    if kwargs:
        raise TypeError(
            f"save() got unexpected arguments {sorted(kwargs)}. It takes filepath, overwrite, "
            f"zipped, include_optimizer and save_format. Received: {sorted(kwargs)}"
        )
    if zipped is False:
        raise ValueError("keraslite saves only the zipped `.keras` format. Received: zipped=False")
    path = _path(filepath)
    if save_format:
        _check_save_format(save_format, path)
    if path is not None:
        if not path.endswith((".keras",) + _LEGACY_SUFFIXES):
            raise ValueError(
                "Invalid `filepath` argument: expected a `.keras` extension, e.g. "
                "model.save('model.keras') (or the legacy `.h5`). Received: "
                f"filepath={path!r}"
            )
        _check_overwrite(path, overwrite)
    h5_store.require_h5py()
    if not model.built:
        raise ValueError(
            f"Model '{model.name}' has not been built, so it has no weights to save yet. Call it "
            "on data, fit it, or call model.build(input_shape) first."
        )
    if path is not None and path.endswith(_LEGACY_SUFFIXES):
        warnings.warn(legacy_h5.LEGACY_FORMAT_NOTE, legacy_h5.LegacyFormatWarning, stacklevel=3)
        legacy_h5.save_legacy_model(model, path, include_optimizer=bool(include_optimizer))
        return
    config_json = json.dumps(serialize_keras_object(model))
    weights = h5_store.h5_bytes(state.collect(model))
    files = assets.collect_assets(model)
    if path is None:
        archive.write_archive(filepath, config_json, weights, files)
        return
    with atomic_write(path) as f:
        archive.write_archive(f, config_json, weights, files)


def _check_save_format(save_format: Any, path: str | None) -> None:
    """Keras 3 accepts ``save_format`` only where the path's extension already says it."""
    if path is not None and path.endswith((".keras",) + _LEGACY_SUFFIXES):
        warnings.warn(
            "The `save_format` argument is deprecated in Keras 3. We recommend removing this "
            "argument as it can be inferred from the file path. Received: "
            f"save_format={save_format}", KerasliteDeprecationWarning, stacklevel=4)
        return
    raise ValueError(
        "The `save_format` argument is deprecated in Keras 3. Please remove this argument and "
        "pass a file path with either `.keras` or `.h5` extension, e.g. "
        f"model.save('model.keras'). Received: save_format={save_format!r}, "
        f"filepath={path!r}"
    )


def _check_overwrite(path: str, overwrite: bool) -> None:
    if not overwrite and os.path.exists(path):
        raise FileExistsError(
            f"{path!r} already exists and overwrite=False. Pass overwrite=True to replace it. "
            f"Received: filepath={path!r}"
        )


def load_model(filepath: Any, custom_objects: dict | None = None, compile: bool = True,
               safe_mode: bool = True) -> Any:
    """Load a model saved as ``.keras`` or in the legacy HDF5 format (``.h5``), by keraslite,
    Keras 3 or Keras 2.

    Args:
        filepath: a path, or a readable binary file object.
        custom_objects: ``{name: class_or_function}`` for custom layers, losses, ...
        compile: also restore the compile settings and the optimizer state.
        safe_mode: refuse anything that would run code stored in the file (lambdas,
            ``Lambda`` layers). Only the caller can turn this off; nothing in the file can.

    Returns:
        The model, with its weights (and, with ``compile``, ready to continue training).

    Raises:
        FileNotFoundError: there is no file at ``filepath``.
        ValueError: the file is not a valid model file, or holds something refused.
        TypeError: the file names a class or function keraslite does not know (pass it in
            ``custom_objects``).

    """
    path = _path(filepath)
    if path is not None and (path.endswith(_LEGACY_SUFFIXES) or path.endswith(".keras")):
        _require_file(path, "model file")
    if path is not None and path.endswith(_LEGACY_SUFFIXES):
        return legacy_h5.load_legacy_model(path, custom_objects, compile, safe_mode)
    if path is not None and not path.endswith(".keras"):
        raise ValueError(
            "Invalid filename: expected a `.keras` extension (or a legacy `.h5`). Use "
            "model.load_weights() for `.weights.h5` files. Received: "
            f"filepath={path!r}"
        )
    h5_store.require_h5py()
    members = archive.read_archive(filepath if path is None else path, want_assets=True)
    config = archive.parse_json(members[archive.CONFIG], archive.CONFIG)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("This is not a valid .keras file: config.json does not describe a "
                         "model (no `class_name`).")
    if not compile:
        config = {k: v for k, v in config.items() if k != "compile_config"}
    model = deserialize_keras_object(config, custom_objects=custom_objects,
                                     safe_mode=safe_mode, kind="models")
    if not registry.is_layer(model):
        raise ValueError(f"config.json describes a {type(model).__name__}, not a model.")
    with h5_store.H5Reader(members[archive.WEIGHTS], "model.weights.h5") as reader:
        state.load_into(model, reader)
    assets.load_assets(model, members)
    return model


def save_weights(model: Any, filepath: Any, overwrite: bool = True) -> None:
    """Save the weights (and the optimizer state) to a ``.weights.h5`` file, atomically."""
    path = _path(filepath)
    if path is not None:
        if not path.endswith(".weights.h5"):
            raise ValueError(
                "The filename must end in `.weights.h5`, e.g. "
                f"model.save_weights('model.weights.h5'). Received: filepath={path!r}"
            )
        _check_overwrite(path, overwrite)
    if not model.built:
        raise ValueError(
            f"You are saving weights of model '{model.name}', which has not been built and so "
            "has no weights yet. Build it first (call it on data or use build())."
        )
    write_weights(model, filepath)


def write_weights(model: Any, filepath: Any, attrs: dict | None = None) -> None:
    """Write the weights file (atomically for a path), with optional root attributes."""
    h5_store.require_h5py()
    import io

    buffer = io.BytesIO()
    h5_store.write_h5(buffer, state.collect(model), attrs)
    path = _path(filepath)
    if path is None:
        filepath.write(buffer.getvalue())
        return
    with atomic_write(path) as f:
        f.write(buffer.getvalue())


def load_weights(model: Any, filepath: Any, skip_mismatch: bool = False) -> dict:
    """Load weights saved by ``save_weights`` (or from a ``.keras`` / legacy ``.h5`` file).

    Every stored array is checked against the model (count and shape) before any weight is
    written, so a file that does not fit leaves the model unchanged.

    Returns:
        The file's root attributes (empty for most files).

    """
    path = _path(filepath)
    if not model.built:
        raise ValueError(
            f"You are loading weights into model '{model.name}', which has not been built yet. "
            "Build it first (call it on data or use build(input_shape)), so that its weights "
            "exist."
        )
    _require_file(path, "weights file")
    h5_store.require_h5py()
    if path is not None and path.endswith(".keras"):
        members = archive.read_archive(path, want_config=False)
        source: Any = members[archive.WEIGHTS]
    else:
        source = filepath
    with h5_store.H5Reader(source, "weights file") as reader:
        if "layer_names" in reader.file.attrs or "layer_names0" in reader.file.attrs \
                or "model_weights" in reader.file:
            legacy_h5.load_legacy_weights(model, reader, skip_mismatch)
            return {}
        state.load_into(model, reader, skip_mismatch=skip_mismatch)
        return reader.attrs
