"""One seeded random generator for initializers, shuffling and dropout.

``numpy.random`` is imported on first use, which keeps ``import keraslite`` light.
"""

from __future__ import annotations

from typing import Any

_STATE: dict[str, Any] = {"rng": None}


def global_rng() -> Any:
    """Return the process-wide ``numpy.random.Generator`` that every draw in keraslite uses."""
    rng = _STATE["rng"]
    if rng is None:
        import numpy.random

        rng = _STATE["rng"] = numpy.random.default_rng()
    return rng


def set_seed(seed: int) -> None:
    """Re-seed the process-wide generator, making later draws repeatable."""
    import numpy.random

    _STATE["rng"] = numpy.random.default_rng(int(seed))
