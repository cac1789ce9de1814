"""``ModelCheckpoint``: save the model (or its weights) during training, atomically."""

from __future__ import annotations

import math
import os
import warnings
from typing import Any

from keraslite.callbacks.monitor import MonitorCallback
from keraslite.naming import KerasliteWarning


class ModelCheckpoint(MonitorCallback):
    """Save the model or its weights after each epoch (or every ``save_freq`` batches).

    Every save goes through a temporary file that replaces the target only when complete, so
    an interruption never leaves a damaged checkpoint.

    Example:
        >>> checkpoint = keraslite.callbacks.ModelCheckpoint(
        ...     "best.keras", monitor="val_accuracy", save_best_only=True)
        >>> model.fit(x, y, validation_split=0.2, epochs=10, callbacks=[checkpoint])

    Args:
        filepath: where to save: ``.keras`` for the whole model (or ``.h5`` for the legacy
            HDF5 format, as in Keras 3), ``.weights.h5`` with ``save_weights_only``. May hold
            ``{epoch}``, ``{batch}`` and log entries, e.g.
            ``"ckpt-{epoch:02d}-{val_loss:.3f}.keras"``.
        monitor: the log entry to compare for ``save_best_only`` (default ``"val_loss"``).
        verbose: 1 prints a line for each save (or skip).
        save_best_only: save only when ``monitor`` improves on the best value so far.
        save_weights_only: save only the weights (``model.save_weights``).
        mode: ``"min"``, ``"max"`` or ``"auto"`` (inferred from the monitor's name).
        save_freq: ``"epoch"`` or a number of batches.
        initial_value_threshold: the value ``monitor`` must beat for the first save.

    """

    def __new__(cls, *args: Any, **kwargs: Any) -> ModelCheckpoint:
        # Batch hooks slow `fit` down, so only a per-batch checkpoint defines one.
        if cls is ModelCheckpoint and kwargs.get("save_freq", "epoch") != "epoch":
            cls = _BatchModelCheckpoint
        return super().__new__(cls)

    def __init__(self, filepath: str | os.PathLike, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False,
                 mode: str = "auto", save_freq: Any = "epoch",
                 initial_value_threshold: float | None = None) -> None:
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"`mode` must be 'auto', 'min' or 'max'. Received: mode={mode!r}")
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        self.filepath = os.fspath(filepath)
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int)
                                     or save_freq < 1):
            raise ValueError(f"Unrecognized save_freq: expected 'epoch' or a positive number of "
                             f"batches. Received: save_freq={save_freq!r}")
        # Keras 3's rule: `.weights.h5` for weights, `.keras` (or the legacy `.h5`) for models.
        suffixes = (".weights.h5",) if save_weights_only else (".keras", ".h5")
        if not self.filepath.endswith(suffixes):
            raise ValueError(
                f"The filepath must end in `{suffixes[0]}` when save_weights_only="
                f"{save_weights_only}" + ("" if save_weights_only else
                                          " (or in `.h5` for the legacy HDF5 format)") +
                f". Received: filepath={self.filepath!r}"
            )
        self._epoch = 0
        self._batches = 0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch = epoch

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.save_freq == "epoch":
            self._maybe_save(epoch, None, logs or {})

    def _maybe_save(self, epoch: int, batch: int | None, logs: dict) -> None:
        path = self._format(epoch, batch, logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn(
                    f"ModelCheckpoint can save the best model only with `{self.monitor}` in the "
                    f"logs; available: {sorted(logs)}. Saving anyway. (Pass e.g. "
                    "validation_data to fit for val_ metrics, or change `monitor`.)",
                    KerasliteWarning, stacklevel=3)
            elif not self._improved(float(current)):
                if self.verbose:
                    print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from "
                          f"{self.best:.5f}")
                return
            else:
                if self.verbose:
                    best = "None" if self.best is None else f"{self.best:.5f}"
                    print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                          f"{float(current):.5f}, saving model to {path}")
                self.best = float(current)
        elif self.verbose:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path, overwrite=True)
        else:
            self.model.save(path, overwrite=True)
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: finished saving model to {path}")

    def _format(self, epoch: int, batch: int | None, logs: dict) -> str:
        try:
            return self.filepath.format(epoch=epoch + 1, batch=batch, **logs)
        except KeyError as error:
            raise KeyError(
                f"ModelCheckpoint's filepath {self.filepath!r} uses {error}, which is not in "
                f"the logs. Available: epoch, batch, {', '.join(sorted(logs))}."
            ) from None

    def _improved(self, current: float) -> bool:
        return not math.isnan(current) and self._is_improvement(current, self.best)

    def _direction(self) -> bool:
        """Whether higher values of ``monitor`` are better."""
        if self._minimize is None:
            self._resolve_mode()
        return not self._minimize


class _BatchModelCheckpoint(ModelCheckpoint):
    """A ModelCheckpoint that saves every ``save_freq`` batches."""

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._batches += 1
        if self._batches >= self.save_freq:
            self._batches = 0
            self._maybe_save(self._epoch, batch, logs or {})
