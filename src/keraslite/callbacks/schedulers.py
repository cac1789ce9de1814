"""``LearningRateScheduler``, ``TerminateOnNaN`` and ``LambdaCallback``."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from keraslite.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of each epoch from ``schedule(epoch, lr)``.

    ``schedule`` may also take only the epoch. The rate is logged as ``learning_rate``.

    Args:
        schedule: ``(epoch, current_lr) -> new_lr`` (epochs count from 0).
        verbose: 1 prints each change.
    """

    def __init__(self, schedule: Callable, verbose: int = 0) -> None:
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        optimizer = self.model.optimizer
        lr = float(optimizer.learning_rate)
        try:
            lr = self.schedule(epoch, lr)
        except TypeError:  # a schedule of the epoch alone
            lr = self.schedule(epoch)
        lr = float(getattr(lr, "value", lr))
        if not math.isfinite(lr):
            raise ValueError(
                'The output of the "schedule" function should be a finite float. '
                f"Received: lr={lr}"
            )
        optimizer.learning_rate = lr
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


class TerminateOnNaN(Callback):
    """Stop training as soon as a batch's loss is NaN or infinite."""

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class LambdaCallback(Callback):
    """A callback made of plain functions, one per hook.

    Args:
        on_epoch_begin, on_epoch_end: ``(epoch, logs)``.
        on_train_begin, on_train_end: ``(logs)``.
        on_train_batch_begin, on_train_batch_end: ``(batch, logs)``.
        **kwargs: any other hook by name (``on_test_end=...``).
    """

    def __init__(self, on_epoch_begin: Callable | None = None,
                 on_epoch_end: Callable | None = None, on_train_begin: Callable | None = None,
                 on_train_end: Callable | None = None,
                 on_train_batch_begin: Callable | None = None,
                 on_train_batch_end: Callable | None = None, **kwargs: Any) -> None:
        super().__init__()
        hooks = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end, **kwargs)
        for name, fn in hooks.items():
            if fn is None:
                continue
            if not name.startswith("on_") or not hasattr(Callback, name):
                raise ValueError(f"LambdaCallback got an unknown hook name. Received: {name}")
            setattr(self, name, fn)
