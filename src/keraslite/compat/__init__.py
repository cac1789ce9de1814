"""Run unchanged Keras scripts on keraslite.

``keraslite run script.py`` (or ``python -m keraslite run script.py``) runs a script with the
import names ``keras``, ``keras.*``, ``tensorflow``, ``tensorflow.keras.*``,
``tensorflow.python.keras.*`` and ``tf_keras`` served by keraslite; ``install_as_keras()`` does
the same inside a running session (a notebook). Nothing is installed outside the process.
"""

from __future__ import annotations

import warnings

from keraslite.compat import finder
from keraslite.compat.runner import run_script as run_script
from keraslite.naming import KerasliteWarning


def install_as_keras() -> None:
    """Serve ``import keras`` / ``import tensorflow`` / ``tf_keras`` from keraslite in this process.

    Call it once, before the first ``import keras`` (in a notebook: in the first cell). Only
    the running process is affected; a real Keras or TensorFlow installed on the machine is
    left untouched. If a real ``keras`` or ``tensorflow`` was already imported, it keeps being
    used for those names and a warning says so (restart, then call this first).

    Example:
        >>> import keraslite
        >>> keraslite.install_as_keras()
        >>> import keras                      # keraslite, under the name keras
        >>> from tensorflow.keras.layers import Dense

    """
    already = finder.foreign_modules()
    if already:
        listing = ", ".join(f"{name} (from {path})" for name, path in already.items())
        warnings.warn(
            f"install_as_keras(): {listing} was already imported, so that name keeps serving "
            "the real package in this session. Restart the interpreter (or kernel) and call "
            "keraslite.install_as_keras() before importing keras or tensorflow.",
            KerasliteWarning, stacklevel=2)
    finder.install()


def uninstall_as_keras() -> None:
    """Stop serving the Keras import names and forget the modules served so far."""
    finder.uninstall()


__all__ = ["install_as_keras", "uninstall_as_keras", "run_script"]
