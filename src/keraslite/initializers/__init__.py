"""Weight initializers (``keraslite.initializers``): callables ``(shape, dtype) -> array``.

Names, arguments, defaults and configs are Keras 3's (``keras/src/initializers/``). Random
initializers take a ``seed``: an int gives a private stream (the same values on every call, as
in Keras); ``None`` draws from the backend's one generator, so ``keraslite.utils.set_random_seed``
makes initialization repeatable.
"""

from __future__ import annotations

from typing import Any

from keraslite.backend import xp
from keraslite.initializers.base import Initializer as Initializer
from keraslite.initializers.base import resolve_dtype as _dtype
from keraslite.initializers.constant import Constant as Constant
from keraslite.initializers.constant import Identity as Identity
from keraslite.initializers.constant import Ones as Ones
from keraslite.initializers.constant import Zeros as Zeros
from keraslite.initializers.random import TRUNCATED_STDDEV as TRUNCATED_STDDEV
from keraslite.initializers.random import GlorotNormal as GlorotNormal
from keraslite.initializers.random import GlorotUniform as GlorotUniform
from keraslite.initializers.random import HeNormal as HeNormal
from keraslite.initializers.random import HeUniform as HeUniform
from keraslite.initializers.random import LecunNormal as LecunNormal
from keraslite.initializers.random import LecunUniform as LecunUniform
from keraslite.initializers.random import Orthogonal as Orthogonal
from keraslite.initializers.random import RandomInitializer as RandomInitializer
from keraslite.initializers.random import RandomNormal as RandomNormal
from keraslite.initializers.random import RandomUniform as RandomUniform
from keraslite.initializers.random import TruncatedNormal as TruncatedNormal
from keraslite.initializers.random import VarianceScaling as VarianceScaling
from keraslite.initializers.random import compute_fans as compute_fans
from keraslite.naming import to_snake_case
from keraslite.registry_utils import NOT_FOUND, get_object, serialize_object

# Lower-case aliases, as Keras exports them (``keras.initializers.he_normal`` is the class).
zeros = Zeros
ones = Ones
constant = Constant
identity = Identity
random_normal = RandomNormal
truncated_normal = TruncatedNormal
random_uniform = RandomUniform
variance_scaling = VarianceScaling
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
orthogonal = Orthogonal

_CLASSES = (Zeros, Ones, Constant, Identity, RandomNormal, TruncatedNormal, RandomUniform,
            VarianceScaling, GlorotUniform, GlorotNormal, HeNormal, HeUniform, LecunNormal,
            LecunUniform, Orthogonal)

# Every class under its Keras class name and snake_case name, plus Keras' aliases.
ALL: dict[str, Any] = {
    **{cls.__name__: cls for cls in _CLASSES},
    **{to_snake_case(cls.__name__): cls for cls in _CLASSES},
    "normal": RandomNormal,
    "uniform": RandomUniform,
    "one": Ones,
    "zero": Zeros,
    "IdentityInitializer": Identity,
    "OrthogonalInitializer": Orthogonal,
}


def get(identifier: Any) -> Any:
    """Return an initializer for an identifier.

    Args:
        identifier: a name (``"he_normal"`` or ``"HeNormal"``), a config dict
            (``{"class_name": "HeNormal", "config": {"seed": 1}}``), an Initializer class or
            instance, a callable ``(shape, dtype)``, an array (used as the value, for that shape
            only), or ``None``.

    Raises:
        ValueError: for an unknown name (with the closest known name).
        TypeError: for anything else.

    """
    found = get_object(identifier, ALL, Initializer, "initializer")
    if found is not NOT_FOUND:
        return found
    if hasattr(identifier, "shape") and hasattr(identifier, "dtype"):
        return _from_array(xp.asarray(getattr(identifier, "value", identifier)))
    raise TypeError(
        "Could not interpret initializer: expected a name such as 'glorot_uniform', an "
        f"Initializer, or a callable (shape, dtype). Received: initializer={identifier!r}"
    )


def _from_array(value: Any) -> Any:
    def initialize(shape: tuple, dtype: Any = None):
        if tuple(shape) != value.shape:
            raise ValueError(
                f"An array used as an initializer fits only its own shape {value.shape}. "
                f"Received: shape={tuple(shape)}"
            )
        return xp.array(value, dtype=_dtype(dtype))

    return initialize


def serialize(initializer: Any) -> Any:
    """The saved form of an initializer: Keras' ``{"module", "class_name", "config", ...}``."""
    return serialize_object(initializer, Initializer, "keras.initializers")


def deserialize(config: Any) -> Any:
    """The initializer for a saved config or name (the inverse of :func:`serialize`)."""
    return get(config)
