"""Random draws as Keras 3's ``keras.random``: ``normal``, ``uniform``, ``dropout`` ...

Every function takes a ``seed``, as in Keras:

- ``None`` (the default) draws from keraslite's global generator, which
  :func:`keraslite.utils.set_random_seed` re-seeds, so a seeded script repeats exactly;
- an int gives the same values on every call (a fixed, private stream);
- a :class:`SeedGenerator` gives new values on every call, in a sequence fixed by its own
  seed: keep one in a layer (``self.seed_generator = keras.random.SeedGenerator(1337)``) and
  pass it as ``seed`` in ``call``.

Results are keraslite Tensors of ``dtype`` (``keraslite.config.floatx()`` by default for the
real-valued draws). :func:`dropout` and :func:`shuffle` pass gradients to their input.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy

from keraslite import ops
from keraslite.autodiff.tensor import Tensor, Variable
from keraslite.backend import floatx, global_rng, to_device, xp
from keraslite.naming import unique_name

__all__ = ["SeedGenerator", "beta", "binomial", "categorical", "dropout", "gamma", "normal",
           "randint", "shuffle", "truncated_normal", "uniform"]


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


class SeedGenerator:
    """The state of a random stream: each draw that uses it moves it on.

    An int ``seed`` passed to a random function gives the same values on every call; pass a
    ``SeedGenerator`` instead to get new values on each call, repeatable from its seed.

    Args:
        seed: an int; ``None`` picks one from the global generator (repeatable after
            :func:`keraslite.utils.set_random_seed`).
        name: a name (``"seed_generator"``, made unique, by default).
        **kwargs: Keras' ``backend`` argument is accepted and ignored.

    Attributes:
        state: a non-trainable int64 Variable ``[seed, counter]``.

    Example:
        >>> gen = keraslite.random.SeedGenerator(42)
        >>> a = keraslite.random.normal((2, 3), seed=gen)
        >>> b = keraslite.random.normal((2, 3), seed=gen)  # different from a, same every run

    """

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        kwargs.pop("backend", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        self.name = name or unique_name("seed_generator")
        self._initial_seed = seed
        if seed is None:
            seed = int(global_rng().integers(1, 10**9))
        if not _is_int(seed):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed!r}")
        self.state = Variable(xp.asarray([int(seed), 0], dtype="int64"), dtype="int64",
                              trainable=False, name="seed_generator_state")

    def next(self, ordered: bool = True) -> Any:
        """Return the current state ``[seed, counter]`` (a copy) and advance the counter."""
        current = self.state.value.copy()
        self.state.value[1] += 1
        return current

    def get_config(self) -> dict:
        """The seed it was created with and its name."""
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> SeedGenerator:
        """A new generator from :meth:`get_config`'s dict."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<SeedGenerator name={self.name}, state={self.state.value.tolist()}>"


def _rng(seed: Any) -> Any:
    """The generator for a ``seed`` argument: global, fixed (int) or a stream's next state."""
    if seed is None:
        return global_rng()
    if isinstance(seed, SeedGenerator):
        return numpy.random.default_rng([int(s) for s in seed.next()])
    if _is_int(seed):
        return numpy.random.default_rng(int(seed) & 0xFFFFFFFFFFFFFFFF)
    raise ValueError(
        "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
        f"Received: seed={seed!r} (of type {type(seed)})")


def _shape(shape: Any) -> tuple:
    if isinstance(shape, Tensor):
        shape = shape.value.tolist()
    if _is_int(shape):
        return (int(shape),)
    try:
        dims = tuple(shape)
    except TypeError:
        raise ValueError(f"`shape` must be a tuple of integers. Received: shape={shape!r}") \
            from None
    if not all(_is_int(getattr(d, "value", d)) and int(getattr(d, "value", d)) >= 0 for d in dims):
        raise ValueError(
            "`shape` must be a tuple of non-negative integers; random values cannot be drawn "
            "for an unknown size (None). Inside a layer, take the size from the input: "
            f"`keras.ops.shape(x)[0]`. Received: shape={shape!r}")
    return tuple(int(getattr(d, "value", d)) for d in dims)


