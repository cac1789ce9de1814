"""Keras 3's scikit-learn wrappers: SKLearnClassifier, SKLearnRegressor, SKLearnTransformer.

A wrapper is a scikit-learn estimator around a compiled keraslite model, so that
``GridSearchCV``, ``cross_val_score``, ``Pipeline``, ``clone`` and ``n_jobs`` (processes: the
estimator and its model pickle) work. The arguments and behaviour follow
``keras/src/wrappers/sklearn_wrapper.py``:

- ``model``: a compiled ``Model`` (cloned, with a fresh optimizer, before each fit unless
  ``warm_start``) or a callable ``model(X=X, y=y, **model_kwargs)`` returning a compiled model.
  ``y`` is the encoded target (one-hot columns for a classifier, 2-D for a regressor).
- ``fit_kwargs``: arguments of ``model.fit``; those given to ``fit`` take precedence.
- ``warm_start``: keep training the fitted model (or the given model) on the next ``fit``.

Where Keras 3 has a slip, keraslite keeps the documented behaviour: ``clone`` keeps
``fit_kwargs`` (Keras 3's ``__sklearn_clone__`` drops it), ``fit`` never writes into
``fit_kwargs``, and ``history_`` is the dict of per-epoch values that the docs promise.
``predict``/``transform`` use the ``verbose`` of ``fit_kwargs`` when it is given, and the
regressor and transformer accept a 2-D ``y`` (n_samples, n_outputs) as their docs say.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from keraslite.models import Model
from keraslite.wrappers._sklearn_base import (
    MODEL_LOCK,
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    TargetReshaper,
    TransformerMixin,
    check_compiled,
    compiled_clone,
    require_sklearn,
    target_type,
    validate_data,
)


class SKLBase(BaseEstimator):
    """The shared part of the scikit-learn wrappers (see the module docstring).

    Args:
        model: a compiled ``keraslite.Model``, or a callable returning one; it is called as
            ``model(X=X, y=y, **model_kwargs)``.
        warm_start: reuse the weights of the previous fit (and train the given model itself
            rather than a clone).
        model_kwargs: keyword arguments for ``model`` when it is a callable.
        fit_kwargs: keyword arguments for ``model.fit`` (``epochs``, ``batch_size``,
            ``verbose``, ...); arguments given to :meth:`fit` take precedence.

    Attributes:
        model_: the fitted model.
        history_: ``{"loss": [...], ...}``, the per-epoch values of the last fit.
        n_features_in_: the number of input features seen by ``fit``.

    """

    _multi_output = True  # y may be (n_samples, n_outputs); classifiers take labels only

    def __init__(self, model: Any, warm_start: bool = False, model_kwargs: dict | None = None,
                 fit_kwargs: dict | None = None) -> None:
        require_sklearn(type(self).__name__)
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    # -- scikit-learn protocol ----------------------------------------------------------------
    def _more_tags(self) -> dict:  # scikit-learn < 1.6
        return {"non_deterministic": True}

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def __sklearn_clone__(self) -> SKLBase:
        """An unfitted copy with the same parameters; a model instance is shared, not copied.

        It is cloned anyway when fitted (unless ``warm_start``), as in Keras 3.
        """
        return type(self)(model=self.model, warm_start=self.warm_start,
                          model_kwargs=copy.deepcopy(self.model_kwargs),
                          fit_kwargs=copy.deepcopy(self.fit_kwargs))

    def set_fit_request(self, **kwargs: Any) -> SKLBase:
        """Request metadata for ``fit`` (scikit-learn's metadata routing must be enabled).

        Args:
            **kwargs: ``param_name=alias`` with alias ``True``, ``False``, ``None`` or a string.

        Returns:
            self

        """
        import sklearn

        if not sklearn.get_config().get("enable_metadata_routing", False):
            raise RuntimeError(
                "set_fit_request() is only available when metadata routing is enabled: call "
                "sklearn.set_config(enable_metadata_routing=True) first.")
        from sklearn.utils.metadata_routing import MetadataRequest

        self._metadata_request = MetadataRequest(owner=type(self).__name__)
        for param, alias in kwargs.items():
            self._metadata_request.fit.add_request(param=param, alias=alias)
        return self

    @property
    def epoch_(self) -> int:
        """The number of epochs of the last fit (0 before fitting)."""
        history = getattr(self, "history_", None) or {}
        return len(next(iter(history.values()), []))

    # -- fitting and predicting ---------------------------------------------------------------
    def _get_model(self, X: Any, y: Any) -> Any:
        if self.warm_start and hasattr(self, "model_"):
            return self.model_
        if isinstance(self.model, Model):
            return self.model if self.warm_start else compiled_clone(self.model)
        if not callable(self.model):
            raise TypeError(
                f"{type(self).__name__}: `model` must be a compiled keraslite Model or a "
                "callable that builds one from (X=..., y=..., **model_kwargs). Received: "
                f"model={self.model!r}")
        return self.model(X=X, y=y, **(self.model_kwargs or {}))

    def fit(self, X: Any, y: Any, **kwargs: Any) -> SKLBase:
        """Fit the model on ``X`` (n_samples, n_features) and ``y``.

        Args:
            X: array-like of shape (n_samples, n_features).
            y: array-like of shape (n_samples,) or (n_samples, n_outputs).
            **kwargs: arguments of ``model.fit``, over those of ``fit_kwargs``.

        Returns:
            self

        """
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y "
                             "is None: fit(X, y) trains the model to map X onto y.")
        X, y = validate_data(self, X, y, reset=True, multi_output=self._multi_output)
        y = self._process_target(y, reset=True)
        fit_kwargs = {**(self.fit_kwargs or {}), **kwargs}
        with MODEL_LOCK:  # one model trains at a time per process (see MODEL_LOCK)
            model = self._get_model(X, y)
            check_compiled(model, type(self).__name__)
            history = model.fit(X, y, **fit_kwargs)
        self.history_ = dict(getattr(history, "history", None) or {})
        self.model_ = model
        return self

    def _raw_predict(self, X: Any) -> Any:
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        verbose = (self.fit_kwargs or {}).get("verbose", "auto")
        with MODEL_LOCK:
            return np.asarray(self.model_.predict(X, verbose=verbose))

    def predict(self, X: Any) -> Any:
        """Predict with the fitted model (class labels for a classifier)."""
        return self._reverse_process_target(self._raw_predict(X))

    def _process_target(self, y: Any, reset: bool = False) -> Any:
        """Regressors and transformers: ``y`` as 2-D columns (an unknown label type raises)."""
        target_type(y)
        if reset:
            self._target_encoder = TargetReshaper().fit(y)
        return self._target_encoder.transform(y)

    def _reverse_process_target(self, y: Any) -> Any:
        return self._target_encoder.inverse_transform(y)


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """A scikit-learn classifier around a keraslite model (``keras.wrappers.SKLearnClassifier``).

    ``y`` (binary or multiclass labels of any type) is one-hot encoded for the model, so the
    model ends in ``n_classes`` units (softmax) with ``categorical_crossentropy``; ``predict``
    returns the label of the largest output, ``decision_function`` the raw outputs.

    Args:
        model: a compiled ``Model`` or a callable ``model(X=..., y=..., **model_kwargs)``.
        warm_start: reuse the weights of the previous fit.
        model_kwargs: keyword arguments for ``model`` when it is a callable.
        fit_kwargs: keyword arguments for ``model.fit``.

    Attributes:
        model_, history_, n_features_in_: as for every wrapper.
        classes_: the class labels, sorted.

    Example:
        >>> def build(X, y, hidden=16):
        ...     model = keras.Sequential([keras.Input((X.shape[1],)),
        ...                               keras.layers.Dense(hidden, activation="relu"),
        ...                               keras.layers.Dense(y.shape[1], activation="softmax")])
        ...     model.compile(optimizer="adam", loss="categorical_crossentropy")
        ...     return model
        >>> clf = SKLearnClassifier(build, model_kwargs={"hidden": 32},
        ...                         fit_kwargs={"epochs": 20, "verbose": 0})
        >>> clf.fit(X, y).score(X, y)

    """

    _multi_output = False

    def decision_function(self, X: Any) -> Any:
        """The model's raw outputs (one column per class)."""
        return self._raw_predict(X)

    def _process_target(self, y: Any, reset: bool = False) -> Any:
        kind = target_type(y)
        if kind not in ("binary", "multiclass"):
            raise ValueError(
                "SKLearnClassifier supports binary and multiclass targets only (use "
                "SKLearnRegressor for continuous or multi-output targets). Received: target "
                f"type {kind!r}")
        if reset:
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import OneHotEncoder

            self._target_encoder = make_pipeline(
                TargetReshaper(), OneHotEncoder(sparse_output=False)).fit(y)
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError(
                    "SKLearnClassifier can't train when only one class is present: y needs "
                    f"at least two classes. Received: classes {self.classes_.tolist()}")
        return self._target_encoder.transform(y)

    def _more_tags(self) -> dict:
        return {**super()._more_tags(), "poor_score": True}

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags


class SKLearnRegressor(RegressorMixin, SKLBase):
    """A scikit-learn regressor around a keraslite model (``keras.wrappers.SKLearnRegressor``).

    ``y`` reaches the model as 2-D columns; a 1-D ``y`` gives 1-D predictions back.
    ``score`` is scikit-learn's R². Predictions are float64, as scikit-learn's regressors'.

    Args:
        model: a compiled ``Model`` or a callable ``model(X=..., y=..., **model_kwargs)``.
        warm_start: reuse the weights of the previous fit.
        model_kwargs: keyword arguments for ``model`` when it is a callable.
        fit_kwargs: keyword arguments for ``model.fit``.

    """

    def predict(self, X: Any) -> Any:
        """The model's predictions as float64 (1-D when ``y`` was 1-D)."""
        return super().predict(X).astype(np.float64)

    def _more_tags(self) -> dict:
        return {**super()._more_tags(), "poor_score": True, "multioutput": True}

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        tags.target_tags.multi_output = True
        return tags


class SKLearnTransformer(TransformerMixin, SKLBase):
    """A scikit-learn transformer whose ``transform`` is the model's prediction.

    (A transformer in scikit-learn's sense, such as an embedding step in a ``Pipeline``.)
    ``fit(X, y)`` trains the model on ``y``; ``transform(X)`` returns ``model.predict(X)``.

    Args:
        model: a compiled ``Model`` or a callable ``model(X=..., y=..., **model_kwargs)``.
        warm_start: reuse the weights of the previous fit.
        model_kwargs: keyword arguments for ``model`` when it is a callable.
        fit_kwargs: keyword arguments for ``model.fit``.

    """

    def transform(self, X: Any) -> Any:
        """The model's outputs for ``X`` (n_samples, n_outputs)."""
        return self._raw_predict(X)

    def _more_tags(self) -> dict:
        return {**super()._more_tags(), "preserves_dtype": [], "multioutput": True}

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        tags.target_tags.multi_output = True
        return tags
