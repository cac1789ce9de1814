"""Keras 2's ``keras.wrappers.scikit_learn``: ``KerasClassifier`` and ``KerasRegressor``.

Tutorials and course code still write ``KerasClassifier(build_fn=make_model, epochs=10,
batch_size=32)``. These classes keep that working (Keras 2's behaviour: ``build_fn`` takes the
keyword arguments it names from ``sk_params`` and returns a compiled model; the other
``sk_params`` go to ``fit``, ``predict`` and ``evaluate``), with a one-line note pointing at
Keras 3's :class:`~keraslite.wrappers.SKLearnClassifier` / ``SKLearnRegressor``. Under
``keraslite run`` they are served as ``keras.wrappers.scikit_learn`` and
``tensorflow.keras.wrappers.scikit_learn``.
"""

from __future__ import annotations

import inspect
import types
from typing import Any

import numpy as np

from keraslite.compat.notes import note
from keraslite.models import Sequential
from keraslite.utils import to_categorical
from keraslite.wrappers._sklearn_base import (
    MODEL_LOCK,
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    require_sklearn,
)

_NOTED: set[str] = set()


def _note_once(name: str) -> None:
    if name not in _NOTED:
        _NOTED.add(name)
        new = "SKLearnClassifier" if name == "KerasClassifier" else "SKLearnRegressor"
        note(f"keras.wrappers.scikit_learn.{name} is Keras 2's wrapper; Keras 3 has "
             f"keras.wrappers.{new}(model=build_fn, model_kwargs=..., fit_kwargs=...).")


def _arg_names(fn: Any) -> set[str]:
    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return set()


def _model_methods() -> tuple:
    return Sequential.fit, Sequential.predict, Sequential.evaluate


def _categorical(loss: Any) -> bool:
    name = getattr(loss, "__name__", None) or getattr(loss, "name", None) or loss
    return isinstance(name, str) and name in ("categorical_crossentropy",
                                              "CategoricalCrossentropy")


class BaseWrapper(BaseEstimator):
    """Keras 2's wrapper base: ``build_fn`` plus ``sk_params`` (see the module docstring).

    Args:
        build_fn: a function (or callable object) returning a compiled model; ``None`` to use
            the subclass's ``__call__``.
        **sk_params: arguments of ``build_fn`` and of ``fit``/``predict``/``evaluate``
            (``epochs``, ``batch_size``, ``verbose``, ...).

    """

    def __init__(self, build_fn: Any = None, **sk_params: Any) -> None:
        require_sklearn(type(self).__name__)
        _note_once(type(self).__name__)
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    def _build_target(self) -> Any:
        if self.build_fn is None:
            return self.__call__
        if isinstance(self.build_fn, (types.FunctionType, types.MethodType)):
            return self.build_fn
        return self.build_fn.__call__

    def check_params(self, params: dict) -> None:
        """Raise ValueError for a parameter that neither ``build_fn`` nor the model takes."""
        legal = set().union(*(_arg_names(fn) for fn in _model_methods()))
        legal |= _arg_names(self._build_target())
        for name in params:
            if name not in legal:
                raise ValueError(
                    f"{name} is not a legal parameter: sk_params go to build_fn or to the "
                    "model's fit/predict/evaluate. Received: "
                    f"{name}={params[name]!r}")

    def get_params(self, deep: bool = True) -> dict:
        """``sk_params`` and ``build_fn`` (for scikit-learn's ``clone``)."""
        return {**self.sk_params, "build_fn": self.build_fn}

    def set_params(self, **params: Any) -> BaseWrapper:
        """Update ``sk_params`` (or ``build_fn``)."""
        if "build_fn" in params:
            self.build_fn = params.pop("build_fn")
        self.check_params(params)
        self.sk_params.update(params)
        return self

    def filter_sk_params(self, fn: Any, override: dict | None = None) -> dict:
        """The ``sk_params`` (then ``override``) that ``fn`` accepts."""
        names = _arg_names(fn)
        out = {k: v for k, v in self.sk_params.items() if k in names}
        out.update({k: v for k, v in (override or {}).items() if k in names})
        return out

    def fit(self, x: Any, y: Any, **kwargs: Any) -> Any:
        """Build the model with ``build_fn`` and train it; returns the ``History``."""
        fit, _, _ = _model_methods()
        build = self._build_target()
        self.model = build(**self.filter_sk_params(build))
        y = np.asarray(y)
        if _categorical(self.model.loss) and y.ndim != 2:
            y = to_categorical(y)
        fit_args = {**self.filter_sk_params(fit), **kwargs}
        with MODEL_LOCK:
            return self.model.fit(x, y, **fit_args)