def _float_dtype(dtype: Any, fn: str) -> Any:
    dtype = xp.dtype(dtype or floatx())
    if dtype.kind != "f":
        raise ValueError(
            f"`keras.random.{fn}` requires a floating point `dtype`. Received: dtype={dtype}")
    return dtype


def _param(value: Any) -> Any:
    return ops.convert_to_numpy(value) if isinstance(value, Tensor) else value


def _as_tensor(values: Any, dtype: Any) -> Tensor:
    return Tensor(to_device(values).astype(dtype, copy=False))


def normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None,
           seed: Any = None) -> Tensor:
    """Draw samples from a normal (Gaussian) distribution N(mean, stddev²).

    Args:
        shape: the shape of the result.
        mean: the mean.
        stddev: the standard deviation.
        dtype: a float dtype (``floatx()`` by default).
        seed: None, an int or a :class:`SeedGenerator` (see the module docstring).

    Returns:
        A Tensor of ``shape``.

    """
    dtype = _float_dtype(dtype, "normal")
    values = _rng(seed).standard_normal(_shape(shape))
    return _as_tensor(values * _param(stddev) + _param(mean), dtype)


def uniform(shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None,
            seed: Any = None) -> Tensor:
    """Draw samples uniformly from ``[minval, maxval)``.

    Args:
        shape: the shape of the result.
        minval: the lower bound (included).
        maxval: the upper bound (excluded).
        dtype: a float dtype (``floatx()`` by default); use :func:`randint` for integers.
        seed: None, an int or a :class:`SeedGenerator`.

    Returns:
        A Tensor of ``shape``.

    """
    dtype = _float_dtype(dtype, "uniform")
    return _as_tensor(_rng(seed).uniform(_param(minval), _param(maxval), _shape(shape)), dtype)


def randint(shape: Any, minval: int, maxval: int, dtype: Any = "int32",
            seed: Any = None) -> Tensor:
    """Draw integers uniformly from ``[minval, maxval)``.

    Args:
        shape: the shape of the result.
        minval: the lowest value (included).
        maxval: the bound (excluded).
        dtype: an integer dtype (``"int32"`` by default).
        seed: None, an int or a :class:`SeedGenerator`.

    Returns:
        A Tensor of ``shape``.

    """
    values = _rng(seed).integers(_param(minval), _param(maxval), _shape(shape))
    return _as_tensor(values, dtype or "int32")


def truncated_normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None,
                     seed: Any = None) -> Tensor:
    """Draw from N(mean, stddev²) restricted to two standard deviations of the mean.

    Values further than ``2 * stddev`` from ``mean`` are drawn again.

    Args:
        shape: the shape of the result.
        mean: the mean.
        stddev: the standard deviation before truncation.
        dtype: a float dtype (``floatx()`` by default).
        seed: None, an int or a :class:`SeedGenerator`.

    Returns:
        A Tensor of ``shape``.

    """
    dtype = _float_dtype(dtype, "truncated_normal")
    rng = _rng(seed)
    values = rng.standard_normal(_shape(shape))
    outside = numpy.abs(values) > 2.0
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = numpy.abs(values) > 2.0
    return _as_tensor(values * _param(stddev) + _param(mean), dtype)


def dropout(inputs: Any, rate: float, noise_shape: Any = None, seed: Any = None) -> Tensor:
    """Zero each entry with probability ``rate`` and scale the rest by ``1 / (1 - rate)``.

    The gradient flows to the kept entries (scaled the same way).

    Args:
        inputs: the input tensor.
        rate: the fraction of entries to drop, in ``[0, 1)``.
        noise_shape: the shape of the keep/drop mask, broadcast against ``inputs`` (``None``
            entries take the input's size); ``inputs.shape`` by default.
        seed: None, an int or a :class:`SeedGenerator`.

    Returns:
        A Tensor of the shape and dtype of ``inputs``.

    """
    x = ops.convert_to_tensor(inputs)
    if not 0 <= rate < 1:
        raise ValueError(f"`rate` must be in [0, 1). Received: rate={rate!r}")
    if noise_shape is None:
        mask_shape = x.shape
    else:
        mask_shape = tuple(x.shape[i] if d is None else d for i, d in enumerate(noise_shape))
    keep = 1.0 - rate
    mask = _rng(seed).random(_shape(mask_shape)) < keep
    dtype = x.dtype if x.dtype.kind == "f" else floatx()
    return ops.multiply(x, Tensor(to_device((mask / keep).astype(dtype))))


