"""Small, well-defined TensorFlow names that Keras guides and tf.keras-era code use beside Keras.

``tf.device`` (a no-op context: keraslite computes where NumPy does), ``tf.TensorShape`` and
TensorFlow 2's initializer functions (``tf.random_normal_initializer`` and its siblings), each
built on keraslite's own pieces.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from keraslite import initializers


@contextlib.contextmanager
def device(device_name: str) -> Iterator[None]:
    """``with tf.device("/CPU:0"):`` runs its body unchanged (keraslite has one device)."""
    if not isinstance(device_name, str) and device_name is not None:
        raise TypeError(f"tf.device expects a device name such as '/CPU:0'. "
                        f"Received: {device_name!r}")
    yield


class TensorShape:
    """A shape whose sizes may be unknown (``None``), as ``tf.TensorShape`` describes one.

    Args:
        dims: a sequence of sizes (``None`` for unknown), an int for a rank-1 shape, or
            ``None`` for a shape of unknown rank.

    """

    def __init__(self, dims: Any) -> None:
        if isinstance(dims, TensorShape):
            dims = dims.dims
        elif isinstance(dims, int):
            dims = [dims]
        self.dims = None if dims is None else [None if d is None else int(d) for d in dims]

    @property
    def rank(self) -> int | None:
        return None if self.dims is None else len(self.dims)

    ndims = rank

    def as_list(self) -> list:
        if self.dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self.dims)

    def is_fully_defined(self) -> bool:
        return self.dims is not None and all(d is not None for d in self.dims)

    def num_elements(self) -> int | None:
        if not self.is_fully_defined():
            return None
        count = 1
        for d in self.dims:
            count *= d
        return count

    def concatenate(self, other: Any) -> TensorShape:
        other = TensorShape(other)
        if self.dims is None or other.dims is None:
            return TensorShape(None)
        return TensorShape(self.dims + other.dims)

    def __len__(self) -> int:
        if self.dims is None:
            raise ValueError("Cannot take the length of a shape with unknown rank.")
        return len(self.dims)

    def __iter__(self) -> Iterator:
        return iter(self.as_list())

    def __getitem__(self, key: Any) -> Any:
        item = self.as_list()[key]
        return TensorShape(item) if isinstance(key, slice) else item

    def __eq__(self, other: Any) -> bool:
        try:
            return self.dims == TensorShape(other).dims
        except TypeError:
            return NotImplemented

    __hash__ = None  # mutable-looking, as TensorFlow's is unhashable when partially known

    def __repr__(self) -> str:
        return "TensorShape(None)" if self.dims is None else f"TensorShape({self.dims})"

    def __str__(self) -> str:
        if self.dims is None:
            return "<unknown>"
        return "(" + ", ".join("None" if d is None else str(d) for d in self.dims) + \
            ("," if len(self.dims) == 1 else "") + ")"


def random_normal_initializer(mean: float = 0.0, stddev: float = 0.05,
                              seed: int | None = None) -> initializers.Initializer:
    """``tf.random_normal_initializer``: draws from N(mean, stddev²)."""
    return initializers.RandomNormal(mean=mean, stddev=stddev, seed=seed)


def random_uniform_initializer(minval: float = -0.05, maxval: float = 0.05,
                               seed: int | None = None) -> initializers.Initializer:
    """``tf.random_uniform_initializer``: draws from U[minval, maxval)."""
    return initializers.RandomUniform(minval=minval, maxval=maxval, seed=seed)


def truncated_normal_initializer(mean: float = 0.0, stddev: float = 0.05,
                                 seed: int | None = None) -> initializers.Initializer:
    """``tf.initializers.TruncatedNormal``: N(mean, stddev²) redrawn beyond two stddevs."""
    return initializers.TruncatedNormal(mean=mean, stddev=stddev, seed=seed)


def zeros_initializer() -> initializers.Initializer:
    """``tf.zeros_initializer``."""
    return initializers.Zeros()


def ones_initializer() -> initializers.Initializer:
    """``tf.ones_initializer``."""
    return initializers.Ones()


def constant_initializer(value: Any = 0) -> initializers.Initializer:
    """``tf.constant_initializer``: every element ``value`` (a scalar)."""
    return initializers.Constant(value)


TOP_LEVEL = {
    "device": device, "TensorShape": TensorShape,
    "random_normal_initializer": random_normal_initializer,
    "random_uniform_initializer": random_uniform_initializer,
    "zeros_initializer": zeros_initializer, "ones_initializer": ones_initializer,
    "constant_initializer": constant_initializer,
}
INITIALIZERS = {
    "RandomNormal": initializers.RandomNormal, "RandomUniform": initializers.RandomUniform,
    "TruncatedNormal": initializers.TruncatedNormal, "Zeros": initializers.Zeros,
    "Ones": initializers.Ones, "Constant": initializers.Constant,
    "GlorotUniform": initializers.GlorotUniform, "GlorotNormal": initializers.GlorotNormal,
    "HeNormal": initializers.HeNormal, "HeUniform": initializers.HeUniform,
    "random_normal": initializers.RandomNormal, "random_uniform": initializers.RandomUniform,
    "truncated_normal": truncated_normal_initializer, "zeros": initializers.Zeros,
    "ones": initializers.Ones, "constant": initializers.Constant,
}
