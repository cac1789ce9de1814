"""``evaluate``, ``predict`` and ``test_on_batch``: running a model without training it."""

from __future__ import annotations

from typing import Any

import numpy

from keraslite.backend import distribute, to_numpy, xp
from keraslite.lazy import LazyModule
from keraslite.training import iterators
from keraslite.training.inputs import check_batch_size, resolve_verbose
from keraslite.training.replay import predict_arrays
from keraslite.training.steps import pack_x_y_sample_weight

diagnostics = LazyModule("keraslite.diagnostics")


class Inference:
    """Evaluation and prediction methods mixed into the Trainer."""

    # -- evaluate ------------------------------------------------------------------------
    def _evaluate_prepared(self, xs: list, kind: str, ys: list, sws: list,
                           batch_size: int, callback_list: Any = None) -> dict:
        distribute.start(self)  # hooks: the first worker's model, each worker's block of rows
        rows = xs[0].shape[0]
        xs, ys, sws = (distribute.split_rows(arrays) for arrays in (xs, ys, sws))
        n = xs[0].shape[0]
        slices = (slice(step * batch_size, min((step + 1) * batch_size, n))
                  for step in range(max(-(-n // batch_size), 0 if rows and not n else 1)))
        logs = self._evaluate_batches(
            ((self._pack([a[sl] for a in xs], kind), [a[sl] for a in ys], [a[sl] for a in sws])
             for sl in slices), callback_list)
        return distribute.global_logs(self, logs)  # the metrics over all workers (hook)

    def _evaluate_batches(self, batches: Any, callback_list: Any = None) -> dict:
        """Reset the metrics, test each ``(x, targets, sample_weights)`` batch, return the logs."""
        if self._compiled_loss is not None or self._custom("test"):
            self.reset_metrics()
        self._step_logs = None
        for step, (xb, ys, sws) in enumerate(batches):
            if callback_list is not None:
                callback_list.on_test_batch_begin(step)
            self._test_batch(xb, ys, sws)
            if callback_list is not None:
                callback_list.on_test_batch_end(step, self._logs())
        return self._logs()

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None,
                 verbose: Any = "auto", sample_weight: Any = None, steps: int | None = None,
                 callbacks: list | None = None, return_dict: bool = False, **kwargs: Any) -> Any:
        """Return the loss and metrics on the given data (``[loss, metric, ...]``, or a
        float when there is only the loss, or a dict with ``return_dict=True``).
        """
        self._require_compiled("evaluate")
        batch_size = check_batch_size(batch_size)
        verbose = resolve_verbose(verbose)
        if iterators.is_batch_source(x):
            return iterators.evaluate(self, x, y, sample_weight=sample_weight, verbose=verbose,
                                      steps=steps, callbacks=callbacks, return_dict=return_dict)
        xs, kind, ys, sws = self._prepare(x, y, sample_weight)
        xs, ys, sws = (_first_steps(arrays, steps, batch_size) for arrays in (xs, ys, sws))
        if not ys and self._needs_targets("test"):
            raise ValueError("`evaluate` needs targets: pass `y` along with `x`. Received: y=None")
        self._ensure_built(xs, kind)
        diagnostics.check_data(self, x, xs, ys)
        n_steps = max(-(-xs[0].shape[0] // batch_size), 1)
        callback_list = self._step_callbacks(callbacks, verbose, n_steps, "test")
        callback_list.on_test_begin()
        logs = self._evaluate_prepared(xs, kind, ys, sws, batch_size, callback_list)
        callback_list.on_test_end(logs)
        return logs if return_dict else self._ordered(logs)

    def _ordered(self, logs: dict) -> Any:
        """Results in ``metrics_names`` order, then any other logged names sorted; a bare
        float when there is only one.
        """
        names = [m.name for m in self.metrics if m.name in logs]
        names += sorted(k for k in logs if k not in names)
        values = [logs[k] for k in names]
        return values[0] if len(values) == 1 else values

    # -- predict -------------------------------------------------------------------------
    def predict(self, x: Any = None, batch_size: int | None = None, verbose: Any = "auto",
                steps: int | None = None, callbacks: list | None = None) -> Any:
        """Return the model's outputs for ``x``, computed in batches (no gradients)."""
        if x is None:
            raise ValueError(
                "`predict()` needs data: pass the inputs to predict on, e.g. "
                "model.predict(x_test). Received: x=None"
            )
        batch_size = check_batch_size(batch_size)
        verbose = resolve_verbose(verbose)
        if iterators.is_batch_source(x):
            return iterators.predict(self, x, verbose=verbose, steps=steps, callbacks=callbacks)
        xs, kind, _, _ = self._prepare(x)
        xs = _first_steps(xs, steps, batch_size)
        self._ensure_built(xs, kind)
        diagnostics.check_data(self, x, xs, [])
        distribute.start(self)  # hooks: the first worker's model, each worker's block of rows
        rows = xs[0].shape[0]
        xs = distribute.split_rows(xs)
        return distribute.gather_rows(self._predict_arrays(xs, kind, batch_size, callbacks,
                                                           verbose), rows)

    def _predict_arrays(self, xs: list, kind: str, batch_size: int, callbacks: Any,
                        verbose: int) -> Any:
        """The outputs for prepared input arrays, in batches."""
        n = xs[0].shape[0]
        n_steps = max(-(-n // batch_size), 1)
        callback_list = self._step_callbacks(callbacks, verbose, n_steps, "predict")
        callback_list.on_predict_begin()
        if not callbacks and kind != "list" and len(xs) == 1 and not self._custom("predict"):
            out = predict_arrays(self, xs[0], batch_size,
                                lambda step: callback_list.on_predict_batch_end(step, None))
            if out is not None:
                callback_list.on_predict_end()
                return _host(out)  # [backend border] predictions leave the device as NumPy
        out = self._predict_batches(
            (self._pack([a[slice(step * batch_size, min((step + 1) * batch_size, n))] for a in xs],
                        kind) for step in range(n_steps)), callback_list)
        callback_list.on_predict_end()
        return out

    def _predict_batches(self, batches: Any, callback_list: Any) -> Any:
        """The outputs for each input batch, concatenated."""
        chunks: list = []
        for step, xb in enumerate(batches):
            callback_list.on_predict_batch_begin(step)
            out = self.predict_step(pack_x_y_sample_weight(xb)) if self._custom("predict") \
                else self(xb, training=False)
            chunks.append(_values(out))
            callback_list.on_predict_batch_end(step, {"outputs": chunks[-1]})
        return _concat(chunks)

    def predict_on_batch(self, x: Any) -> Any:
        """The model's outputs for one batch ``x``."""
        xs, kind, _, _ = self._prepare(x)
        self._ensure_built(xs, kind)
        return _values(self(self._pack(xs, kind), training=False))

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None,
                      return_dict: bool = False) -> Any:
        """The loss and metrics of the model on one batch, without updating it."""
        self._require_compiled("test_on_batch")
        xs, kind, ys, sws = self._prepare(x, y, sample_weight)
        self._ensure_built(xs, kind)
        if self._compiled_loss is not None or self._custom("test"):
            self.reset_metrics()
        self._step_logs = None
        self._test_batch(self._pack(xs, kind), ys, sws)
        logs = self._logs()
        return logs if return_dict else self._ordered(logs)


def _first_steps(arrays: list, steps: int | None, batch_size: int) -> list:
    """The rows of the first ``steps`` batches (all of them when ``steps`` is None)."""
    if steps is None:
        return arrays
    if isinstance(steps, bool) or not isinstance(steps, (int, xp.integer)) or steps < 1:
        raise ValueError(f"`steps` must be a positive integer or None. Received: steps={steps!r}")
    return [a[:int(steps) * batch_size] for a in arrays]


def _values(out: Any) -> Any:
    if isinstance(out, (list, tuple)):
        return [_value(o) for o in out]
    if isinstance(out, dict):
        return {k: _value(v) for k, v in out.items()}
    return _value(out)


def _value(out: Any) -> Any:
    return to_numpy(getattr(out, "value", out))  # [backend border] outputs as NumPy, as Keras


def _host(out: Any) -> Any:
    """NumPy arrays from a device array, or a list or dict of them."""
    if isinstance(out, (list, tuple)):
        return [to_numpy(o) for o in out]
    return {k: to_numpy(v) for k, v in out.items()} if isinstance(out, dict) else to_numpy(out)


def _concat(chunks: list) -> Any:
    first = chunks[0]
    if isinstance(first, list):
        return [numpy.concatenate([c[i] for c in chunks]) for i in range(len(first))]
    if isinstance(first, dict):
        return {k: numpy.concatenate([c[k] for c in chunks]) for k in first}
    return numpy.concatenate(chunks) if len(chunks) > 1 else first
