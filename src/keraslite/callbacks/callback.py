"""The ``Callback`` base class and ``CallbackList``, which dispatches each hook to all."""

from __future__ import annotations

from typing import Any

_HOOKS = (
    "on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
    "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
    "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
    "on_predict_batch_begin", "on_predict_batch_end",
)


class Callback:
    """Base class of callbacks: override any hook; ``self.model`` is the model being trained.

    ``self.params`` holds ``verbose``, ``epochs`` and ``steps``. Set
    ``self.model.stop_training = True`` to end ``fit`` after the current batch.
    """

    def __init__(self) -> None:
        self.params: dict = {}
        self._model = None

    def set_params(self, params: dict) -> None:
        self.params = params

    def set_model(self, model: Any) -> None:
        self._model = model

    @property
    def model(self) -> Any:
        return self._model

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Alias of ``on_train_batch_begin`` (Keras 2)."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Alias of ``on_train_batch_end`` (Keras 2)."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the start of each epoch of ``fit``."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the end of each epoch with its training and validation logs."""

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Called once at the start of ``fit``."""

    def on_train_end(self, logs: dict | None = None) -> None:
        """Called once at the end of ``fit``."""

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.on_batch_end(batch, logs)

    def on_test_begin(self, logs: dict | None = None) -> None:
        """Called at the start of ``evaluate`` (and of validation)."""

    def on_test_end(self, logs: dict | None = None) -> None:
        """Called at the end of ``evaluate`` (and of validation)."""

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before each evaluation batch."""

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after each evaluation batch."""

    def on_predict_begin(self, logs: dict | None = None) -> None:
        """Called at the start of ``predict``."""

    def on_predict_end(self, logs: dict | None = None) -> None:
        """Called at the end of ``predict``."""

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before each prediction batch."""

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after each prediction batch."""


class CallbackList:
    """Calls each hook on every callback, in order; hooks nobody overrides cost nothing."""

    def __init__(self, callbacks: list, model: Any = None, params: dict | None = None) -> None:
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(
                    "Each entry of `callbacks` must be a keras.callbacks.Callback instance. "
                    f"Received: {cb!r} (of type {type(cb).__name__})"
                )
            if model is not None:
                cb.set_model(model)
            if params is not None:
                cb.set_params(params)
        for hook in _HOOKS:
            active = [getattr(cb, hook) for cb in self.callbacks if overrides(cb, hook)]
            setattr(self, hook, _dispatch(active, hook.endswith(("_batch_begin", "_batch_end",
                                                                "epoch_begin", "epoch_end"))))

    def __iter__(self):
        return iter(self.callbacks)


def overrides(cb: Callback, hook: str) -> bool:
    """Whether ``cb`` implements ``hook`` (directly or through its Keras 2 alias)."""
    if hook in vars(cb) or getattr(type(cb), hook) is not getattr(Callback, hook):
        return True
    alias = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}
    return hook in alias and (alias[hook] in vars(cb) or
                              getattr(type(cb), alias[hook]) is not getattr(Callback, alias[hook]))


def _dispatch(methods: list, indexed: bool):
    """One function calling every method, always passing ``logs`` (a dict) positionally."""
    if not methods:
        return _nothing
    if indexed:
        def call_all(index: int, logs: dict | None = None) -> None:
            logs = {} if logs is None else logs
            for m in methods:
                m(index, logs)
    else:
        def call_all(logs: dict | None = None) -> None:
            logs = {} if logs is None else logs
            for m in methods:
                m(logs)
    return call_all


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None
