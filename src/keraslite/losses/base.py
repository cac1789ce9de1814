"""The loss base: weighting and reducing per-sample values, :class:`Loss` and its function wrapper.

A loss function maps ``(y_true, y_pred)`` to per-sample values l_i (one per sample, or per
sample and time step). A :class:`Loss` object then weights and reduces them. With sample weights
w_i (1 when absent) and n loss values:

- ``"sum_over_batch_size"`` (default) and ``"mean"``:  L = Σ_i w_i l_i / n
- ``"sum"``:  L = Σ_i w_i l_i
- ``"mean_with_sample_weight"``:  L = Σ_i w_i l_i / Σ_i w_i  (0 when Σ_i w_i = 0)
- ``"none"`` or ``None``:  the weighted values w_i l_i, unreduced

as Keras 3 does (``keras/src/losses/loss.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp
from keraslite.naming import deprecated, to_snake_case
from keraslite.ops.core import value_of

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction: Any) -> str | None:
    """Return ``reduction`` if Keras 3 knows it, else raise a ValueError that lists the options.

    Keras 2's ``"auto"`` still works (as ``"sum_over_batch_size"``, with a deprecation note).
    """
    if reduction == "auto":
        deprecated("The loss reduction 'auto' is from Keras 2; Keras 3 calls it "
                   "'sum_over_batch_size'. Received: reduction='auto'")
        return "sum_over_batch_size"
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`: expected one of {REDUCTIONS}. "
            f"Received: reduction={reduction!r}"
        )
    return reduction


def match_ranks(y_true: Tensor, y_pred: Tensor) -> tuple[Tensor, Tensor]:
    """Make the ranks equal when they differ by one trailing axis of length 1 (as Keras does).

    The side with the extra length-1 axis is squeezed, unless the other side is 1-D, which is
    expanded instead: labels of shape ``(n,)`` against predictions of shape ``(n, 1)`` give two
    ``(n, 1)`` arrays, never an ``(n, n)`` broadcast.
    """
    t, p = y_true.ndim, y_pred.ndim
    if t == p + 1 and y_true.shape[-1] == 1:
        if p == 1:
            y_pred = ops.expand_dims(y_pred, -1)
        else:
            y_true = ops.squeeze(y_true, -1)
    elif p == t + 1 and y_pred.shape[-1] == 1:
        if t == 1:
            y_true = ops.expand_dims(y_true, -1)
        else:
            y_pred = ops.squeeze(y_pred, -1)
    return y_true, y_pred


# Keras' cross-entropies need targets shaped exactly like the outputs.
_SAME_SHAPE = {"binary_crossentropy", "categorical_crossentropy",
               "binary_focal_crossentropy", "categorical_focal_crossentropy"}


def check_shapes(fn: Callable, target: tuple, output: tuple) -> None:
    """Refuse targets that do not fit the outputs, with the fix, before NumPy broadcasts.

    Raises:
        ValueError: for a cross-entropy whose target and output shapes differ, or for any
            keraslite loss whose shapes cannot be broadcast together.
    """
    name = getattr(fn, "__name__", "")
    if not getattr(fn, "__module__", "").startswith("keraslite.") or \
            name.startswith("sparse_") or tuple(target) == tuple(output):
        return
    compatible = all(a == b or a == 1 or b == 1
                     for a, b in zip(reversed(target), reversed(output)))
    if name not in _SAME_SHAPE and compatible:
        return
    units, columns = output[-1] if output else 1, target[-1] if target else 1
    if name.startswith("binary") and units == 1 and columns > 1:
        hint = (f"The labels have {columns} columns (one-hot?) but the output is one unit: pass "
                "the 0/1 labels as one column, or end the model in Dense("
                f"{columns}, activation='softmax') with categorical_crossentropy.")
    elif len(target) == len(output):
        hint = (f"The output layer has {units} units but the labels have {columns} columns: "
                f"make the last layer Dense({columns}, ...) to match the labels"
                + (", or pass integer class labels with sparse_categorical_crossentropy."
                   if name.startswith("categorical") else "."))
    elif len(target) == len(output) - 1:
        hint = (f"The labels hold one value per sample but the output layer has {units} units: "
                "end the model in Dense(1, ...) for one target per sample"
                + (", or keep the units and use sparse_categorical_crossentropy for integer "
                   "class labels." if units > 1 and "crossentropy" in name else "."))
    else:
        hint = "Reshape the labels to the shape of the model's output."
    raise ValueError(
        f"Arguments `target` and `output` must have the same shape for {name}. {hint} "
        f"Received: target.shape={tuple(target)}, output.shape={tuple(output)}"
    )


def as_prediction(y_pred: Any) -> Tensor:
    """``y_pred`` as a float Tensor (integers become ``floatx()``); gradients flow through it."""
    y_pred = ops.convert_to_tensor(y_pred)
    if y_pred.dtype.kind != "f":
        y_pred = ops.cast(y_pred, floatx())
    return y_pred


def prepare(y_true: Any, y_pred: Any, same_rank: bool = True) -> tuple[Tensor, Tensor]:
    """Float predictions, targets as constants of the same dtype, ranks matched.

    Targets are constants of a loss: no gradient flows to ``y_true``.
    """
    y_pred = as_prediction(y_pred)
    y_true = ops.cast(ops.stop_gradient(y_true), y_pred.dtype)
    return match_ranks(y_true, y_pred) if same_rank else (y_true, y_pred)


def _and_masks(a: Any, b: Any) -> Any:
    a = xp.asarray(value_of(a)).astype(bool)
    while a.ndim > b.ndim and a.shape[-1] == 1:
        a = a[..., 0]
    return a & b


def _align(weight: Any, ndim: int) -> Any:
    """Drop trailing length-1 axes beyond ``ndim``, then add trailing ones up to ``ndim``."""
    while weight.ndim > ndim and weight.shape[-1] == 1:
        weight = weight[..., 0]
    while weight.ndim < ndim:
        weight = weight[..., None]
    return weight


def _fits(weight_shape: tuple, values_shape: tuple) -> bool:
    """Whether weights of ``weight_shape`` broadcast onto values without enlarging them."""
    if len(weight_shape) > len(values_shape):
        return False
    return all(w in (1, v) for w, v in zip(weight_shape[::-1], values_shape[::-1]))


def reduce_values(
    values: Any,
    sample_weight: Any = None,
    reduction: Any = "sum_over_batch_size",
    mask: Any = None,
) -> Tensor:
    """Weight per-sample loss values and reduce them as Keras 3 does (see the module docstring).

    Args:
        values: per-sample losses, shape ``(n,)`` or ``(n, t, ...)``.
        sample_weight: optional weights of shape ``(n,)``, ``(n, 1)`` or the shape of ``values``;
            a ``(n,)`` weight against ``(n, t)`` values weighs every step of a sample alike.
        reduction: one of :data:`REDUCTIONS`.
        mask: optional booleans shaped like ``values``; masked-out entries count for nothing
            (with ``"sum_over_batch_size"`` the mean is over the kept entries only).

    Returns:
        A scalar Tensor, or the weighted values for ``"none"``.

    """
    reduction = standardize_reduction(reduction)
    values = ops.convert_to_tensor(values)
    dtype = values.dtype
    weight = None
    if sample_weight is not None:
        weight = _align(xp.asarray(value_of(sample_weight), dtype=dtype), values.ndim)
        if not _fits(weight.shape, values.shape):
            raise ValueError(
                f"`sample_weight` of shape {tuple(xp.shape(value_of(sample_weight)))} does not "
                f"fit loss values of shape {values.shape}: give one weight per sample, shape "
                f"({values.shape[0] if values.ndim else 1},). Received: sample_weight with shape "
                f"{tuple(xp.shape(value_of(sample_weight)))}"
            )
    if mask is not None:
        keep = _align(xp.asarray(value_of(mask)).astype(bool), values.ndim)
        scale = 1.0
        if reduction in ("sum_over_batch_size", "mean"):
            valid = int(keep.sum())
            scale = keep.size / valid if valid else 0.0
        keep = keep * xp.asarray(scale, dtype=dtype)
        weight = keep if weight is None else weight * keep
    if weight is not None:
        values = ops.multiply(values, weight)
    if reduction in ("none", None) or values.ndim == 0:
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and weight is not None:
        divisor = float(xp.sum(weight))
    else:
        divisor = float(values.size)
    return ops.divide(total, divisor) if divisor else ops.multiply(total, 0.0)


class Loss:
    """Base class of losses: ``loss(y_true, y_pred, sample_weight=None)`` gives the reduced loss.

    Subclasses implement ``call(y_true, y_pred)``, returning per-sample losses built from
    :mod:`keraslite.ops` (their gradient comes from the ops):

    ```python
    class MeanSquaredError(keras.losses.Loss):
        def call(self, y_true, y_pred):
            return keras.ops.mean(keras.ops.square(y_pred - y_true), axis=-1)
    ```

    Args:
        name: the name shown in logs (default: the class name in snake_case).
        reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"``, or ``"none"`` / ``None``; see
            :func:`reduce_values`.
        dtype: the float dtype of the computation (default: ``floatx()``).

    """

    def __init__(self, name: str | None = None, reduction: Any = "sum_over_batch_size",
                 dtype: Any = None) -> None:
        self.name = name or to_snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self.dtype = dtype

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        """Per-sample losses; implemented by subclasses."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `call(self, y_true, y_pred)` returning the "
            "per-sample losses."
        )

    def compute_mask(self, y_true: Any, y_pred: Any) -> Any:
        """Booleans marking the loss values that count (None: all of them)."""
        return None

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        """The weighted, reduced loss of a batch.

        A mask attached to ``y_pred`` (``y_pred._keras_mask``, from an ``Embedding(mask_zero=
        True)`` or ``Masking`` upstream) is combined with :meth:`compute_mask`: masked steps
        count for nothing, as in Keras 3.
        """
        in_mask = getattr(y_pred, "_keras_mask", None)
        y_pred = as_prediction(y_pred)
        if self.dtype is not None and y_pred.dtype != self.dtype:
            y_pred = ops.cast(y_pred, self.dtype)
        y_true = ops.stop_gradient(y_true)
        values = self.call(y_true, y_pred)
        mask = self.compute_mask(y_true, y_pred)
        if in_mask is not None:
            in_mask = xp.asarray(value_of(in_mask)).astype(bool)
            mask = in_mask if mask is None else _and_masks(mask, in_mask)
        return reduce_values(values, sample_weight, self.reduction, mask=mask)

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict) -> Loss:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


