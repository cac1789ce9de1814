"""``keraslite.config``: global settings (as ``keras.config``)."""

from keraslite.backend.config import epsilon as epsilon
from keraslite.backend.config import floatx as floatx
from keraslite.backend.config import set_epsilon as set_epsilon
from keraslite.backend.config import set_floatx as set_floatx


def backend() -> str:
    """The name of the array backend (``"numpy"``)."""
    return "numpy"


_STATE = {"image_data_format": "channels_last", "unsafe_deserialization": False,
          "interactive_logging": True, "traceback_filtering": True, "dtype_policy": None}


def image_data_format() -> str:
    """``"channels_last"`` (keraslite's layers have no channel axis of their own)."""
    return _STATE["image_data_format"]


def set_image_data_format(data_format: str) -> None:
    """Set the default image data format (``"channels_last"`` or ``"channels_first"``)."""
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("`data_format` must be 'channels_last' or 'channels_first'. "
                         f"Received: data_format={data_format!r}")
    _STATE["image_data_format"] = data_format


def enable_unsafe_deserialization() -> None:
    """Let every later load run the Python code of ``Lambda`` layers, as if each call were given
    ``safe_mode=False``. Only for files you trust.
    """
    _STATE["unsafe_deserialization"] = True


def unsafe_deserialization_enabled() -> bool:
    """Whether :func:`enable_unsafe_deserialization` was called."""
    return _STATE["unsafe_deserialization"]


def disable_interactive_logging() -> None:
    """Accepted for Keras compatibility (keraslite's display needs no switch)."""
    _STATE["interactive_logging"] = False


def enable_interactive_logging() -> None:
    """Accepted for Keras compatibility."""
    _STATE["interactive_logging"] = True


def is_interactive_logging_enabled() -> bool:
    return _STATE["interactive_logging"]


def disable_traceback_filtering() -> None:
    """Show keraslite's own frames in the tracebacks that ``keraslite run`` prints."""
    _STATE["traceback_filtering"] = False


def enable_traceback_filtering() -> None:
    """Hide keraslite's own frames in ``keraslite run``'s tracebacks again (the default)."""
    _STATE["traceback_filtering"] = True


def is_traceback_filtering_enabled() -> bool:
    return _STATE["traceback_filtering"]


def dtype_policy() -> str:
    """The global dtype policy's name: ``floatx()`` (keraslite has no mixed precision)."""
    return _STATE["dtype_policy"] or floatx()


def set_dtype_policy(policy: str) -> None:
    """Set the float dtype by policy name (``"float32"``, ``"float64"``); mixed policies such as
    ``"mixed_float16"`` are not provided.
    """
    name = getattr(policy, "name", policy)
    if not isinstance(name, str) or name.startswith("mixed_"):
        raise ValueError("keraslite supports the plain float policies ('float32', 'float64', "
                         f"'float16'), not mixed precision. Received: policy={policy!r}")
    set_floatx(name)
