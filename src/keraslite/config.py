"""``keraslite.config``: global settings (as ``keras.config``)."""

from keraslite.backend.config import epsilon as epsilon
from keraslite.backend.config import floatx as floatx
from keraslite.backend.config import set_epsilon as set_epsilon
from keraslite.backend.config import set_floatx as set_floatx


def backend() -> str:
    """The name of the array backend (``"numpy"``)."""
    return "numpy"
