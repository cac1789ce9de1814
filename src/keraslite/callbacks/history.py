"""``History`` (records the logs of each epoch) and ``ProgbarLogger`` (the status display)."""

from __future__ import annotations

from typing import Any

from keraslite.callbacks.callback import Callback
from keraslite.display.progbar import Progbar


class History(Callback):
    """Records each epoch's logs: ``history.history["loss"]`` is the list of epoch losses.

    ``fit`` returns it; ``history.epoch`` lists the epoch indices and ``history.params`` the
    training parameters. ``history.logged_epochs[name]`` lists the epochs each value was logged
    at: ``val_`` lists are shorter than the training lists with ``validation_freq > 1``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []
        self.logged_epochs: dict[str, list[int]] = {}

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)
            self.logged_epochs.setdefault(k, []).append(epoch)
        if self.model is not None:
            self.model.history = self


class ProgbarLogger(Callback):
    """Prints ``Epoch i/n`` and the progress bar with the running metrics."""

    def __init__(self) -> None:
        super().__init__()
        self.progbar: Progbar | None = None
        self.verbose = 1
        self.epochs = 1
        self.target: int | None = None
        self.mode = "train"  # "test" for evaluate's own bar (fit's validation shows none)

    def set_params(self, params: dict) -> None:
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _new_bar(self, target: int | None) -> None:
        self.progbar = Progbar(target, verbose=self.verbose)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)
        self._new_bar(self.target)

    def due(self, step: int) -> bool:
        """Whether the bar would redraw now at ``step`` (lets fit skip building logs)."""
        return self.progbar is not None and self.progbar.due(step)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.progbar.update(batch + 1, _items(logs), finalize=False)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.target is None:  # a generator's length, learnt: the last line reads N/N
            self.target = self.progbar.target = self.progbar._seen or None
        self.progbar.update(self.progbar._seen if self.target is None else self.target,
                            _items(logs), finalize=True)

    def _learn_target(self) -> None:
        if self.progbar.target is None:
            self.progbar.target = self.progbar._seen or None

    def on_test_begin(self, logs: dict | None = None) -> None:
        if self.mode == "test":
            self._new_bar(self.params.get("steps"))

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.mode == "test":
            self.progbar.update(batch + 1, _items(logs), finalize=False)

    def on_test_end(self, logs: dict | None = None) -> None:
        if self.mode == "test":
            self._learn_target()
            self.progbar.update(self.params.get("steps") or self.progbar._seen, _items(logs),
                                finalize=True)

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._new_bar(self.params.get("steps"))

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.progbar.update(batch + 1, None, finalize=False)

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._learn_target()
        self.progbar.update(self.params.get("steps") or self.progbar._seen, None, finalize=True)


def _items(logs: Any) -> list:
    return list((logs or {}).items())
