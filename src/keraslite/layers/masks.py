"""Keras' masking protocol: which time steps of a sequence count, carried alongside the data.

A mask is a boolean array of shape ``(batch, time)`` (True: the step is real, False: padding).
It travels as an attribute of the Tensor it describes, ``tensor._keras_mask``, as in Keras 3:

1. A layer that *makes* a mask (``Embedding(mask_zero=True)``, ``Masking``) overrides
   ``compute_mask(inputs, mask=None)`` and returns it; ``Layer.__call__`` attaches the result
   to the layer's output.
2. A layer whose ``call`` has a ``mask`` parameter receives the mask of its first input (unless
   the caller passes ``mask=`` explicitly). RNNs skip masked steps with it.
3. A layer with ``supports_masking = True`` passes the mask on: ``compute_mask`` returns the
   previous mask by default (``Dense``, ``Dropout``, activations ...). A layer that changes the
   time axis overrides ``compute_mask`` (an RNN without ``return_sequences`` returns None).
4. A layer without ``supports_masking`` that receives a masked input warns once that the mask
   stops there (``Flatten`` after ``Embedding(mask_zero=True)``).
5. Losses and metrics read the mask of ``y_pred`` and fold it into the sample weights: masked
   steps count for nothing, and ``sum_over_batch_size`` averages over the kept steps only.

The same holds for users' own layers: set ``self.supports_masking = True`` to pass masks
through, add a ``mask=None`` argument to ``call`` to receive them, or override
``compute_mask`` to make or change them.
"""

from __future__ import annotations

import warnings
from typing import Any

from keraslite.autodiff import recording
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import xp
from keraslite.layers.symbolic import KerasTensor


def get_mask(x: Any) -> Any:
    """The mask attached to ``x`` (a Tensor or a symbolic tensor), or None."""
    return getattr(x, "_keras_mask", None)


def set_mask(x: Any, mask: Any) -> None:
    """Attach ``mask`` to ``x`` (ignored for objects that cannot carry one, e.g. arrays)."""
    if mask is not None and not isinstance(mask, Tensor) and not hasattr(mask, "_keras_symbolic"):
        mask = Tensor(xp.asarray(mask).astype(bool, copy=False))
    try:
        x._keras_mask = mask
    except AttributeError:
        pass


def input_mask(inputs: Any) -> Any:
    """The mask(s) of a layer's first argument: one mask, a list of masks, or None."""
    if isinstance(inputs, (list, tuple)):
        masks = [input_mask(x) for x in inputs]
        return masks if any(m is not None for m in masks) else None
    return getattr(inputs, "_keras_mask", None)


def _leaves(structure: Any) -> list:
    if isinstance(structure, (list, tuple)):
        return [leaf for s in structure for leaf in _leaves(s)]
    if isinstance(structure, dict):
        return [leaf for s in structure.values() for leaf in _leaves(s)]
    return [structure]


def attach_output_masks(layer: Any, inputs: Any, outputs: Any, previous_mask: Any) -> None:
    """Step 1/3/4 of the protocol, run by ``Layer.__call__`` after ``call``."""
    if not layer.supports_masking:
        if previous_mask is not None and not layer.__dict__.get("_mask_warned"):
            layer.__dict__["_mask_warned"] = True
            warnings.warn(
                f"Layer '{layer.name}' (of type {type(layer).__name__}) was passed an input "
                "with a mask attached to it. However, this layer does not support masking and "
                "will therefore destroy the mask information. Downstream layers will not see "
                "the mask.", UserWarning, stacklevel=3)
        return
    flat = _leaves(outputs)
    if all(get_mask(t) is not None for t in flat):
        return
    masks = layer.compute_mask(inputs, previous_mask)
    if masks is None:
        return
    flat_masks = _leaves(masks) if isinstance(masks, (list, tuple)) else [masks] * len(flat)
    for t, m in zip(flat, flat_masks):
        if m is not None and get_mask(t) is None:
            set_mask(t, m)


def combine_masks(masks: list) -> Any:
    """The element-wise AND of the masks given (None entries ignored); None if all are None."""
    arrays = [xp.asarray(getattr(m, "value", m)).astype(bool) for m in masks if m is not None]
    if not arrays:
        return None
    out = arrays[0]
    for a in arrays[1:]:
        out = out & a
    return Tensor(out)


def mask_as_weight(mask: Any, sample_weight: Any, dtype: Any) -> Any:
    """Keras' ``apply_mask`` with reduction "sum": the sample weights times the mask.

    Args:
        mask: booleans of shape ``(batch, time)`` (or ``(batch,)``), or None.
        sample_weight: weights of shape ``(batch,)``, ``(batch, 1)`` or ``(batch, time)``, or
            None.
        dtype: the float dtype of the result.

    Returns:
        w = sample_weight · mask (broadcast over trailing axes), or ``sample_weight`` as given
        when there is no mask.
    """
    if mask is None:
        return sample_weight
    m = xp.asarray(getattr(mask, "value", mask)).astype(dtype)
    if sample_weight is None:
        return m
    w = xp.asarray(getattr(sample_weight, "value", sample_weight)).astype(dtype, copy=False)
    while w.ndim > m.ndim and w.shape[-1] == 1:
        w = w[..., 0]
    while w.ndim < m.ndim:
        w = w[..., None]
    return w * m


def attach_symbolic_masks(layer: Any, inputs: Any, outputs: Any) -> None:
    """The protocol on symbolic tensors: the outputs of a graph call get symbolic masks.

    The masks' shapes come from ``compute_mask`` run on zeros (under no recording); Functional
    models replay real calls, which compute the real masks.
    """
    from keraslite.layers.base import Layer

    previous = input_mask(inputs)
    if not layer.supports_masking or (
            previous is None and type(layer).compute_mask is Layer.compute_mask):
        return

    def dummy(t: Any, dtype: Any = None) -> Any:
        if isinstance(t, KerasTensor):
            return Tensor(xp.zeros(tuple(1 if d is None else d for d in t.shape),
                                   dtype or t.dtype))
        return t

    real_inputs = [dummy(t) for t in inputs] if isinstance(inputs, (list, tuple)) else \
        dummy(inputs)
    real_prev = previous
    if previous is not None:
        real_prev = [None if m is None else Tensor(xp.ones(dummy(m).shape, bool))
                     for m in previous] if isinstance(previous, list) else \
            Tensor(xp.ones(dummy(previous).shape, bool))
    try:
        with recording(False):
            masks = layer.compute_mask(real_inputs, real_prev)
    except Exception:  # a user's compute_mask that needs real values: masks come at run time
        return
    if masks is None:
        return
    flat = _leaves(outputs)
    flat_masks = _leaves(masks) if isinstance(masks, (list, tuple)) else [masks] * len(flat)
    for t, m in zip(flat, flat_masks):
        if m is not None and isinstance(t, KerasTensor):
            # the dummy's 1 stands for an unknown size: keep None where the output has None
            dims = tuple(xp.shape(getattr(m, "value", m)))[1:]
            shape = (None,) + tuple(None if i < len(t.shape) and t.shape[i] is None else d
                                    for i, d in enumerate(dims, start=1))
            t._keras_mask = KerasTensor(shape, dtype="bool")
