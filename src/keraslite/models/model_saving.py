"""Saving methods of a Model: ``save``, ``save_weights``, ``load_weights``, ``to_json``, and the
build and compile configs that a ``.keras`` file records.

The file formats live in :mod:`keraslite.saving` (imported when a method is called, so that
``import keraslite`` stays light and the models floor does not depend on the saving floor).
"""

from __future__ import annotations

import json
from typing import Any

from keraslite.models.functional_config import functional_from_config

# The arguments of ``compile`` that a compile config may carry.
_COMPILE_KEYS = ("optimizer", "loss", "loss_weights", "metrics", "weighted_metrics",
                 "run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss")


class ModelSaving:
    """Mixed into :class:`~keraslite.Model`."""

    # A weights file lists a Sequential's or Functional's layers before its other attributes.
    _saving_layers_first = False

    def _saving_attributes(self) -> dict[str, Any]:
        """What :mod:`keraslite.saving` walks besides the attributes: the layers and, when
        compiled, the optimizer (as ``layers`` and ``optimizer`` in Keras' files).
        """
        attrs: dict[str, Any] = {"layers": self.layers}
        if getattr(self, "optimizer", None) is not None:
            attrs["optimizer"] = self.optimizer
        return attrs

    def save(self, filepath: Any, overwrite: bool = True, zipped: bool | None = None,
             **kwargs: Any) -> None:
        """Save the whole model (architecture, weights, compile settings, optimizer state) as a
        ``.keras`` file that both keraslite and Keras 3 load.

        The write is atomic: a crash or kill during ``save`` leaves the previous file intact.

        Args:
            filepath: a path ending in ``.keras`` (or a writable binary file object).
            overwrite: replace an existing file (default) or raise ``FileExistsError``.

        """
        from keraslite.saving.saving_api import save_model

        save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath: Any, overwrite: bool = True) -> None:
        """Save the weights (and optimizer state) to a ``.weights.h5`` file, atomically."""
        from keraslite.saving.saving_api import save_weights

        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: Any, skip_mismatch: bool = False, **kwargs: Any) -> None:
        """Load weights from ``.weights.h5``, ``.keras`` or a legacy Keras 2 ``.h5`` file.

        Every array is checked against the model before any weight changes; a file that does
        not fit raises ``ValueError`` and leaves the model as it was (with ``skip_mismatch``,
        the layers that fit are loaded and the rest are reported in a warning).
        """
        if kwargs:
            raise TypeError(f"load_weights() got unexpected arguments {sorted(kwargs)}.")
        from keraslite.saving.saving_api import load_weights

        load_weights(self, filepath, skip_mismatch=skip_mismatch)

    def to_json(self, **kwargs: Any) -> str:
        """The model's architecture (and compile settings) as a JSON string, without weights.

        ``keraslite.models.model_from_json`` rebuilds the model from it.
        """
        from keraslite.saving.serialization import serialize_keras_object

        return json.dumps(serialize_keras_object(self), **kwargs)

    # -- configs recorded in a .keras file ---------------------------------------------
    def get_build_config(self) -> dict | None:
        """The input shape the model was built for (None when not built)."""
        shapes = getattr(self, "_build_shapes", None)
        if not self.built or shapes is None:
            return None
        return {"input_shape": _unbatched(shapes)}

    def build_from_config(self, config: dict) -> None:
        """Build the model for the input shape recorded by :meth:`get_build_config`."""
        from keraslite.saving.serialization import to_shape

        shape = config.get("input_shape") if isinstance(config, dict) else None
        if shape is not None and not self.built:
            self.build(to_shape(shape))

    def export(self, filepath: Any, format: str = "tf_saved_model", verbose: bool | None = None,
               input_signature: Any = None, **kwargs: Any) -> None:
        """Export the model for inference: ``model.export("model.onnx", format="onnx")``.

        keraslite writes ONNX (needs ``pip install "keraslite[onnx]"``); see
        :func:`keraslite.export.export_model`. ``opset_version=`` picks the ONNX opset.
        """
        from keraslite.export import export_model

        export_model(self, filepath, format=format, verbose=verbose,
                     input_signature=input_signature, **kwargs)

    def get_compile_config(self) -> dict | None:
        """The arguments ``compile`` was called with (None when not compiled)."""
        if not getattr(self, "compiled", False) or self.optimizer is None:
            return None
        loss, loss_weights, metrics, weighted = self._compile_args
        return {"optimizer": self.optimizer, "loss": loss, "loss_weights": loss_weights,
                "metrics": metrics, "weighted_metrics": weighted,
                "run_eagerly": bool(getattr(self, "run_eagerly", False)),
                "steps_per_execution": 1, "jit_compile": "auto"}

    def compile_from_config(self, config: dict) -> None:
        """Compile with a recorded compile config.

        The optimizer's slots are created later, when saved optimizer state is loaded.
        """
        from keraslite.saving.serialization import deserialize_keras_object

        config = deserialize_keras_object(config, kind="optimizers")
        if not isinstance(config, dict):
            raise ValueError(f"Invalid compile config. Received: {type(config).__name__}")
        self.compile(**{k: config[k] for k in _COMPILE_KEYS if k in config})

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Any:
        """Rebuild a model from :meth:`get_config` (a Functional graph or constructor args)."""
        if isinstance(config, dict) and "layers" in config and "input_layers" in config:
            return functional_from_config(cls, dict(config), custom_objects)
        try:
            return cls(**config)
        except TypeError as error:
            raise TypeError(
                f"Could not rebuild {cls.__name__} from its config: {error}. A subclassed "
                "model whose __init__ takes arguments must return them from `get_config()` "
                "(and accept **kwargs for `name` and `trainable`). Received: config keys "
                f"{sorted(config)}"
            ) from None


def _unbatched(shapes: Any) -> Any:
    if isinstance(shapes, tuple) and all(d is None or isinstance(d, int) for d in shapes):
        return (None,) + tuple(shapes[1:]) if shapes else shapes
    if isinstance(shapes, (list, tuple)):
        return [_unbatched(s) for s in shapes]
    return shapes
