"""Random initializers: normal, truncated normal and uniform draws, variance scaling, orthogonal.

An int ``seed`` gives a private stream (the same values on every call, as in Keras); ``None``
draws from the backend's one generator, which ``keraslite.utils.set_random_seed`` re-seeds.
Draws are made on the host with NumPy (the same values on every backend); a Variable moves
them to the device.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy

from keraslite.backend import global_rng
from keraslite.initializers.base import Initializer
from keraslite.initializers.base import float_dtype as _float_dtype

# Standard deviation of N(0, 1) truncated to [-2, 2]; dividing by it restores the variance.
TRUNCATED_STDDEV = 0.87962566103423978


def compute_fans(shape: tuple, input_axes: Any = None, output_axes: Any = None) -> tuple[int, int]:
    """fan_in and fan_out of a weight of ``shape``, as Keras computes them.

    A matrix ``(in, out)`` has fans ``in`` and ``out``; a convolution kernel ``(*window, in,
    out)`` multiplies both by the window size (the receptive field); a vector has both equal
    to its length, a scalar 1. ``input_axes``/``output_axes`` name the axes explicitly.
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return (math.prod(shape[a] for a in input_axes),
                math.prod(shape[a] for a in output_axes))
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class RandomInitializer(Initializer):
    """Base of the random initializers: holds the ``seed``.

    Args:
        seed: an int for a private, repeatable stream (the same values on every call), or
            ``None`` to draw from the global generator (``keraslite.utils.set_random_seed``).

    """

    def __init__(self, seed: int | None = None) -> None:
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
            raise ValueError(f"`seed` must be an int or None. Received: seed={seed!r}")
        self.seed = None if seed is None else int(seed)

    def _rng(self):
        return global_rng() if self.seed is None else numpy.random.default_rng(self.seed)

    def _normal(self, shape: tuple, mean: float, stddev: float, dtype: Any):
        dtype = _float_dtype(dtype, type(self).__name__)
        out = self._rng().standard_normal(tuple(shape), dtype=_draw_dtype(dtype))
        return (out * stddev + mean).astype(dtype, copy=False)

    def _truncated_normal(self, shape: tuple, mean: float, stddev: float, dtype: Any):
        """N(mean, stddev²) conditioned on lying within two standard deviations of the mean."""
        dtype = _float_dtype(dtype, type(self).__name__)
        rng = self._rng()
        out = rng.standard_normal(tuple(shape), dtype=_draw_dtype(dtype))
        outside = numpy.abs(out) > 2.0
        while outside.any():  # redraw the ~4.6% outside [-2, 2]
            out[outside] = rng.standard_normal(int(outside.sum()), dtype=out.dtype)
            outside = numpy.abs(out) > 2.0
        return (out * stddev + mean).astype(dtype, copy=False)

    def _uniform(self, shape: tuple, low: float, high: float, dtype: Any):
        dtype = _float_dtype(dtype, type(self).__name__)
        out = self._rng().random(tuple(shape), dtype=_draw_dtype(dtype))
        return (out * (high - low) + low).astype(dtype, copy=False)

    def get_config(self) -> dict:
        return {"seed": self.seed}


def _draw_dtype(dtype: Any) -> Any:
    """NumPy's generator draws float32 or float64; half precision is drawn as float32."""
    f32, f64 = numpy.dtype("float32"), numpy.dtype("float64")
    return dtype if dtype in (f32, f64) else f32


