"""What the scikit-learn wrappers share: the optional import, data checks, target encoding.

scikit-learn is imported here, when ``keraslite.wrappers`` is first used (``import keraslite``
does not import it). Without it the wrapper classes still exist, and constructing one raises
an ImportError that names the extra to install.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from keraslite.models import clone_model
from keraslite.saving.serialization import serialize_keras_object

MODEL_LOCK = threading.RLock()
"""Held while a wrapper trains or predicts. keraslite's gradient tape is per process, so two
models must not train at once in threads of one process (joblib's "threading" backend): the
wrappers take turns. Parallel work goes to processes (joblib's default "loky", or Dask)."""

try:
    import sklearn
    from sklearn.base import (
        BaseEstimator,
        ClassifierMixin,
        RegressorMixin,
        TransformerMixin,
    )
except ImportError:  # pragma: no cover - exercised only without the [sklearn] extra
    sklearn = None

    class BaseEstimator:  # type: ignore[no-redef]
        """Stand-in so that the wrapper classes can be defined without scikit-learn."""

    class ClassifierMixin:  # type: ignore[no-redef]
        """Stand-in (scikit-learn is not installed)."""

    class RegressorMixin:  # type: ignore[no-redef]
        """Stand-in (scikit-learn is not installed)."""

    class TransformerMixin:  # type: ignore[no-redef]
        """Stand-in (scikit-learn is not installed)."""


def require_sklearn(owner: str) -> None:
    """Raise an ImportError naming the extra when scikit-learn is missing."""
    if sklearn is None:
        raise ImportError(
            f"{owner} needs scikit-learn, which is not installed. Install it with "
            "`pip install \"keraslite[sklearn]\"` (or `pip install scikit-learn`).")


def validate_data(estimator: Any, X: Any, y: Any = None, reset: bool = True,
                  multi_output: bool = False) -> Any:
    """scikit-learn's input validation (sets/checks ``n_features_in_``), any version >= 1.2.

    ``multi_output`` lets ``y`` have several columns (n_samples, n_outputs).
    """
    try:
        from sklearn.utils.validation import validate_data as check
    except ImportError:  # scikit-learn < 1.6
        if y is None:
            return estimator._validate_data(X, reset=reset)
        return estimator._validate_data(X, y, reset=reset, multi_output=multi_output)
    if y is None:
        return check(estimator, X, reset=reset)
    return check(estimator, X, y, reset=reset, multi_output=multi_output)


def target_type(y: Any) -> str:
    """scikit-learn's ``type_of_target``; an unknown label type raises ValueError."""
    from sklearn.utils.multiclass import type_of_target

    kind = type_of_target(y)
    if kind == "unknown":
        raise ValueError(f"Unknown label type for y: {y!r}")
    return kind


class TargetReshaper(TransformerMixin, BaseEstimator):
    """Turn 1-D targets into one column (for encoders that need 2-D input) and back.

    Attributes:
        ndim_: the number of dimensions of the ``y`` it was fitted on.

    """

    def fit(self, y: Any) -> TargetReshaper:
        self.ndim_ = np.ndim(y)
        return self

    def transform(self, y: Any) -> Any:
        y = np.asarray(y)
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def inverse_transform(self, y: Any) -> Any:
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        y = np.asarray(y)
        if self.ndim_ == 1 and y.ndim == 2 and y.shape[1] == 1:
            return y[:, 0]
        return y


def check_compiled(model: Any, owner: str) -> None:
    """The model to train must be compiled with a loss and an optimizer."""
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None \
            or not getattr(model, "loss", None):
        raise RuntimeError(
            f"{owner} needs a compiled model with a loss and an optimizer. Call "
            "`model.compile(optimizer=..., loss=...)` on the model you pass (or inside the "
            f"function that builds it). Received: a model with compiled="
            f"{getattr(model, 'compiled', False)}")


def compiled_clone(model: Any) -> Any:
    """``clone_model(model)``, compiled as ``model`` is (as Keras 3's clone_model does).

    The clone gets its own optimizer (rebuilt from the original's config), so the two never
    share optimizer state.
    """
    clone = clone_model(model)
    if getattr(model, "compiled", False) and model.get_compile_config() is not None:
        clone.compile_from_config(serialize_keras_object(model.get_compile_config()))
    return clone
