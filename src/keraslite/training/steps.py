"""Overridable steps: ``train_step``, ``test_step``, ``predict_step`` and their helpers.

A Model subclass may override ``train_step(data)`` (a GAN, a VAE, a custom loss), as in the
Keras guide "Customizing what happens in fit()": ``fit`` then calls it once per batch with
``data = (x, y, sample_weight)`` packed as Keras packs it (``x`` alone when there is no ``y``)
and shows the dict it returns. The same holds for ``test_step`` in ``evaluate`` and
validation, and ``predict_step`` in ``predict``. The default implementations below are what
such overrides may call through ``super()``; models that keep them train on the (faster)
built-in path instead, which computes the same thing.
"""

from __future__ import annotations

from typing import Any

from keraslite import ops
from keraslite.autodiff import GradientTape
from keraslite.backend import xp
from keraslite.metrics import Mean


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> Any:
    """Pack a batch as Keras hands it to a step: ``x``, ``(x, y)`` or ``(x, y, sw)``.

    A lone ``x`` that is a tuple or list is wrapped as ``(x,)`` so that it unpacks correctly.
    """
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def unpack_x_y_sample_weight(data: Any) -> tuple:
    """The inverse of :func:`pack_x_y_sample_weight`: always ``(x, y, sample_weight)``.

    Raises:
        ValueError: when ``data`` is a tuple of more than three elements.
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`. "
        f"Received: a tuple of {len(data)} elements"
    )


class Steps:
    """The step methods mixed into the Trainer."""

    _step_logs: dict | None = None

    def _custom(self, step: str) -> bool:
        """Whether the model's class overrides ``step`` (or, for training and testing, one of
        the loss and metric hooks the default steps call).
        """
        names = {"train": ("train_step", "compute_loss", "compute_metrics"),
                 "test": ("test_step", "compute_loss", "compute_metrics"),
                 "predict": ("predict_step",)}[step]
        cls = type(self)
        return any(getattr(cls, name) is not getattr(Steps, name) for name in names)

    # -- the default steps ----------------------------------------------------------------
    def train_step(self, data: Any) -> dict:
        """One training step on one batch: forward, loss, gradients, update, metrics.

        Args:
            data: ``x``, ``(x, y)`` or ``(x, y, sample_weight)`` for one batch.

        Returns:
            The metrics' current results by name (``{"loss": ..., "accuracy": ...}``).
        """
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                     training=True)
        self._track_loss(loss, x)
        variables = self.trainable_variables
        if variables:
            grads = tape.gradient(loss, variables)
            self.optimizer.apply_gradients(zip(grads, variables))
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data: Any) -> dict:
        """One evaluation step on one batch: forward, loss, metrics (no update)."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                 training=False)
        self._track_loss(loss, x)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data: Any) -> Any:
        """The model's outputs for one batch of inputs."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def compute_loss(self, x: Any = None, y: Any = None, y_pred: Any = None,
                     sample_weight: Any = None, training: bool = True) -> Any:
        """The total loss of a batch: the compiled loss(es) plus ``self.losses``.

        Returns:
            A scalar Tensor.

        Raises:
            ValueError: when there is nothing to compute (no loss in ``compile`` and no added
                losses).
        """
        del x, training
        return add_losses(_compiled_total(self, y, y_pred, sample_weight), self.losses)

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict:
        """Update the compiled metrics with a batch; return every metric's current result."""
        del x
        wanted = self._compiled_metrics is not None or any(self._compile_args[2:])
        if wanted and y is not None:
            ys = [_value(v) for v in self._as_outputs(y, "y")]
            preds = [_value(v) for v in self._as_outputs(y_pred, "y_pred")]
            if self._compiled_metrics is None:
                self._resolve_compile(ys, preds)
            sws = [] if sample_weight is None else [
                _value(v) for v in self._as_outputs(sample_weight, "sample_weight")]
            masks = [getattr(v, "_keras_mask", None) for v in self._as_outputs(y_pred, "y_pred")]
            self._compiled_metrics.update(ys, preds, per_output(sws, len(preds)), masks)
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict:
        """Every metric's current result by name (a metric returning a dict is merged in)."""
        results: dict = {}
        for metric in self.metrics:
            result = metric.result()
            if isinstance(result, dict):
                results.update(result)
            else:
                results[metric.name] = result
        return results

    @property
    def compiled_loss(self) -> Any:
        """Keras 2's ``compiled_loss(y, y_pred, sample_weight, regularization_losses)``: the
        compiled loss of a batch, also recorded in the ``loss`` metric. Keras 3 prefers
        :meth:`compute_loss`.
        """
        return _CompiledLossCall(self)

    @property
    def compiled_metrics(self) -> Any:
        """Keras 2's ``compiled_metrics.update_state(y, y_pred, sample_weight)``."""
        return _CompiledMetricsCall(self)

    # -- helpers ---------------------------------------------------------------------------
    def _track_loss(self, loss: Any, x: Any) -> None:
        if self._loss_tracker is None:
            self._loss_tracker = Mean(name="loss")
        first = x
        while isinstance(first, (list, tuple, dict)):
            first = next(iter(first.values() if isinstance(first, dict) else first))
        self._loss_tracker.update_state(_value(loss), sample_weight=len(_value(first)))

    def _as_outputs(self, value: Any, argument: str) -> list:
        """Per-output list of ``value`` (one array, a list or tuple, or a dict by name)."""
        if isinstance(value, dict):
            names = self._output_names()
            missing = [n for n in names if n not in value]
            if missing:
                raise ValueError(f"`{argument}` has no entry for the outputs {missing}. "
                                 f"Received: keys {sorted(value)}")
            return [value[n] for n in names]
        if isinstance(value, (list, tuple)):
            return list(value)
        return [value]

    def _run_step(self, step: str, data: Any) -> Any:
        """Call an overridden ``train_step``/``test_step`` and keep its logs for display."""
        logs = getattr(self, f"{step}_step")(data)
        self._step_logs = pythonify_logs(logs)
        return logs