class KerasClassifier(ClassifierMixin, BaseWrapper):
    """Keras 2's scikit-learn classifier (``keras.wrappers.scikit_learn.KerasClassifier``)."""

    def fit(self, x: Any, y: Any, **kwargs: Any) -> Any:
        """Fit on labels (any type: encoded as 0..n_classes-1) or one-hot rows."""
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] > 1:
            self.classes_ = np.arange(y.shape[1])
        elif y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1):
            self.classes_ = np.unique(y)
            y = np.searchsorted(self.classes_, y)
        else:
            raise ValueError(f"Invalid shape for y: expected (n,) or (n, n_classes). "
                             f"Received: {y.shape}")
        self.n_classes_ = len(self.classes_)
        return super().fit(x, y, **kwargs)

    def predict_proba(self, x: Any, **kwargs: Any) -> Any:
        """Class probabilities, shape (n_samples, n_classes) (two columns for one sigmoid)."""
        _, predict, _ = _model_methods()
        with MODEL_LOCK:
            probs = np.asarray(self.model.predict(x, **self.filter_sk_params(predict, kwargs)))
        if probs.ndim == 2 and probs.shape[1] == 1:
            probs = np.hstack([1 - probs, probs])
        return probs

    def predict(self, x: Any, **kwargs: Any) -> Any:
        """Class labels: the largest output, or a single sigmoid output above 0.5."""
        probs = self.predict_proba(x, **kwargs)
        return self.classes_[probs.argmax(axis=-1)]

    def score(self, x: Any, y: Any, **kwargs: Any) -> float:
        """The model's ``accuracy`` metric on ``(x, y)`` (compile with metrics=["accuracy"])."""
        _, _, evaluate = _model_methods()
        y = np.searchsorted(self.classes_, np.asarray(y))
        if _categorical(self.model.loss) and y.ndim != 2:
            y = to_categorical(y, num_classes=self.n_classes_)
        args = {"verbose": 0, **self.filter_sk_params(evaluate, kwargs)}
        with MODEL_LOCK:
            outputs = self.model.evaluate(x, y, return_dict=True, **args)
        for name in ("accuracy", "acc", "categorical_accuracy", "binary_accuracy",
                     "sparse_categorical_accuracy"):
            if name in outputs:
                return float(outputs[name])
        raise ValueError(
            "KerasClassifier.score() needs an accuracy metric: compile the model with "
            f"metrics=['accuracy']. Received metrics: {sorted(outputs)}")


class KerasRegressor(RegressorMixin, BaseWrapper):
    """Keras 2's scikit-learn regressor (``keras.wrappers.scikit_learn.KerasRegressor``)."""

    def predict(self, x: Any, **kwargs: Any) -> Any:
        """The model's predictions, squeezed (1-D for one output)."""
        _, predict, _ = _model_methods()
        with MODEL_LOCK:
            return np.squeeze(np.asarray(
                self.model.predict(x, **self.filter_sk_params(predict, kwargs))))

    def score(self, x: Any, y: Any, **kwargs: Any) -> float:
        """Minus the loss on ``(x, y)`` (greater is better, as scikit-learn expects)."""
        _, _, evaluate = _model_methods()
        args = {"verbose": 0, **self.filter_sk_params(evaluate, kwargs)}
        with MODEL_LOCK:
            outputs = self.model.evaluate(x, y, return_dict=True, **args)
        return -float(outputs["loss"])