def shuffle(x: Any, axis: int = 0, seed: Any = None) -> Tensor:
    """Shuffle ``x`` along ``axis`` (the gradient is un-shuffled back).

    Args:
        x: the tensor to shuffle.
        axis: the axis along which slices are permuted.
        seed: None, an int or a :class:`SeedGenerator`.

    Returns:
        A Tensor of the shape and dtype of ``x``.

    """
    x = ops.convert_to_tensor(x)
    order = _rng(seed).permutation(x.shape[axis])
    return ops.take(x, Tensor(to_device(order)), axis=axis)


def categorical(logits: Any, num_samples: int, dtype: Any = "int32",
                seed: Any = None) -> Tensor:
    """Draw class indices from the categorical distributions given by rows of ``logits``.

    Args:
        logits: a ``(batch, num_classes)`` tensor of unnormalized log-probabilities.
        num_samples: the number of independent draws per row.
        dtype: an integer dtype (``"int32"`` by default).
        seed: None, an int or a :class:`SeedGenerator`.

    Returns:
        A ``(batch, num_samples)`` Tensor of class indices.

    """
    values = numpy.asarray(ops.convert_to_numpy(logits), dtype="float64")  # host
    if values.ndim != 2:
        raise ValueError(
            "`logits` should be a 2-D tensor with shape (batch_size, num_classes). "
            f"Received: logits.shape={values.shape}")
    u = _rng(seed).random((values.shape[0], int(num_samples), values.shape[1]))
    gumbel = -numpy.log(-numpy.log(numpy.maximum(u, 1e-300)))  # argmax(logits + Gumbel) ~ softmax
    return _as_tensor(numpy.argmax(values[:, None, :] + gumbel, axis=-1), dtype or "int32")


def gamma(shape: Any, alpha: float, dtype: Any = None, seed: Any = None) -> Tensor:
    """Draw from the Gamma distribution of shape parameter ``alpha`` (and scale 1).

    Args:
        shape: the shape of the result.
        alpha: the shape parameter (a float, or an array broadcast against ``shape``).
        dtype: a float dtype (``floatx()`` by default).
        seed: None, an int or a :class:`SeedGenerator`.

    Returns:
        A Tensor of ``shape``.

    """
    dtype = _float_dtype(dtype, "gamma")
    return _as_tensor(_rng(seed).standard_gamma(_param(alpha), _shape(shape)), dtype)


def binomial(shape: Any, counts: Any, probabilities: Any, dtype: Any = None,
             seed: Any = None) -> Tensor:
    """Draw the number of successes in ``counts`` trials of success probability ``probabilities``.

    Args:
        shape: the shape of the result.
        counts: the number of trials (broadcast against ``shape``).
        probabilities: the success probability of each trial (broadcast against ``shape``).
        dtype: a float dtype (``floatx()`` by default), as in Keras.
        seed: None, an int or a :class:`SeedGenerator`.

    Returns:
        A Tensor of ``shape``.

    """
    dtype = _float_dtype(dtype, "binomial")
    n = numpy.asarray(_param(counts)).astype("int64")
    values = _rng(seed).binomial(n, _param(probabilities), _shape(shape))
    return _as_tensor(values, dtype)


def beta(shape: Any, alpha: Any, beta: Any, dtype: Any = None, seed: Any = None) -> Tensor:
    """Draw from the Beta(``alpha``, ``beta``) distribution on [0, 1].

    Args:
        shape: the shape of the result.
        alpha: the first concentration parameter (broadcast against ``shape``).
        beta: the second concentration parameter (broadcast against ``shape``).
        dtype: a float dtype (``floatx()`` by default).
        seed: None, an int or a :class:`SeedGenerator`.

    Returns:
        A Tensor of ``shape``.

    """
    dtype = _float_dtype(dtype, "beta")
    return _as_tensor(_rng(seed).beta(_param(alpha), _param(beta), _shape(shape)), dtype)
