"""Loss names: the table of Keras 3 identifiers, ``get``, and (de)serialization to Keras' dicts.

Only names in :data:`ALL` can be resolved; nothing is imported by path.
"""

from __future__ import annotations

from typing import Any

from keraslite.losses import crossentropy, focal, margin, probabilistic, regression
from keraslite.losses.base import Loss, LossFunctionWrapper
from keraslite.naming import deprecated, lookup
from keraslite.registry_utils import class_config

_FUNCTIONS = (
    regression.mean_squared_error,
    regression.mean_absolute_error,
    regression.mean_absolute_percentage_error,
    regression.mean_squared_logarithmic_error,
    regression.huber,
    regression.log_cosh,
    regression.cosine_similarity,
    margin.hinge,
    margin.squared_hinge,
    margin.categorical_hinge,
    probabilistic.kl_divergence,
    probabilistic.poisson,
    crossentropy.binary_crossentropy,
    crossentropy.categorical_crossentropy,
    crossentropy.sparse_categorical_crossentropy,
    focal.binary_focal_crossentropy,
    focal.categorical_focal_crossentropy,
)
_CLASSES = (
    regression.MeanSquaredError,
    regression.MeanAbsoluteError,
    regression.MeanAbsolutePercentageError,
    regression.MeanSquaredLogarithmicError,
    regression.Huber,
    regression.LogCosh,
    regression.CosineSimilarity,
    margin.Hinge,
    margin.SquaredHinge,
    margin.CategoricalHinge,
    probabilistic.KLDivergence,
    probabilistic.Poisson,
    crossentropy.BinaryCrossentropy,
    crossentropy.CategoricalCrossentropy,
    crossentropy.SparseCategoricalCrossentropy,
    focal.BinaryFocalCrossentropy,
    focal.CategoricalFocalCrossentropy,
)
# Keras 3's short aliases (keras/src/losses/__init__.py).
_ALIASES = {
    "bce": crossentropy.binary_crossentropy,
    "BCE": crossentropy.binary_crossentropy,
    "kld": probabilistic.kl_divergence,
    "KLD": probabilistic.kl_divergence,
    "mae": regression.mean_absolute_error,
    "MAE": regression.mean_absolute_error,
    "mse": regression.mean_squared_error,
    "MSE": regression.mean_squared_error,
    "mape": regression.mean_absolute_percentage_error,
    "MAPE": regression.mean_absolute_percentage_error,
    "msle": regression.mean_squared_logarithmic_error,
    "MSLE": regression.mean_squared_logarithmic_error,
}

#: Every loss name Keras 3's ``keras.losses.get`` resolves (in this catalogue) -> its object.
ALL: dict[str, Any] = {
    **{fn.__name__: fn for fn in _FUNCTIONS},
    **{cls.__name__: cls for cls in _CLASSES},
    **_ALIASES,
}

# Names from Keras 2 (tf.keras) that Keras 3 dropped: accepted with a note.
_KERAS2_NAMES = {
    "logcosh": "log_cosh",
    "kullback_leibler_divergence": "kl_divergence",
    "huber_loss": "huber",
}
_BY_SHAPE = ("crossentropy", "ce")


def get(identifier: Any) -> Any:
    """Return the loss that ``identifier`` names.

    Args:
        identifier: a name (a function name gives the function, a class name an instance with
            default arguments, ``"crossentropy"``/``"ce"`` an :class:`AutoCrossentropy`), a
            config dict as written by :func:`serialize`, a :class:`Loss` class or instance, a
            callable ``(y_true, y_pred)``, or None.

    Returns:
        A function, a :class:`Loss` instance, or None.

    Raises:
        ValueError: for an unknown name, with the closest known one.
        TypeError: for anything else.

    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier.lower() in _BY_SHAPE:
            return crossentropy.AutoCrossentropy(name=identifier)
        if identifier in _KERAS2_NAMES:
            new = _KERAS2_NAMES[identifier]
            deprecated(f"The loss name {identifier!r} is from Keras 2; Keras 3 calls it {new!r}. "
                       f"Received: loss={identifier!r}")
            identifier = new
        found = lookup(identifier, ALL, "loss", "loss")
        return found() if isinstance(found, type) else found
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        return identifier
    raise TypeError(
        "Could not interpret loss: expected a name such as 'mean_squared_error', a Loss, or a "
        f"callable (y_true, y_pred). Received: loss={identifier!r}"
    )


def serialize(loss: Any) -> Any:
    """The Keras 3 config dict of a loss: ``{"module", "class_name", "config", ...}``."""
    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, Loss):
        return class_config(loss, "keras.losses")
    name = getattr(loss, "__name__", None)
    if ALL.get(name) is not loss:
        raise ValueError(
            "Only built-in loss functions and Loss objects can be serialized; wrap a custom "
            "function in a Loss subclass with get_config(). "
            f"Received: loss={loss!r}"
        )
    return {"module": "builtins", "class_name": "function", "config": name,
            "registered_name": "function"}


def deserialize(config: Any) -> Any:
    """Rebuild a loss from a name or a :func:`serialize` dict (known names only)."""
    if not isinstance(config, dict):
        return get(config)
    class_name = config.get("class_name")
    if class_name == "function":
        return get(config.get("config"))
    if class_name == "LossFunctionWrapper":
        return LossFunctionWrapper.from_config(config.get("config", {}))
    cls = lookup(class_name, {c.__name__: c for c in _CLASSES}, "loss class", "class_name")
    return cls.from_config(config.get("config", {}))