class _CompiledLossCall:
    def __init__(self, model: Any) -> None:
        self.model = model

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None,
                 regularization_losses: Any = None) -> Any:
        total = add_losses(_compiled_total(self.model, y_true, y_pred, sample_weight),
                           regularization_losses or [])
        self.model._track_loss(total, y_pred)
        return total


class _CompiledMetricsCall:
    def __init__(self, model: Any) -> None:
        self.model = model

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        Steps.compute_metrics(self.model, None, y_true, y_pred, sample_weight)

    @property
    def metrics(self) -> list:
        compiled = self.model._compiled_metrics
        return [] if compiled is None else compiled.metrics

    def reset_state(self) -> None:
        for metric in self.metrics:
            metric.reset_state()


def _compiled_total(model: Any, y: Any, y_pred: Any, sample_weight: Any) -> Any:
    """The compiled loss(es) of a batch, or None when ``compile`` was given no loss."""
    if model._compile_args[0] is None:
        return None
    ys, preds = model._as_outputs(y, "y"), model._as_outputs(y_pred, "y_pred")
    if model._compiled_loss is None:
        model._resolve_compile(ys, preds)
    sws = [] if sample_weight is None else model._as_outputs(sample_weight, "sample_weight")
    total, _ = model._compiled_loss(ys, preds, per_output(sws, len(preds)))
    return total


def add_losses(total: Any, extra: list) -> Any:
    """``total`` (the compiled loss, or None) plus the extra loss terms (``model.losses``:
    ``add_loss`` terms and regularization penalties), the one place they are added.

    Raises:
        ValueError: when there is nothing to add up (no compiled loss and no extra terms).
    """
    for term in extra:
        total = term if total is None else ops.add(total, term)
    if total is None:
        raise ValueError(
            "No loss to compute. Provide a `loss` argument in `compile()`: the model was "
            "compiled without a loss and adds none with add_loss(), so training has nothing to "
            "minimize. Pass e.g. loss='mean_squared_error'. Received: loss=None")
    return total


def per_output(sample_weights: list, outputs: int) -> list:
    """One sample-weight array (or None) per output: one array given serves every output."""
    if len(sample_weights) == outputs:
        return sample_weights
    return [sample_weights[0] if sample_weights else None] * outputs


def pythonify_logs(logs: Any) -> dict:
    """A step's returned dict as plain logs: scalars as floats, nested dicts merged."""
    out: dict = {}
    if not isinstance(logs, dict):
        if logs is None:
            return out
        raise TypeError(
            "`train_step` / `test_step` must return a dict of metric values, e.g. "
            "{'loss': loss_tracker.result()}. Received: an object of type "
            f"{type(logs).__name__}"
        )
    for key, value in logs.items():
        if isinstance(value, dict):
            out.update(pythonify_logs(value))
            continue
        out[key] = log_value(value)
    return out


def log_value(result: Any) -> Any:
    """A metric result for the logs: a float when it holds one value, else a 1-D array (a
    vector result such as ``F1Score(average=None)``, kept as Keras 3 keeps it).
    """
    value = xp.asarray(_value(result))
    return float(value.reshape(-1)[0]) if value.size == 1 else value.copy()


def _value(x: Any) -> Any:
    return getattr(x, "value", x)
