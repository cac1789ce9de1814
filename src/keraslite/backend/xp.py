"""The array module that every computation goes through: NumPy, or CuPy when asked for.

``KERASLITE_BACKEND=cupy`` (or ``KERAS_BACKEND=cupy``, as Keras spells it), read once when
keraslite is imported, binds :data:`xp` to CuPy so that ops, layers, losses and optimizers run
on the GPU with the same code. Anything else (unset, ``numpy``, or another Keras backend name
such as ``jax`` that keraslite does not have) keeps NumPy, the default and only required
dependency. ``KERASLITE_BACKEND`` wins over ``KERAS_BACKEND``.
"""

from __future__ import annotations

import os
from types import ModuleType

import numpy

_CHOICES = ("numpy", "cupy")


def backend_name(environ: dict | None = None) -> str:
    """The backend the environment asks for: ``"numpy"`` (default) or ``"cupy"``.

    Raises:
        ValueError: ``KERASLITE_BACKEND`` names an unknown backend.

    """
    env = os.environ if environ is None else environ
    name = env.get("KERASLITE_BACKEND", "").strip().lower()
    if name:
        if name not in _CHOICES:
            raise ValueError(
                f"Unknown keraslite backend: KERASLITE_BACKEND must be one of {_CHOICES}. "
                f"Received: KERASLITE_BACKEND={name!r}. Unset it to use NumPy."
            )
        return name
    # KERAS_BACKEND is shared with real Keras: only "cupy" means something to keraslite.
    return "cupy" if env.get("KERAS_BACKEND", "").strip().lower() == "cupy" else "numpy"


def load_backend(name: str) -> ModuleType:
    """Import the array module for ``name``; a clear error when CuPy is not installed."""
    if name == "numpy":
        return numpy
    try:
        import cupy
    except ImportError as error:
        raise ImportError(
            "KERASLITE_BACKEND=cupy needs CuPy, which is not installed: install the wheel for "
            "your CUDA version (`pip install cupy-cuda12x` or `cupy-cuda13x`; the extras "
            "keraslite[cuda12] / keraslite[cuda13]), or unset KERASLITE_BACKEND (and "
            f"KERAS_BACKEND) to use NumPy. Received: {error}"
        ) from error
    return cupy


#: The name of the active backend, ``"numpy"`` or ``"cupy"``.
BACKEND = backend_name()
#: The one place that names the array library.
xp = load_backend(BACKEND)
