"""``Lambda`` (wraps a Python function as a layer) and ``Identity`` (returns its input).

A ``Lambda`` layer holds arbitrary Python code, so loading one from a file would run code from
that file: :mod:`keraslite.saving` refuses it unless the caller passes ``safe_mode=False``
(``Lambda._unsafe_deserialization`` marks the class for it). Prefer a ``Layer`` subclass with
``get_config`` for anything that must be saved and shared.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from keraslite.autodiff import recording
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import xp
from keraslite.layers.base import Layer
from keraslite.layers.shape_inference import (
    ShapeInferenceMixin,
    is_shape,
    map_shapes,
    output_dtype,
)
from keraslite.layers.symbolic import KerasTensor, flatten, map_structure


def _parameters(fn: Callable) -> set:
    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):  # some builtins have no signature
        return set()


class Lambda(Layer):
    """Wraps a function of tensors as a layer, for quick experiments in Sequential and
    Functional models.

    The function should compute with :mod:`keraslite.ops` (or the Tensor operators) so that
    gradients flow through it. Saving a model with a ``Lambda`` stores the function as Python
    bytecode (a named function by its name); such a file only loads with
    ``safe_mode=False``, in the same Python version. Subclass ``Layer`` for anything that must
    be saved and shared.

    Args:
        function: the function to apply; it takes the layer's input as first argument (and
            ``training`` / ``mask`` if its signature names them).
        output_shape: the output shape, when it cannot be inferred by running the function:
            a tuple without the batch axis, or a function of the full input shape.
        mask: None, a function ``(inputs, mask) -> mask``, or a fixed mask.
        arguments: a dict of extra keyword arguments passed to the function.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Example:
        >>> square = keraslite.layers.Lambda(lambda x: x ** 2)

    """

    # Rebuilding a Lambda from a file runs code stored in it: refused in safe mode.
    _unsafe_deserialization = True

    def __init__(self, function: Callable, output_shape: Any = None, mask: Any = None,
                 arguments: dict | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(
                "The first argument of Lambda must be a function of the layer's input, e.g. "
                f"Lambda(lambda x: x * 2). Received: function={function!r}"
            )
        if arguments is not None and not isinstance(arguments, dict):
            raise TypeError(
                "`arguments` must be a dict of keyword arguments for the function. "
                f"Received: arguments={arguments!r}"
            )
        if isinstance(output_shape, list):
            output_shape = tuple(output_shape)
        self.function = function
        self.arguments = dict(arguments or {})
        self.output_shape_arg = output_shape
        self.mask = mask
        self.supports_masking = mask is not None
        params = _parameters(function)
        self._fn_expects_training_arg = "training" in params
        self._fn_expects_mask_arg = "mask" in params
        self.built = True

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None) -> Any:
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The output mask: ``mask(inputs, mask)`` if ``mask`` is a function, else ``mask``."""
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_shape(self, input_shape: Any) -> Any:
        given = self.output_shape_arg
        leaves = flatten(input_shape)
        batch = leaves[0] if leaves else None
        if given is None:
            try:
                return self._run_on_zeros(input_shape, batch)
            except Exception as error:
                raise NotImplementedError(self._cannot_infer(error)) from error
        if callable(given):
            return given(input_shape)
        if is_shape(given):
            return (batch,) + given
        return map_structure(lambda s: (batch,) + tuple(s), given)

    def _run_on_zeros(self, input_shape: Any, batch: Any) -> Any:
        """Output shapes found by calling the function on zeros (unknown sizes taken as 1)."""
        def zeros(shape: tuple) -> Tensor:
            return Tensor(xp.zeros(tuple(1 if d is None else d for d in shape), self.dtype))

        with recording(False):
            out = self.call(map_shapes(zeros, input_shape), training=False)
        return map_structure(lambda t: (batch,) + tuple(t.shape[1:]), out)

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        if self.output_shape_arg is None:
            try:
                return super().compute_output_spec(*args, **kwargs)
            except Exception as error:
                raise NotImplementedError(self._cannot_infer(error)) from error
        return ShapeInferenceMixin.compute_output_spec(self, *args, **kwargs)

    def _cannot_infer(self, error: Exception) -> str:
        return (
            f"Could not infer the output shape of Lambda layer '{self.name}' by running its "
            f"function on placeholder zeros ({type(error).__name__}: {error}). Pass "
            "`output_shape=` (a tuple without the batch axis, or a function of the input "
            "shape) to the Lambda layer."
        )

    def get_config(self) -> dict:
        """The function itself (saving stores a lambda as bytecode, a named function by its
        registered name), ``arguments``, and ``output_shape`` / ``mask`` when given.
        """
        config = {**super().get_config(), "function": self.function,
                  "arguments": dict(self.arguments)}
        if self.output_shape_arg is not None:
            config["output_shape"] = self.output_shape_arg
        if self.mask is not None:
            config["mask"] = self.mask
        return config

    @classmethod
    def from_config(cls, config: dict) -> Lambda:
        """Rebuild from :meth:`get_config`; ``function`` must already be a Python function.

        Functions stored in a file (bytecode) are turned back into functions only by
        :func:`keraslite.saving.load_model` / ``deserialize_keras_object`` with
        ``safe_mode=False``; a config still holding one is refused here.
        """
        config = dict(config)
        for key in ("function", "output_shape"):
            value = config.get(key)
            if isinstance(value, dict) and "class_name" in value:
                raise ValueError(
                    f"Lambda.from_config received a serialized `{key}` "
                    f"({value.get('class_name')!r}): rebuilding it would run code from the "
                    "config. Load the model with keraslite.saving.load_model(path, "
                    "safe_mode=False) if you trust the file, or rebuild the layer in code. "
                    f"Received: {key}={{'class_name': {value.get('class_name')!r}, ...}}"
                )
        return cls(**config)


class Identity(ShapeInferenceMixin, Layer):
    """Returns its input unchanged: a placeholder where no operation is to be performed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        return map_structure(lambda t: KerasTensor(t.shape, dtype=output_dtype(self, t.dtype))
                             if isinstance(t, KerasTensor) else t, inputs)
