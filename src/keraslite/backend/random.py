"""One seeded random generator for initializers, shuffling and dropout."""

import numpy

_STATE = {"rng": numpy.random.default_rng()}


def global_rng() -> numpy.random.Generator:
    """Return the process-wide generator that every random draw in keraslite uses."""
    return _STATE["rng"]


def set_seed(seed: int) -> None:
    """Re-seed the process-wide generator, making later draws repeatable."""
    _STATE["rng"] = numpy.random.default_rng(int(seed))
