"""Global numeric settings: the default float dtype and the fuzz factor epsilon."""

_FLOATX = "float32"
_EPSILON = 1e-7
_ALLOWED_FLOATX = ("float16", "float32", "float64")


def floatx() -> str:
    """Return the default float dtype name (``"float32"`` unless changed)."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Set the default float dtype used for new weights and for converting input data.

    Args:
        value: one of ``"float16"``, ``"float32"``, ``"float64"``.

    """
    global _FLOATX
    value = str(value)
    if value not in _ALLOWED_FLOATX:
        raise ValueError(
            f"Unknown `floatx` value: expected one of {_ALLOWED_FLOATX}. Received: value={value!r}"
        )
    _FLOATX = value


def epsilon() -> float:
    """Return the fuzz factor used to keep logarithms and divisions finite (default 1e-7)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Set the fuzz factor returned by :func:`epsilon`."""
    global _EPSILON
    _EPSILON = float(value)