class LossFunctionWrapper(Loss):
    """A :class:`Loss` around a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    As in Keras, the ranks of ``y_true`` and ``y_pred`` are matched first (see
    :func:`match_ranks`), so a function written for equal shapes also works with labels of
    shape ``(n,)`` against predictions of shape ``(n, 1)``.

    Args:
        fn: the per-sample loss function.
        reduction: see :class:`Loss`.
        name: the name shown in logs (default: ``fn.__name__``).
        dtype: see :class:`Loss`.
        **kwargs: extra keyword arguments passed to ``fn`` on every call.

    """

    def __init__(self, fn: Callable, reduction: Any = "sum_over_batch_size",
                 name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction,
                         dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        y_true, y_pred = match_ranks(ops.convert_to_tensor(y_true), as_prediction(y_pred))
        check_shapes(self.fn, y_true.shape, y_pred.shape)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def compute_mask(self, y_true: Any, y_pred: Any) -> Any:
        """With an ``ignore_class`` argument, the entries whose label is not that class."""
        ignore = self._fn_kwargs.get("ignore_class")
        if ignore is None:
            return None
        labels = xp.asarray(value_of(y_true))
        if labels.ndim == len(xp.shape(value_of(y_pred))) and labels.shape[-1] == 1:
            labels = labels[..., 0]
        return labels != ignore

    def get_config(self) -> dict:
        config = {**Loss.get_config(self), **self._fn_kwargs}
        if type(self) is LossFunctionWrapper:
            config["fn"] = getattr(self.fn, "__name__", repr(self.fn))
        return config

    @classmethod
    def from_config(cls, config: dict) -> Loss:
        """Rebuild from :meth:`get_config`; a wrapped ``fn`` must be a known loss name."""
        config = dict(config)
        if "fn" in config:
            from keraslite.losses import get

            config["fn"] = get(config["fn"])
        return cls(**config)

    def __repr__(self) -> str:
        fn = getattr(self.fn, "__name__", self.fn)
        return f"<{type(self).__name__}({fn}, kwargs={self._fn_kwargs})>"
