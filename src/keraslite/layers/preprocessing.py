"""Preprocessing layers: ``Normalization`` (with ``adapt``) and ``Rescaling``.

Arguments, weights and configs follow Keras 3 (``keras/src/layers/preprocessing/``), so a
student can standardize Titanic's columns inside the model and save it as Keras would.
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import epsilon, xp
from keraslite.layers.base import Layer
from keraslite.naming import KerasliteWarning

_ADAPT_CHUNK = 1 << 20  # elements per chunk when adapting on one big array


def _to_array(x: Any) -> Any:
    """A batch as an array: Tensors, pandas objects (``to_numpy``) and nested lists too."""
    if isinstance(x, Tensor):
        return x.value
    if hasattr(x, "to_numpy") and not hasattr(x, "__array_interface__"):
        x = x.to_numpy()
    try:
        out = xp.asarray(x)
        if out.dtype.kind not in "fiub":
            out = out.astype(xp.float64)
    except (TypeError, ValueError):
        raise TypeError(
            "Normalization.adapt() needs numeric data (text columns must be encoded as numbers "
            f"first). Received: a batch of type {type(x).__name__}"
        ) from None
    return out


def _first_of(batch: Any) -> Any:
    """The inputs of a batch that may be an ``(x, y)`` or ``(x, y, sample_weight)`` tuple."""
    return batch[0] if isinstance(batch, tuple) else batch


def _is_single_array(data: Any) -> bool:
    if isinstance(data, Tensor) or hasattr(data, "__array_interface__") or \
            hasattr(data, "to_numpy") or hasattr(data, "__cuda_array_interface__"):
        return True
    if isinstance(data, list):  # a nested list of numbers, not a list of batch arrays
        return not data or not hasattr(data[0], "shape")
    return False


def _batches(data: Any, steps: int | None) -> tuple:
    """``(shape, batches)``: the data's shape (one array's full shape, or the first batch's)
    and an iterator over its batches: the one array, or the elements of an iterable (a
    PyDataset-like sequence, a generator, a list of arrays), at most ``steps`` of them.
    """
    if _is_single_array(data):
        array = _to_array(data)
        if array.ndim == 0:
            raise ValueError(
                "Normalization.adapt() needs data with at least one axis. Received: a scalar"
            )
        return tuple(array.shape), iter([array])
    if hasattr(data, "__getitem__") and hasattr(data, "__len__"):
        items: Any = (data[i] for i in range(len(data)))
    elif hasattr(data, "__iter__"):
        items = iter(data)
    else:
        raise TypeError(
            "Unsupported data for Normalization.adapt(): expected a NumPy array, a Tensor, a "
            "pandas DataFrame, or an iterable of batches (a list of arrays, a generator, a "
            f"PyDataset). Received: {type(data).__name__}"
        )
    if steps is not None:
        items = itertools.islice(items, steps)
    first = next(items, None)
    if first is None:
        raise ValueError(
            "Normalization.adapt() received an empty iterable (no batches). Pass at least one "
            "batch, e.g. layer.adapt(x_train) or layer.adapt([batch_1, batch_2])."
        )
    first = _to_array(_first_of(first))
    rest = (_to_array(_first_of(b)) for b in items)
    return tuple(first.shape), itertools.chain([first], rest)


class Normalization(Layer):
    """Shifts and scales each feature to mean 0 and standard deviation 1.

    With μ and σ² the per-feature mean and population variance (from ``adapt(data)``, or the
    ``mean`` and ``variance`` arguments)::

        y = (x - μ) / max(√σ², ε)          (invert=True: y = μ + x · max(√σ², ε))

    where ε is ``keraslite.backend.epsilon()`` (1e-7), as in Keras.

    Args:
        axis: the axis or axes that keep separate statistics (``-1``: one mean per feature);
            ``None`` computes one mean and variance over everything.
        mean, variance: fixed statistics (both or neither); they broadcast against the kept
            axes. Without them, the layer holds non-trainable weights ``mean``, ``variance``
            and ``count`` (Keras' weights) that :meth:`adapt` fills.
        invert: apply the inverse transformation (turn standardized values back).
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Example::

        norm = keraslite.layers.Normalization()
        norm.adapt(x_train)                     # per-column mean and variance
        model = keraslite.Sequential([keraslite.Input((9,)), norm, Dense(16, "relu"), ...])

    """

    def __init__(self, axis: Any = -1, mean: Any = None, variance: Any = None,
                 invert: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(int(a) for a in axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True
        self._build_input_shape = None
        self._fixed = None
        if (mean is not None) != (variance is not None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if xp.shape(mean) != xp.shape(variance):
                raise ValueError(
                    "When setting values directly, `mean` and `variance` must have the same "
                    f"shape. Received: mean shape {xp.shape(mean)} and variance shape "
                    f"{xp.shape(variance)}"
                )
            if len(xp.shape(mean)) > len(self.axis):
                raise ValueError(
                    f"The rank of `mean` must be less than or equal to the number of axes "
                    f"({len(self.axis)}). Received: mean shape {xp.shape(mean)} for axis "
                    f"{self.axis}"
                )

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                "All `axis` values must be in the range [-ndim, ndim). Received inputs with "
                f"ndim={ndim}, while axis={self.axis}"
            )
        self._build_input_shape = input_shape
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(
                    f"All `axis` values to be kept must have a known shape. Received "
                    f"axis={self.axis}, inputs.shape={input_shape}, with unknown axis at index {d}"
                )
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep_axis else 1
                                      for d in range(ndim))
        self._mean_and_var_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._mean_and_var_shape,
                                              initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance",
                                                  shape=self._mean_and_var_shape,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int32",
                                         initializer="zeros", trainable=False)
        else:
            self._fixed = (self._broadcast(self.input_mean), self._broadcast(self.input_variance))
        self.built = True

    def _broadcast(self, value: Any) -> Any:
        """A statistic (scalar, or of the kept axes' trailing shape) in the broadcast shape."""
        value = xp.asarray(getattr(value, "value", value), dtype=self.dtype)
        if value.ndim:
            expanded = [1] * len(self._broadcast_shape)
            for i in range(1, value.ndim + 1):
                expanded[self._keep_axis[-i]] = value.shape[-i]
            value = value.reshape(expanded)
        return xp.broadcast_to(value, self._broadcast_shape)

    def adapt(self, data: Any, batch_size: int | None = None, steps: int | None = None) -> None:
        """Compute the per-feature mean and population variance of ``data`` and store them.

        Batches are merged exactly (Chan et al.): with counts n_a, n_b, n = n_a + n_b and
        w = n_b / n, μ = (1 - w) μ_a + w μ_b and
        σ² = (1 - w)(σ²_a + (μ_a - μ)²) + w (σ²_b + (μ_b - μ)²), accumulated in float64.

        Args:
            data: a NumPy array, a Tensor, a pandas DataFrame, a nested list of numbers, or an
                iterable of batches (a list of arrays, a generator, a PyDataset; ``(x, y)``
                tuples use ``x``).
            batch_size: rows per chunk of computation (memory only; the result is the same).
            steps: the number of batches to draw from an iterable (all by default).

        """
        if self.input_mean is not None:
            raise ValueError(
                f"Normalization layer '{self.name}' was given fixed `mean` and `variance`, so "
                "there is nothing to adapt. Create it without mean/variance to adapt it. "
                "Received: adapt() on a layer with fixed statistics"
            )
        shape, batches = _batches(data, steps)
        if not self.built:
            self._maybe_build(shape)
        self._check_batch(shape)
        total_mean = total_var = None
        total = 0
        for batch in self._chunks(batches, batch_size):
            b = batch.astype(xp.float64, copy=False)
            count = math.prod(b.shape[d] for d in self._reduce_axis)
            if count == 0:
                continue
            mean = b.mean(axis=self._reduce_axis)
            var = b.var(axis=self._reduce_axis)
            total += count
            if total_mean is None:
                total_mean, total_var = mean, var
                continue
            w = count / total
            new_mean = total_mean * (1 - w) + mean * w
            total_var = (total_var + (total_mean - new_mean) ** 2) * (1 - w) + \
                (var + (mean - new_mean) ** 2) * w
            total_mean = new_mean
        if total_mean is None:
            raise ValueError(
                "Normalization.adapt() received no data (an empty array or iterable). "
                "Pass at least one sample, e.g. layer.adapt(x_train)."
            )
        if not xp.all(xp.isfinite(total_mean)) or not xp.all(xp.isfinite(total_var)):
            warnings.warn(
                f"Normalization layer '{self.name}' adapted to data with NaN or infinite "
                "values, so its mean/variance are not finite and every output will be NaN. "
                "Fill or drop the missing values first (e.g. df.dropna()).",
                KerasliteWarning, stacklevel=2)
        self.adapt_mean.assign(total_mean)
        self.adapt_variance.assign(total_var)

    def _chunks(self, batches: Any, batch_size: int | None) -> Any:
        """The batches, each checked and split into chunks of ``batch_size`` rows (about
        ``_ADAPT_CHUNK`` elements by default) when its first axis is reduced.
        """
        for batch in batches:
            self._check_batch(tuple(batch.shape))
            if 0 not in self._reduce_axis or not len(batch):
                yield batch
                continue
            size = batch_size or max(1, _ADAPT_CHUNK // max(1, batch.size // len(batch)))
            for start in range(0, len(batch), size):
                yield batch[start:start + size]

    def _check_batch(self, shape: tuple) -> None:
        expected = self._build_input_shape
        if len(shape) != len(expected) or any(shape[d] != expected[d] for d in self._keep_axis):
            raise ValueError(
                f"The layer was built with input_shape={expected}, but adapt() is being called "
                f"with data with an incompatible shape, data.shape={shape}"
            )

    @property
    def mean(self) -> Tensor | None:
        """The mean in the inputs' broadcast shape (``(1, features)``), as Keras' ``.mean``."""
        return Tensor(self._statistics()[0]) if self.built else None

    @property
    def variance(self) -> Tensor | None:
        """The variance in the inputs' broadcast shape, as Keras' ``.variance``."""
        return Tensor(self._statistics()[1]) if self.built else None

    def _statistics(self) -> tuple:
        if self._fixed is not None:
            return self._fixed
        return (self.adapt_mean.value.reshape(self._broadcast_shape),
                self.adapt_variance.value.reshape(self._broadcast_shape))

    def call(self, inputs: Any) -> Tensor:
        mean, variance = self._statistics()
        scale = xp.maximum(xp.sqrt(variance), xp.asarray(epsilon(), variance.dtype))
        if self.invert:
            return ops.add(mean, ops.multiply(inputs, scale))
        return ops.divide(ops.subtract(inputs, mean), scale)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "invert": self.invert,
            "mean": _plain(self.input_mean),
            "variance": _plain(self.input_variance),
        }

    def get_build_config(self) -> dict | None:
        """The input shape the layer was built (or adapted) with, as Keras records it."""
        if self._build_input_shape:
            return {"input_shape": self._build_input_shape}
        return None

    def build_from_config(self, config: dict) -> None:
        if config and config.get("input_shape") is not None:
            self._maybe_build(tuple(config["input_shape"]))


def _plain(value: Any) -> Any:
    """A statistic as plain JSON data (``np.array(value).tolist()``, as Keras saves it)."""
    if value is None:
        return None
    return xp.asarray(getattr(value, "value", value)).tolist()


class Rescaling(Layer):
    """Multiplies the inputs by ``scale`` and adds ``offset``:  y = x · scale + offset.

    E.g. ``Rescaling(1 / 255)`` maps pixels from [0, 255] to [0, 1], and
    ``Rescaling(1 / 127.5, offset=-1)`` to [-1, 1]. Integer inputs are cast to the layer's
    float dtype first.

    Args:
        scale: a float, or an array that broadcasts against the inputs (per channel).
        offset: a float or an array, added after scaling (default 0).
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    """

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scale = _from_config_value(scale)
        self.offset = _from_config_value(offset)
        self.supports_masking = True

    def call(self, inputs: Any) -> Tensor:
        scale = xp.asarray(getattr(self.scale, "value", self.scale), dtype=self.dtype)
        offset = xp.asarray(getattr(self.offset, "value", self.offset), dtype=self.dtype)
        return ops.add(ops.multiply(inputs, scale), offset)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "scale": _config_value(self.scale),
                "offset": _config_value(self.offset)}


def _config_value(value: Any) -> Any:
    """A float stays a float; an array becomes Keras' ``{"class_name": "__numpy__", ...}``."""
    if isinstance(value, Tensor):
        value = value.value
    if hasattr(value, "dtype") and hasattr(value, "tolist"):
        if getattr(value, "ndim", 0) == 0:
            return value.item()
        return {"class_name": "__numpy__",
                "config": {"value": value.tolist(), "dtype": str(value.dtype)}}
    return value


def _from_config_value(value: Any) -> Any:
    """The inverse of :func:`_config_value` (configs that were not deserialized yet)."""
    if isinstance(value, dict) and value.get("class_name") == "__numpy__":
        inner = value.get("config") or {}
        dtype = str(inner.get("dtype", "float32"))
        if xp.dtype(dtype).kind not in "fiu":
            raise ValueError(f"Rescaling needs a numeric scale/offset. Received: dtype={dtype!r}")
        return xp.asarray(inner.get("value"), dtype=dtype)
    return value
