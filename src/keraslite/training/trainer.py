"""``compile``, ``fit``, ``evaluate``, ``predict`` and the ``*_on_batch`` methods of a Model.

One training step: run the model with recording on, compute the loss (plus regularization),
backpropagate to the trainable variables, let the optimizer update them, update the metrics.
Data is converted and checked once; each epoch gathers its shuffled batches with one index.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any

from keraslite import losses as losses_module
from keraslite import metrics as metrics_module
from keraslite import optimizers as optimizers_module
from keraslite.backend import xp
from keraslite.callbacks.callback import CallbackList, overrides
from keraslite.callbacks.history import History, ProgbarLogger
from keraslite.layers.rnn.base import probe_calls
from keraslite.lazy import LazyModule
from keraslite.metrics import Mean
from keraslite.naming import KerasliteWarning, user_stacklevel
from keraslite.training import data as data_module
from keraslite.training import iterators
from keraslite.training.compile import CompiledLoss, CompiledMetrics
from keraslite.training.engine import Engine
from keraslite.training.inference import Inference
from keraslite.training.inputs import InputHandling, check_batch_size, resolve_verbose
from keraslite.training.steps import (
    Steps,
    add_losses,
    log_value,
    pack_x_y_sample_weight,
    per_output,
)

diagnostics = LazyModule("keraslite.diagnostics")


class Trainer(InputHandling, Inference, Steps):
    """Training methods mixed into :class:`~keraslite.Model`."""

    def __init__(self) -> None:
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self.stop_training = False
        self.history = None
        self._compiled_loss: CompiledLoss | None = None
        self._compiled_metrics: CompiledMetrics | None = None
        self._loss_tracker: Mean | None = None
        self._output_loss_trackers: list = []
        self._compile_args: tuple = (None, None, None, None)

    # -- compile -------------------------------------------------------------------------
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, loss_weights: Any = None,
                metrics: Any = None, weighted_metrics: Any = None, run_eagerly: bool = False,
                steps_per_execution: int = 1, jit_compile: Any = "auto",
                auto_scale_loss: bool = True) -> None:
        """Configure training: the optimizer, the loss (per output) and the metrics.

        Args:
            optimizer: a name (``"adam"``, ``"sgd"``, ``"rmsprop"``) or an Optimizer.
            loss: a name, a Loss, a function ``(y_true, y_pred)``, or a list/dict per output.
            loss_weights: weights of the outputs' losses in the total (list or dict).
            metrics: names or Metric objects (``["accuracy"]``), or a list/dict per output.
            weighted_metrics: metrics that also take ``sample_weight`` / ``class_weight``.

        """
        if steps_per_execution != 1:
            warnings.warn(KerasliteWarning(
                "compile(steps_per_execution=...) is ignored: it groups steps into one call "
                "of a compiled accelerator function in Keras, while keraslite runs each step "
                "on NumPy as it comes (callbacks still see every batch). Received: "
                f"steps_per_execution={steps_per_execution!r}"), stacklevel=user_stacklevel())
        self.optimizer = optimizers_module.get(optimizer)
        _validate_identifiers(loss, losses_module.get)
        for spec in (metrics, weighted_metrics):
            _validate_identifiers(spec, _metric_getter)
        self.loss = loss
        self.run_eagerly = bool(run_eagerly)
        self._compile_args = (loss, loss_weights, metrics, weighted_metrics)
        self._compiled_loss = None
        self._compiled_metrics = None
        self.compiled = True
        self.stop_training = False
        diagnostics.check_compile(self)

    def _output_names(self) -> list[str]:
        names = getattr(self, "output_names", None)
        if names:
            return list(names)
        return [self.name]

    def _resolve_compile(self, ys: list, preds: list) -> None:
        """Finish compiling once the outputs are known (first batch)."""
        loss, loss_weights, metrics, weighted = self._compile_args
        names = self._output_names()
        if len(names) != len(preds):
            names = [f"output_{i}" for i in range(len(preds))]
        loss_only_from_layers = loss is None and not ys  # add_loss() terms, no targets
        if loss_only_from_layers:
            metrics = weighted = None
        elif len(ys) != len(preds):
            raise ValueError(
                f"The model has {len(preds)} output(s) but `y` holds {len(ys)} target array(s). "
                "Pass one target array per output (a list, or a dict keyed by output name). "
                f"Received: {len(ys)} targets"
            )
        self._compiled_loss = CompiledLoss(loss, loss_weights, names)
        self._compiled_metrics = CompiledMetrics(metrics, weighted, names)
        self._compiled_metrics.build(ys, preds)
        if self._loss_tracker is None:
            self._loss_tracker = Mean(name="loss")
        self._output_loss_trackers = (
            [Mean(name=f"{n}_loss") for n in names] if len(names) > 1 else []
        )

    def _require_compiled(self, what: str) -> None:
        """Refuse ``what`` before ``compile()``. A compile without a loss is accepted: the
        model's own add_loss() terms are then the loss, as in Keras, and a step with neither
        says so (``steps.add_losses``).
        """
        if not self.compiled:
            raise RuntimeError(
                f"You must call `compile()` before using the model for `{what}`, e.g. "
                "model.compile(optimizer='adam', loss='binary_crossentropy', "
                "metrics=['accuracy'])."
            )

    def _needs_targets(self, step: str) -> bool:
        """Whether the built-in ``step`` ("train" or "test") needs ``y``: not when the step is
        overridden, nor when the loss comes only from the model's add_loss() terms.
        """
        return not self._custom(step) and self._compile_args[0] is not None

    @property
    def metrics(self) -> list:
        """The loss tracker, the compiled metrics, per-output loss trackers (Keras' order),
        then metrics assigned as attributes of the model (``self.loss_tracker = Mean(...)``).
        """
        out = [] if self._loss_tracker is None else [self._loss_tracker]
        if self._compiled_metrics is not None:
            out += self._compiled_metrics.metrics
        out += self._output_loss_trackers
        for key, value in vars(self).items():
            if not key.startswith("_") and isinstance(value, metrics_module.Metric) and \
                    all(value is not m for m in out):
                out.append(value)
        return out

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        engine = self.__dict__.get("_engine")
        if engine is not None:
            engine.pending.clear()
        for m in self.metrics:
            m.reset_state()

    # -- data ----------------------------------------------------------------------------
    def _forward_loss(self, xb: Any, ys: list, sws: list, training: bool) -> tuple:
        pred = self(xb, training=training)
        preds = list(pred) if isinstance(pred, (list, tuple)) else (
            [pred[k] for k in self._output_names()] if isinstance(pred, dict) else [pred])
        if self._compiled_loss is None:
            self._resolve_compile(ys, preds)
        sw_list = per_output(sws, len(preds))
        total, parts = self._compiled_loss(ys, preds, sw_list)
        return add_losses(total, self.losses), parts, preds, sw_list

    def _train_batch(self, xs: list, kind: str, ys: list, sws: list) -> None:
        """The one train step of a batch: an overridden ``train_step``, else the engine's
        (:mod:`keraslite.training.engine`; ``_prepare_engine`` must have run).
        """
        if self._custom("train"):
            self._run_step("train", _step_data(self._pack(xs, kind), ys, sws))
            return
        self._engine.train(xs, kind, ys, sws)

    def _train_function(self) -> Any:
        """The train step of every batch of a fit, chosen once: ``f(xs, kind, ys, sws)``."""
        if self._custom("train"):
            return self._train_batch
        return self._engine.train

    def _prepare_engine(self) -> None:
        """Create the engine, or let it drop plans traced for a changed model."""
        if self._custom("train"):
            return
        if self.__dict__.get("_engine") is None:
            self._engine = Engine(self)
        self._engine.prepare()

    def _ensure_compiled(self, xs: list, kind: str, ys: list, sws: list) -> None:
        """Resolve the loss and metrics against the outputs, using the first sample."""
        if self._compiled_loss is None and not self._custom("train"):
            with probe_calls():  # a stateful RNN keeps its states through this probe
                self._forward_loss(self._pack([a[:1] for a in xs], kind), [a[:1] for a in ys],
                                   [a[:1] for a in sws], False)
            self.reset_metrics()

    def _test_batch(self, xb: Any, ys: list, sws: list) -> None:
        if self._custom("test"):
            self._run_step("test", _step_data(xb, ys, sws))
            return
        total, parts, preds, sw_list = self._forward_loss(xb, ys, sws, False)
        self._update_trackers(total, parts, preds, ys, sw_list)

    def _update_trackers(self, total: Any, parts: list, preds: list, ys: list, sws: list) -> None:
        n = (ys[0] if ys else preds[0]).shape[0]  # no targets: a loss from add_loss() alone
        self._loss_tracker.update_state(total.value, sample_weight=n)
        for tracker, part in zip(self._output_loss_trackers, parts):
            if part is not None:
                tracker.update_state(part.value, sample_weight=n)
        self._compiled_metrics.update(ys, [p.value for p in preds], sws,
                                      [getattr(p, "_keras_mask", None) for p in preds])

    def _logs(self) -> dict:
        """Current metric results, sorted by name as Keras reports them.

        A single value is a float; a vector result (``F1Score(average=None)`` over several
        classes) stays an array, as Keras 3 stores it (the progress bar shows its mean). After
        an overridden ``train_step``/``test_step``, the dict it returned, in its order.
        """
        if self._step_logs is not None:
            return dict(self._step_logs)
        engine = self.__dict__.get("_engine")
        if engine is not None:
            engine.flush()
        return dict(sorted((m.name, log_value(m.result())) for m in self.metrics))

    # -- fit -----------------------------------------------------------------------------
    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None, epochs: int = 1,
            verbose: Any = "auto", callbacks: list | None = None, validation_split: float = 0.0,
            validation_data: Any = None, shuffle: bool = True, class_weight: dict | None = None,
            sample_weight: Any = None, initial_epoch: int = 0, steps_per_epoch: int | None = None,
            validation_steps: int | None = None, validation_batch_size: int | None = None,
            validation_freq: int | list = 1) -> History:
        """Train the model for ``epochs`` passes over the data.

        Args:
            x, y: inputs and targets (arrays, DataFrames, lists, or dicts by name); or ``x``
                alone as a generator or :class:`~keraslite.utils.PyDataset` yielding
                ``(x, y)`` or ``(x, y, sample_weight)`` batches (see ``training/iterators.py``).
            batch_size: samples per gradient step (default 32).
            epochs: the index of the last epoch (training runs from ``initial_epoch``).
            verbose: ``"auto"``/1 progress bar, 2 one line per epoch, 0 silent.
            callbacks: :class:`~keraslite.callbacks.Callback` objects.
            validation_split: the fraction of the data (taken from the end, before shuffling)
                held out for validation.
            validation_data: ``(x_val, y_val)`` or ``(x_val, y_val, sample_weight_val)``.
            shuffle: shuffle the training samples before each epoch.
            class_weight: ``{class: weight}`` to weight the loss per class.
            sample_weight: one weight per sample.
            initial_epoch: the epoch at which to start (to resume training).
            steps_per_epoch: batches per epoch (needed for a generator over several epochs).
            validation_steps: batches per validation when validation_data is a generator or
                PyDataset.
            validation_batch_size: batch size of the validation arrays (default batch_size).
            validation_freq: validate every N epochs, or after the 1-based epochs listed.

        Returns:
            A :class:`~keraslite.callbacks.History`; ``history.history`` maps each metric name
            (and ``val_`` names) to its per-epoch values.

        """
        self._require_compiled("fit")
        for name, value in (("epochs", epochs), ("initial_epoch", initial_epoch)):
            if isinstance(value, bool) or not isinstance(value, (int, xp.integer)) or value < 0:
                raise ValueError(
                    f"`{name}` must be a non-negative integer (a number of passes over the "
                    f"data). Received: {name}={value!r}"
                )
        return iterators.fit(
            self, x, y, batch_size=check_batch_size(batch_size), epochs=epochs,
            verbose=resolve_verbose(verbose), callbacks=callbacks,
            validation_split=validation_split, validation_data=validation_data, shuffle=shuffle,
            class_weight=class_weight, sample_weight=sample_weight, initial_epoch=initial_epoch,
            steps_per_epoch=steps_per_epoch, validation_steps=validation_steps,
            validation_batch_size=validation_batch_size, validation_freq=validation_freq)

    def _start_fit(self, callbacks: list | None, verbose: int, epochs: int, steps: int | None,
                   initial_epoch: int) -> tuple:
        """Set up a fit's History, progress bar and callbacks, and begin training.

        Returns:
            ``(callback_list, history, progbar or None, whether user callbacks want each
            batch's logs, initial_epoch)``; the initial epoch may come from BackupAndRestore.

        """
        history = History()
        user = list(callbacks or [])
        progbar = ProgbarLogger() if verbose else None
        callback_list = CallbackList(
            user + ([progbar] if progbar else []) + [history], model=self,
            params={"verbose": verbose, "epochs": epochs, "steps": steps})
        batch_hooks = any(overrides(cb, "on_train_batch_end") for cb in user)
        self.stop_training = False
        self.history = history
        callback_list.on_train_begin()
        if getattr(self, "_initial_epoch", None) is not None:  # set by BackupAndRestore
            initial_epoch, self._initial_epoch = self._initial_epoch, None
        return callback_list, history, progbar, batch_hooks, initial_epoch

    def _end_epoch(self, epoch: int, epoch_logs: dict, callback_list: Any) -> None:
        """The per-epoch checks, then the callbacks' ``on_epoch_end``."""
        diagnostics.check_epoch(self, epoch, epoch_logs)
        callback_list.on_epoch_end(epoch, epoch_logs)

    def _end_fit(self, history: History, epoch_logs: dict, callback_list: Any) -> None:
        """Finish a fit: the optimizer's final values (EMA), then ``on_train_end``."""
        if history.epoch and hasattr(self.optimizer, "finalize_variable_values"):
            self.optimizer.finalize_variable_values(self.trainable_variables)
        callback_list.on_train_end(epoch_logs)

    @staticmethod
    def _report_interrupt(history: History) -> None:
        print(
            f"\nTraining interrupted (Ctrl-C) after {len(history.epoch)} completed "
            "epoch(s); the model keeps its current weights and `history` holds the "
            "completed epochs.", file=sys.stderr)

    def _step_callbacks(self, callbacks: list | None, verbose: int, steps: int | None,
                        mode: str) -> CallbackList:
        """The callbacks (and progress bar) of an ``evaluate`` or ``predict`` call."""
        progbar = [ProgbarLogger()] if verbose else []
        for bar in progbar:
            bar.mode = mode
        return CallbackList(list(callbacks or []) + progbar, model=self, params={
            "verbose": verbose, "epochs": 1, "steps": steps})

    def _unpack_validation(self, validation_data: Any) -> tuple:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ValueError(
                "`validation_data` must be a tuple (x_val, y_val) or (x_val, y_val, "
                f"sample_weight_val). Received: validation_data of type "
                f"{type(validation_data).__name__}"
            )
        vx, vy = validation_data[0], validation_data[1]
        vsw = validation_data[2] if len(validation_data) == 3 else None
        xs, kind, ys, sws = self._prepare(vx, vy, vsw, argument="validation_data[0]")
        return xs, kind, ys, sws

    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None,
                       class_weight: dict | None = None, return_dict: bool = False) -> Any:
        """Run one gradient step on one batch; return the loss and metrics of that batch
        (computed before the update).
        """
        self._require_compiled("train_on_batch")
        xs, kind, ys, sws = self._prepare(x, y, sample_weight)
        if class_weight is not None:
            cw = data_module.class_weights_to_sample_weights(ys[0], class_weight)
            sws = [cw * sws[0]] if sws else [cw]
        self._ensure_built(xs, kind)
        if not xs[0].shape[0]:
            raise ValueError("`train_on_batch` got a batch of 0 samples: there is nothing to "
                             "train on. Received: x with 0 samples")
        self._ensure_compiled(xs, kind, ys, sws)
        self.reset_metrics()
        self._step_logs = None
        self._prepare_engine()
        self._train_batch(xs, kind, ys, sws)
        logs = self._logs()
        return logs if return_dict else self._ordered(logs)


def _validate_identifiers(spec: Any, getter: Any) -> None:
    """Resolve names once at compile time so that a typo fails there, not mid-fit."""
    if spec is None or getter is None:
        return
    items = spec.values() if isinstance(spec, dict) else (
        spec if isinstance(spec, (list, tuple)) else [spec])
    for item in items:
        if isinstance(item, (list, tuple)):
            _validate_identifiers(item, getter)
        elif item is not None:
            getter(item)


def _metric_getter(identifier: Any) -> Any:
    if isinstance(identifier, str) and identifier.strip().lower() in ("accuracy", "acc"):
        return None
    return metrics_module.get(identifier)


def _step_data(xb: Any, ys: list, sws: list) -> Any:
    """A batch as a step receives it: ``x``, ``(x, y)`` or ``(x, y, sample_weight)``."""
    y = None if not ys else (ys[0] if len(ys) == 1 else list(ys))
    sw = None if not sws else (sws[0] if len(sws) == 1 else list(sws))
    return pack_x_y_sample_weight(xb, y, sw)