class RandomNormal(RandomInitializer):
    """Draws from N(mean, stddev²).

    Args:
        mean: the mean (default 0.0).
        stddev: the standard deviation (default 0.05).
        seed: see :class:`RandomInitializer`.

    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None) -> None:
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape: tuple, dtype: Any = None):
        return self._normal(shape, self.mean, self.stddev, dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomInitializer):
    """Draws from N(mean, stddev²), redrawing values more than 2 stddev from the mean.

    The result's standard deviation is about 0.88 stddev.

    Args:
        mean: the mean (default 0.0).
        stddev: the standard deviation before truncation (default 0.05).
        seed: see :class:`RandomInitializer`.

    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None) -> None:
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape: tuple, dtype: Any = None):
        return self._truncated_normal(shape, self.mean, self.stddev, dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Draws from U[minval, maxval).

    Args:
        minval: the lower bound (default -0.05).
        maxval: the upper bound (default 0.05).
        seed: see :class:`RandomInitializer`.

    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05,
                 seed: int | None = None) -> None:
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape: tuple, dtype: Any = None):
        return self._uniform(shape, self.minval, self.maxval, dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


class VarianceScaling(RandomInitializer):
    """Draws with variance scale / n, n the fan chosen by ``mode``.

    n = fan_in, fan_out or (fan_in + fan_out) / 2 (``mode="fan_in"``, ``"fan_out"``,
    ``"fan_avg"``; see :func:`compute_fans`), at least 1. Then for ``distribution``:

    - ``"truncated_normal"`` (also ``"normal"``): N(0, σ²) truncated to ±2σ with
      σ = √(scale / n) / 0.8796256610, which restores the variance lost by truncating;
    - ``"untruncated_normal"``: N(0, scale / n);
    - ``"uniform"``: U[-limit, limit] with limit = √(3 scale / n).

    Args:
        scale: the positive scaling factor (default 1.0).
        mode: ``"fan_in"`` (default), ``"fan_out"`` or ``"fan_avg"``.
        distribution: ``"truncated_normal"`` (default), ``"untruncated_normal"`` or
            ``"uniform"``.
        seed: see :class:`RandomInitializer`.
        input_axes, output_axes: axes whose sizes multiply into fan_in and fan_out.

    """

    def __init__(self, scale: float = 1.0, mode: str = "fan_in",
                 distribution: str = "truncated_normal", seed: int | None = None,
                 input_axes: Any = None, output_axes: Any = None) -> None:
        if not scale > 0.0:
            raise ValueError(f"Argument `scale` must be a positive float. Received: scale={scale}")
        modes = ("fan_in", "fan_out", "fan_avg")
        if mode not in modes:
            raise ValueError(f"Invalid `mode` argument: expected one of {modes}. "
                             f"Received: mode={mode!r}")
        distribution = str(distribution).lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        distributions = ("uniform", "truncated_normal", "untruncated_normal")
        if distribution not in distributions:
            raise ValueError(f"Invalid `distribution` argument: expected one of {distributions}. "
                             f"Received: distribution={distribution!r}")
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape: tuple, dtype: Any = None):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            return self._truncated_normal(shape, 0.0, math.sqrt(variance) / TRUNCATED_STDDEV,
                                          dtype)
        if self.distribution == "untruncated_normal":
            return self._normal(shape, 0.0, math.sqrt(variance), dtype)
        limit = math.sqrt(3.0 * variance)
        return self._uniform(shape, -limit, limit, dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "scale": self.scale, "mode": self.mode,
                "distribution": self.distribution, "input_axes": self.input_axes,
                "output_axes": self.output_axes}


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling preset: only ``seed`` and the fan axes are arguments."""

    _preset: tuple[float, str, str] = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed: int | None = None, input_axes: Any = None,
                 output_axes: Any = None) -> None:
        scale, mode, distribution = self._preset
        super().__init__(scale=scale, mode=mode, distribution=distribution, seed=seed,
                         input_axes=input_axes, output_axes=output_axes)

    def get_config(self) -> dict:
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class GlorotUniform(_FixedVarianceScaling):
    """Glorot (Xavier) uniform: U[-limit, limit], limit = √(6 / (fan_in + fan_out))."""

    _preset = (1.0, "fan_avg", "uniform")


class GlorotNormal(_FixedVarianceScaling):
    """Glorot (Xavier) normal: truncated normal, σ = √(2 / (fan_in + fan_out)) / 0.8796."""

    _preset = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_FixedVarianceScaling):
    """He normal: truncated normal, σ = √(2 / fan_in) / 0.8796 (for ReLU layers)."""

    _preset = (2.0, "fan_in", "truncated_normal")


class HeUniform(_FixedVarianceScaling):
    """He uniform: U[-limit, limit], limit = √(6 / fan_in)."""

    _preset = (2.0, "fan_in", "uniform")


class LecunNormal(_FixedVarianceScaling):
    """LeCun normal: truncated normal, σ = √(1 / fan_in) / 0.8796 (for SELU layers)."""

    _preset = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_FixedVarianceScaling):
    """LeCun uniform: U[-limit, limit], limit = √(3 / fan_in)."""

    _preset = (1.0, "fan_in", "uniform")


class Orthogonal(RandomInitializer):
    """A random orthogonal matrix (times ``gain``), from the QR decomposition of a normal draw.

    A shape ``(*dims, n)`` is treated as a matrix of ``prod(dims)`` rows and ``n`` columns, whose
    rows (if fewer) or columns (otherwise) are orthonormal. Signs are fixed so that the draw is
    uniform over orthogonal matrices (Q scaled by sign(diag R)).

    Args:
        gain: the multiplier (default 1.0).
        seed: see :class:`RandomInitializer`.

    """

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape: tuple, dtype: Any = None):
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError(
                "The Orthogonal initializer needs a shape of rank 2 or more (a matrix or a "
                f"kernel). Received: shape={shape} of rank {len(shape)}"
            )
        dtype = _float_dtype(dtype, "Orthogonal")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = self._rng().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = numpy.linalg.qr(a)
        d = numpy.sign(numpy.diag(r))
        q = q * numpy.where(d == 0, 1.0, d)
        if rows < cols:
            q = q.T
        return (self.gain * q).reshape(shape).astype(dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "gain": self.gain}
