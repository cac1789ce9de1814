"""One seeded random generator for initializers, shuffling and dropout.

``numpy.random`` is imported with keraslite: every model needs it to initialize its weights,
so deferring it would only move its ~12 ms into the first model built.
"""

from __future__ import annotations

from typing import Any

import numpy.random

_STATE: dict[str, Any] = {"rng": None}


def global_rng() -> Any:
    """Return the process-wide ``numpy.random.Generator`` that every draw in keraslite uses."""
    rng = _STATE["rng"]
    if rng is None:
        rng = _STATE["rng"] = numpy.random.default_rng()
    return rng


def set_seed(seed: int) -> None:
    """Re-seed the process-wide generator, making later draws repeatable."""
    _STATE["rng"] = numpy.random.default_rng(int(seed))
