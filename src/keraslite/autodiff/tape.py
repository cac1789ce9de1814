"""``GradientTape``: record a computation, then ask for its gradients (as in TensorFlow/Keras)."""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.graph import _RECORDING, backward, recording
from keraslite.autodiff.tensor import Tensor
from keraslite.naming import KerasliteWarning


class GradientTape:
    """Records the ops run inside its ``with`` block so their gradients can be computed.

    Trainable variables are watched automatically; call :meth:`watch` for other tensors.

    Example:
        >>> with GradientTape() as tape:
        ...     loss = loss_fn(y, model(x, training=True))
        >>> grads = tape.gradient(loss, model.trainable_variables)

    Args:
        persistent: allow several ``gradient`` calls on the same tape.
        watch_accessed_variables: accepted for TensorFlow compatibility; trainable variables are
            always watched.

    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self.persistent = persistent
        self._used = False
        self._saved = 0
        self._active = False

    def __enter__(self) -> GradientTape:
        self._saved = _RECORDING[0]
        _RECORDING[0] = self._saved + 1
        self._active = True
        return self

    def __exit__(self, *exc) -> None:
        _RECORDING[0] = self._saved
        self._active = False

    def stop_recording(self) -> Any:
        """A context in which ops are not recorded (their results are constants)."""
        return recording(False)

    def watch(self, tensor: Any) -> None:
        """Mark ``tensor`` (a Tensor or a nested list of them) as needing gradients."""
        if isinstance(tensor, (list, tuple)):
            for t in tensor:
                self.watch(t)
            return
        if not isinstance(tensor, Tensor):
            raise TypeError(
                "GradientTape.watch() expects a keraslite Tensor or Variable; convert arrays "
                "first with keraslite.ops.convert_to_tensor(x). "
                f"Received: type={type(tensor).__name__}"
            )
        tensor.requires_grad = True

    def gradient(self, target: Any, sources: Any, output_gradients: Any = None) -> Any:
        """Return the gradient of ``target`` with respect to ``sources``.

        ``sources`` may be one tensor, or a list/tuple/dict of them; the result has the same
        structure, with ``None`` for a source that ``target`` does not depend on. A list of
        targets gives the gradient of their sum (with ``output_gradients`` a list, one each).
        """
        if self._used and not self.persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only compute gradients once. Create the "
                "tape with GradientTape(persistent=True) to call gradient() several times."
            )
        self._used = True
        if (self._saved if self._active else _RECORDING[0]) > 0:  # an enclosing tape records
            import warnings

            warnings.warn(
                "GradientTape.gradient() was called while another GradientTape is recording. "
                "keraslite computes first-order gradients only: to the enclosing tape the "
                "gradient returned here is a constant, so a gradient of it (a gradient "
                "penalty, a Hessian) will be None.", KerasliteWarning, stacklevel=2)
        many = isinstance(target, (list, tuple))
        targets = list(target) if many else [target]
        seeds = list(output_gradients) if many and isinstance(output_gradients, (list, tuple)) \
            else [output_gradients] * len(targets)
        flat, rebuild = _flatten(sources)
        total: list = [None] * len(flat)
        for t, seed in zip(targets, seeds):
            if not isinstance(t, Tensor):
                raise TypeError(
                    "GradientTape.gradient() expects `target` to be a Tensor computed inside the "
                    f"tape. Received: type={type(t).__name__}"
                )
            grads = backward(t, flat, seed)
            total = [g if acc is None else acc if g is None else acc + g
                     for acc, g in zip(total, grads)]
        return rebuild([None if g is None else Tensor(g) for g in total])


def _flatten(structure):
    if isinstance(structure, dict):
        keys = list(structure)
        return [structure[k] for k in keys], lambda v: dict(zip(keys, v))
    if isinstance(structure, (list, tuple)):
        kind = type(structure)
        return list(structure), lambda v: kind(v) if kind in (list, tuple) else list(v)
    return [structure], lambda v: v[0]
