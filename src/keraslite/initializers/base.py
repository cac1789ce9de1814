"""The Initializer base class and the dtype helpers the initializers share."""

from __future__ import annotations

from typing import Any

from keraslite.backend import floatx, xp


def resolve_dtype(dtype: Any) -> Any:
    """The requested dtype, or ``floatx()``."""
    return xp.dtype(dtype or floatx())


def float_dtype(dtype: Any, who: str) -> Any:
    """The requested float dtype (or ``floatx()``); a ValueError for other kinds."""
    dtype = resolve_dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(
            f"{who} draws floating-point values; use a float dtype or a non-random initializer "
            f"such as 'zeros'. Received: dtype={dtype}"
        )
    return dtype


class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype)`` and ``get_config``."""

    def __call__(self, shape: tuple, dtype: Any = None):
        raise NotImplementedError("Initializer subclasses must implement `__call__()`.")

    def get_config(self) -> dict:
        """The arguments that rebuild this initializer with :meth:`from_config`."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Initializer:
        return cls(**config)

    def clone(self) -> Initializer:
        return self.__class__.from_config(self.get_config())
