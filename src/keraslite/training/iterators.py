"""The one epoch loop of ``fit``, and ``evaluate``/``predict`` on generators and PyDatasets.

Every kind of data becomes a batch source (:mod:`keraslite.training.sources`): arrays are
converted once and sliced per step (shuffled with one gather per epoch); a generator or a
:class:`~keraslite.utils.PyDataset` hands over ready-made batches, each converted with the
model's ``_prepare``. :func:`fit` feeds them all to the model's one train step
(``_train_batch``), with callbacks, progress bar, validation and History.

A batch is ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` (a list counts as a tuple,
as in Keras); several inputs go inside: ``((x1, x2), y)`` or ``({"a": xa, "b": xb}, y)``.

How the batches are read (Keras 3's rules, minus its pitfalls):

- A generator is read once, as one stream. ``steps_per_epoch`` batches make an epoch and the
  next epoch continues the stream. Without ``steps_per_epoch`` the stream is read to its end
  and the progress bar counts ``N/Unknown``; that can make one epoch only, so a fit of several
  epochs needs ``steps_per_epoch`` (Keras silently replays the first two batches instead). A
  stream that ends before an epoch is full warns and stops training.
- A PyDataset is read by index, its batch order shuffled at each pass when ``shuffle=True``
  (as Keras does); ``on_epoch_begin()``/``on_epoch_end()`` frame each complete pass. With
  ``steps_per_epoch`` the epochs continue through the passes, so every batch gets used.
- As validation data (or in ``evaluate``/``predict``) a PyDataset restarts at batch 0 every time:
  the same ``validation_steps`` batches each epoch. A generator continues its stream, so one
  that repeats its validation set every ``validation_steps`` batches validates on the same set.

Batches are read in the calling thread, one at a time: PyDataset's ``workers``,
``use_multiprocessing`` and ``max_queue_size`` are accepted for Keras code but start nothing.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

from keraslite.backend import distribute
from keraslite.callbacks.history import History
from keraslite.lazy import LazyModule
from keraslite.naming import KerasliteWarning, user_stacklevel
from keraslite.training.data import split_validation
from keraslite.training.sources import (
    ArraySource,
    Batch,
    IndexedSource,
    is_batch_source,
    is_dataset,
    make_source,
    weigh_classes,
)

diagnostics = LazyModule("keraslite.diagnostics")

__all__ = ["evaluate", "fit", "is_batch_source", "predict", "validation_due"]


def validation_due(epoch: int, freq: Any) -> bool:
    """Whether ``fit`` validates after ``epoch`` (0-based).

    Args:
        epoch: the epoch just trained, counted from 0.
        freq: validate every ``freq`` epochs (an int), or after the 1-based epochs listed.

    """
    if isinstance(freq, (list, tuple, set, range)):
        return epoch + 1 in freq
    if isinstance(freq, bool) or not isinstance(freq, int) or freq < 1:
        raise ValueError(
            "`validation_freq` must be a positive integer (validate every N epochs) or a list "
            f"of 1-based epoch numbers, e.g. [1, 5, 10]. Received: validation_freq={freq!r}"
        )
    return (epoch + 1) % freq == 0


def _warn(message: str) -> None:
    warnings.warn(KerasliteWarning(message), stacklevel=user_stacklevel())


def _refuse_separate(what: str, x: Any, **given: Any) -> None:
    kind = "PyDataset" if is_dataset(x) else "generator"
    for name, value in given.items():
        if value is not None:
            raise ValueError(
                f"When `x` is a {kind}, `{name}` must not be passed to {what}(): the {kind} "
                f"itself yields (x, y) or (x, y, sample_weight) batches. Received: {name} of "
                f"type {type(value).__name__}"
            )


def _check_steps(steps: Any, name: str) -> None:
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps < 1):
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={steps!r}")


def _resolve_steps(source: Any, steps: int | None, name: str) -> int | None:
    """Batches per run: ``steps``, else the dataset's length (None: a generator's end)."""
    _check_steps(steps, name)
    if steps is None and source.num_batches is None and isinstance(source, IndexedSource):
        raise ValueError(
            f"The PyDataset is endless (num_batches is None), so pass `{name}`: the number of "
            f"batches to take. Received: {name}=None"
        )
    return steps if steps is not None else source.num_batches


def _packed(model: Any, batches: Iterator[Batch]) -> Iterator[tuple]:
    for xs, kind, ys, sws in batches:
        xs, ys, sws = distribute.shard_batch(xs, ys, sws)  # this worker's share (hook)
        if xs[0].shape[0]:
            yield model._pack(xs, kind), ys, sws


# -- fit / evaluate / predict -----------------------------------------------------------------
def fit(model: Any, x: Any, y: Any, *, batch_size: int, epochs: int, verbose: int,
        callbacks: list | None, validation_split: float, validation_data: Any, shuffle: bool,
        class_weight: dict | None, sample_weight: Any, initial_epoch: int,
        steps_per_epoch: int | None, validation_steps: int | None,
        validation_batch_size: int | None, validation_freq: Any) -> History:
    """``Model.fit`` on any data: arrays, DataFrames, generators, PyDatasets, tf.data.

    The one epoch loop: the data becomes a batch source (:mod:`keraslite.training.sources`),
    each batch goes to the model's one train step (``_train_batch``: an overridden
    ``train_step``, else the engine), validation runs with the callbacks' ``on_test_*`` hooks.
    The arguments are those of :meth:`~keraslite.Model.fit`, already checked by it.
    """
    if is_batch_source(x):
        _refuse_separate("fit", x, y=y, sample_weight=sample_weight)
        if validation_split:
            raise ValueError(
                "`validation_split` cannot split a generator or PyDataset: pass the validation "
                "batches as validation_data= (another generator or PyDataset, with "
                f"validation_steps). Received: validation_split={validation_split}"
            )
        train = make_source(model, x, "fit", shuffle=shuffle, restart=False,
                            class_weight=class_weight)
        user_x = None
    else:
        axs, akind, ays, asws = model._prepare(x, y, sample_weight)
        if not ays and model._needs_targets("train"):
            raise ValueError(
                "`fit` needs targets: pass `y` (the labels) along with `x`. Received: y=None"
            )
        asws = weigh_classes(ays, asws, class_weight)
        if validation_split and validation_data is None:
            if not 0 < validation_split < 1:
                raise ValueError(
                    "`validation_split` must be a fraction between 0 and 1. "
                    f"Received: validation_split={validation_split}"
                )
            kept, held = split_validation(axs + ays + asws, validation_split)
            nx, ny = len(axs), len(ays)
            axs, ays, asws = kept[:nx], kept[nx:nx + ny], kept[nx + ny:]
            validation_data = Prepared((held[:nx], akind, held[nx:nx + ny], held[nx + ny:]))
        train = ArraySource((axs, akind, ays, asws), batch_size, shuffle)
        user_x = x
    steps = _resolve_steps(train, steps_per_epoch, "steps_per_epoch")
    if steps is None and epochs - initial_epoch > 1:
        raise ValueError(
            f"A generator can be read only once, so fit() cannot tell where each of the "
            f"{epochs - initial_epoch} epochs ends. Pass steps_per_epoch (batches per epoch; "
            "the generator must yield steps_per_epoch * epochs batches, e.g. loop over the data "
            "with `while True:`), or wrap the data in a keras.utils.PyDataset, which is read "
            f"again each epoch. Received: steps_per_epoch=None, epochs={epochs}"
        )
    xs, kind, ys, sws = train.first()
    model._ensure_built(xs, kind)
    validate, val_first = _validation(model, validation_data, validation_steps,
                                      validation_batch_size or batch_size, validation_freq,
                                      range(initial_epoch, epochs))
    diagnostics.check_fit(model, user_x, xs, ys, val_first, callbacks,
                          validation_steps=validation_steps,
                          validation_batch_size=validation_batch_size,
                          validation_freq=validation_freq)
    model._ensure_compiled(xs, kind, ys, sws)
    model._prepare_engine()
    distribute.start(model)  # every worker starts from the first one's weights (hook)
    callback_list, history, progbar, batch_hooks, initial_epoch = model._start_fit(
        callbacks, verbose, epochs, steps, initial_epoch)
    epoch_logs: dict = {}  # an unknown length is counted by telling the bar every step
    train_batch = distribute.train_function(model, model._train_function())
    try:
        for epoch in range(initial_epoch, epochs):
            if not train.has_more():
                _warn(f"The generator ran out of data before epoch {epoch + 1}; training "
                      f"stops here. It must yield steps_per_epoch * epochs = {steps} * "
                      f"{epochs} batches (loop over the data with `while True:`).")
                break
            model.reset_metrics()
            model._step_logs = None
            callback_list.on_epoch_begin(epoch)
            for step, (bx, bkind, bys, bsws) in enumerate(train.batches(steps)):
                callback_list.on_train_batch_begin(step)
                train_batch(bx, bkind, bys, bsws)
                if batch_hooks:
                    callback_list.on_train_batch_end(
                        step, distribute.global_logs(model, model._logs()))
                elif progbar is not None and (steps is None or progbar.due(step + 1)):
                    progbar.on_train_batch_end(step, model._logs())
                if model.stop_training:
                    break
            if train.ran_out:
                model.stop_training = True
                _warn(f"The generator ran out of data during epoch {epoch + 1} (fewer than "
                      f"steps_per_epoch={steps} batches); training stops after this epoch. It "
                      "must yield steps_per_epoch * epochs batches (loop over the data with "
                      "`while True:`).")
            epoch_logs = distribute.global_logs(model, model._logs())  # over all workers
            if validate is not None and validation_due(epoch, validation_freq):
                callback_list.on_test_begin()
                val_logs = validate(callback_list)
                callback_list.on_test_end(val_logs)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            model._end_epoch(epoch, epoch_logs, callback_list)
            if model.stop_training:
                break
    except KeyboardInterrupt:
        model._report_interrupt(history)
    finally:
        distribute.end_fit()
    model._end_fit(history, epoch_logs, callback_list)
    return history


class Prepared(tuple):
    """Validation arrays already prepared (held out by ``validation_split``)."""


def _validation(model: Any, data: Any, steps: int | None, batch_size: int, freq: Any,
                epochs: range) -> tuple[Callable[[], dict] | None, Any]:
    """``(validate, first batch)``: a function returning the validation logs, and the data
    (or its first batch) for the diagnostics; ``(None, None)`` without validation data.
    """
    if data is None:
        return None, None
    if not is_batch_source(data):
        val = data if isinstance(data, Prepared) else model._unpack_validation(data)
        return (lambda callback_list: model._evaluate_prepared(*val, batch_size,
                                                               callback_list)), val
    _check_steps(steps, "validation_steps")
    source = make_source(model, data, "validation_data")
    if steps is None:
        steps = _resolve_steps(source, None, "validation_steps")
        runs = sum(validation_due(e, freq) for e in epochs)
        if steps is None and runs > 1:
            raise ValueError(
                f"validation_data is a generator, which can be read only once, but fit() "
                f"validates {runs} times. Pass validation_steps (batches per validation; the "
                "generator should repeat its validation set every validation_steps batches), or "
                "use a keras.utils.PyDataset, which is read again each time. Received: "
                "validation_steps=None"
            )

    def validate(callback_list: Any) -> dict:
        if not source.has_more():
            _warn("The validation generator ran out of data; this epoch has no val_ metrics. "
                  "It must yield validation_steps batches per validation (loop over the data "
                  "with `while True:`).")
            return {}
        distribute.start(model)  # the first worker's model everywhere (hook)
        logs = distribute.global_logs(
            model, model._evaluate_batches(_packed(model, source.batches(steps)), callback_list))
        _warn_short(source, "validation_steps", steps)
        return logs

    return validate, source.first()


def _warn_short(source: Any, name: str, steps: int | None) -> None:
    if source.ran_out:
        source.ran_out = False
        have = f"its {source.num_batches}" if source.num_batches is not None else "fewer"
        _warn(f"{name}={steps} asks for more batches than the data holds; {have} batches were "
              f"used. Lower {name}, or leave it out to use all the batches.")


def evaluate(model: Any, x: Any, y: Any, *, sample_weight: Any, verbose: int, steps: int | None,
             callbacks: list | None, return_dict: bool) -> Any:
    """``Model.evaluate`` on a generator or a PyDataset (arguments checked by the caller)."""
    _refuse_separate("evaluate", x, y=y, sample_weight=sample_weight)
    source = make_source(model, x, "evaluate")
    steps = _resolve_steps(source, steps, "steps")
    xs, kind, ys, _ = source.first()
    model._ensure_built(xs, kind)
    diagnostics.check_data(model, None, xs, ys)
    callback_list = model._step_callbacks(callbacks, verbose, steps, "test")
    callback_list.on_test_begin()
    distribute.start(model)  # the first worker's model everywhere (hook)
    logs = distribute.global_logs(
        model, model._evaluate_batches(_packed(model, source.batches(steps)), callback_list))
    _warn_short(source, "steps", steps)
    callback_list.on_test_end(logs)
    return logs if return_dict else model._ordered(logs)


def predict(model: Any, x: Any, *, verbose: int, steps: int | None,
            callbacks: list | None) -> Any:
    """``Model.predict`` on a generator or a PyDataset: the outputs of all its batches (the
    targets a batch may hold are ignored).
    """
    source = make_source(model, x, "predict", targets=False)
    steps = _resolve_steps(source, steps, "steps")
    xs, kind, _, _ = source.first()
    model._ensure_built(xs, kind)
    diagnostics.check_data(model, None, xs, [])
    callback_list = model._step_callbacks(callbacks, verbose, steps, "predict")
    callback_list.on_predict_begin()
    distribute.start(model)  # every worker predicts every batch, with the same model (hook)
    out = model._predict_batches(
        (model._pack(bx, bkind) for bx, bkind, _, _ in source.batches(steps)), callback_list)
    _warn_short(source, "steps", steps)
    callback_list.on_predict_end()
    return out
