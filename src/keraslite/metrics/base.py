"""The metric base: :class:`Metric`, the reductions :class:`Mean` and :class:`Sum`, and
:class:`MeanMetricWrapper` (the running mean of a per-sample function).

A metric accumulates state over batches with ``update_state(y_true, y_pred, sample_weight)``,
reports it with ``result()`` (a scalar Tensor, or a vector for per-class results) and starts
over with ``reset_state()``. It works on plain arrays, outside any tape.

Every accumulator here is a sum, so updating with rows ``[0:k]`` and then ``[k:n]`` gives the
same state as one update with ``[0:n]`` (the training engine's deferred metric updates rely on
this). Sums are kept in float64; results are cast to the metric's dtype.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from keraslite import initializers
from keraslite.autodiff.tensor import Tensor, Variable
from keraslite.backend import floatx, xp
from keraslite.naming import to_snake_case


def as_array(x: Any) -> Any:
    """The array behind a Tensor, or ``x`` (a list, a pandas Series ...) as an array."""
    if isinstance(x, Tensor):
        return x.value
    if hasattr(x, "to_numpy"):
        x = x.to_numpy()
    return xp.asarray(x)


def match_ranks(x1: Any, x2: Any, expand_rank_1: bool = True) -> tuple[Any, Any]:
    """Make two arrays the same rank when it differs by one trailing axis of length 1.

    The side with the extra length-1 axis is squeezed, unless the other side is 1-D (and
    ``expand_rank_1``), which is then given a trailing axis: labels of shape ``(n,)`` against
    predictions ``(n, 1)`` give two ``(n, 1)`` arrays. As Keras'
    ``squeeze_or_expand_to_same_rank``.
    """
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2[..., None]
        else:
            x1 = x1[..., 0]
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1[..., None]
        else:
            x2 = x2[..., 0]
    return x1, x2


def divide_no_nan(a: Any, b: Any) -> Any:
    """The quotient a / b, with 0 wherever b == 0."""
    a, b = xp.asarray(a, dtype="float64"), xp.asarray(b, dtype="float64")
    safe = xp.where(b == 0, 1.0, b)
    return xp.where(b == 0, 0.0, a / safe)


def ieee_divide(a: Any, b: Any) -> Any:
    """The quotient a / b as IEEE gives it (±inf for x/0, nan for 0/0), without warnings."""
    a, b = xp.asarray(a, dtype="float64"), xp.asarray(b, dtype="float64")
    zero = b == 0
    quotient = a / xp.where(zero, 1.0, b)
    return xp.where(zero, xp.where(a == 0, xp.nan, xp.sign(a) * xp.inf), quotient)


def float_dtype(dtype: Any) -> Any:
    """``dtype`` if it is a float dtype, else ``floatx()`` (integer-state metrics give floats)."""
    try:
        if xp.dtype(dtype).kind == "f":
            return dtype
    except TypeError:
        pass
    return floatx()


def expand_weight(sample_weight: Any, shape: tuple, what: str = "y_pred") -> Any:
    """Sample weights broadcast to ``shape``: one weight per sample, ``(n,)`` or ``(n, 1)``,
    or the full shape. Trailing length-1 axes are dropped and missing trailing axes added.
    """
    w = as_array(sample_weight).astype("float64", copy=False)
    while w.ndim > len(shape) and w.shape[-1] == 1:
        w = w[..., 0]
    w = w.reshape(w.shape + (1,) * (len(shape) - w.ndim))
    try:
        return xp.broadcast_to(w, shape)
    except ValueError:
        raise ValueError(
            f"`sample_weight` of shape {tuple(as_array(sample_weight).shape)} does not fit "
            f"{what} of shape {shape}: give one weight per sample, shape "
            f"({shape[0] if shape else 1},). Received: sample_weight.shape="
            f"{tuple(as_array(sample_weight).shape)}"
        ) from None


class Metric:
    """Base class of stateful metrics.

    Subclasses set their state in ``reset_state`` (called from their ``__init__``), add to it in
    ``update_state`` and read it in ``result``. ``metric(y_true, y_pred)`` updates, then returns
    the result (the running value, as in Keras). A custom metric may also keep its state in
    variables made with :meth:`add_variable`, as in Keras; the default ``reset_state`` zeroes
    them:

    ```python
    class Positives(keras.metrics.Metric):
        def __init__(self, name="positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.count = self.add_variable(shape=(), initializer="zeros", name="count")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.count.assign_add(keras.ops.sum(keras.ops.cast(y_pred > 0.5, "float32")))

        def result(self):
            return self.count
    ```

    Args:
        name: the name shown in logs (default: the class name in snake_case).
        dtype: the dtype of the result (default: ``floatx()``).

    """

    def __init__(self, name: str | None = None, dtype: Any = None) -> None:
        self.name = name or to_snake_case(type(self).__name__)
        self.dtype = dtype or floatx()
        self._variables: list = []

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        """Add a batch to the state; implemented by subclasses."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `update_state(self, y_true, y_pred, "
            "sample_weight=None)`."
        )

    def result(self) -> Tensor:
        """The metric's value from the state; implemented by subclasses."""
        raise NotImplementedError(f"{type(self).__name__} must implement `result(self)`.")

    def reset_state(self) -> None:
        """Forget all batches seen: zero every variable made with :meth:`add_variable`."""
        for v in self.__dict__.get("_variables", ()):
            v.assign(xp.zeros(v.shape, v.dtype))

    def reset_states(self) -> None:
        """Keras 2 spelling of :meth:`reset_state`."""
        self.reset_state()

    def __call__(self, *args: Any, **kwargs: Any) -> Tensor:
        self.update_state(*args, **kwargs)
        return self.result()

    def add_variable(self, shape: tuple = (), initializer: Any = "zeros", dtype: Any = None,
                     aggregation: str = "sum", name: str | None = None) -> Variable:
        """A non-trainable state variable of this metric (``assign``/``assign_add`` it).

        Args:
            shape: the variable's shape.
            initializer: an initializer name or object (default ``"zeros"``).
            dtype: its dtype (default: the metric's dtype).
            aggregation: accepted for Keras compatibility (state is summed across batches).
            name: its name.

        """
        init = initializers.get(initializer)
        variable = Variable(init, shape=tuple(shape), dtype=dtype or self.dtype,
                            trainable=False, name=name or "variable",
                            path=f"{self.name}/{name or 'variable'}")
        if "_variables" not in self.__dict__:
            self._variables = []
        self._variables.append(variable)
        return variable

    add_weight = add_variable

    @property
    def variables(self) -> list:
        """The state: variables made with :meth:`add_variable`, else the built-in state arrays
        in Keras' order (empty before a lazily built metric's first update).
        """
        if self.__dict__.get("_variables"):
            return list(self._variables)
        return [xp.asarray(getattr(self, n)) for n in getattr(self, "_state", ())
                if getattr(self, n, None) is not None]

    def _wrap(self, value: Any) -> Tensor:
        """A result as a Tensor of the metric's (float) dtype."""
        return Tensor(xp.asarray(value, dtype=float_dtype(self.dtype)))

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


def _samplewise(values: Any, sample_weight: Any, reduce: Callable) -> tuple[Any, Any]:
    """Weighted per-sample values, as Keras' ``reduce_to_samplewise_values``.

    With weights, values are first reduced to the rank of the weights (over the extra trailing
    axes) and multiplied by them; then everything past the first axis is reduced.
    """
    values = as_array(values).astype("float64", copy=False)
    weight = None
    if sample_weight is not None:
        weight = as_array(sample_weight).astype("float64", copy=False)
        values, weight = match_ranks(values, weight)
        if values.ndim > weight.ndim:
            values = reduce(values, axis=tuple(range(weight.ndim, values.ndim)))
        try:
            weight = xp.broadcast_to(weight, values.shape)
        except ValueError:
            raise ValueError(
                f"`sample_weight` of shape {weight.shape} does not fit values of shape "
                f"{values.shape}: give one weight per sample. Received: sample_weight.shape="
                f"{weight.shape}"
            ) from None
        values = values * weight
        if weight.ndim > 1:
            weight = reduce(weight, axis=tuple(range(1, weight.ndim)))
    if values.ndim > 1:
        values = reduce(values, axis=tuple(range(1, values.ndim)))
    return values, weight


class Sum(Metric):
    """The weighted sum of all values seen:  S = Σ_i w_i v_i  (w_i = 1 without weights).

    Args:
        name: see :class:`Metric`.
        dtype: see :class:`Metric`.

    """

    _state = ("total",)

    def __init__(self, name: str = "sum", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self) -> None:
        self.total = 0.0

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        v, _ = _samplewise(values, sample_weight, xp.sum)
        self.total += float(v.sum())

    def result(self) -> Tensor:
        return self._wrap(self.total)


class Mean(Metric):
    """The weighted mean of all values seen:  M = Σ_i w_i v_i / Σ_i w_i  (0 before any weight).

    Values of rank > 1 are averaged per sample first (over all but the first axis), so each
    sample counts once, as in Keras.

    Args:
        name: see :class:`Metric`.
        dtype: see :class:`Metric`.

    """

    _state = ("total", "count")

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self) -> None:
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        if sample_weight is None or isinstance(sample_weight, (int, float)):
            v = as_array(values)
            if v.ndim == 0:  # the common case of the loss tracker: one value per batch
                w = 1.0 if sample_weight is None else float(sample_weight)
                self.total += float(v) * w
                self.count += w
                return
            if v.ndim == 1 and sample_weight is None:
                self.total += float(v.sum(dtype="float64"))
                self.count += v.shape[0]
                return
        v, w = _samplewise(values, sample_weight, xp.mean)
        self.total += float(v.sum())
        if w is not None:
            self.count += float(w.sum())
        else:
            self.count += v.shape[0] if v.ndim else 1

    def result(self) -> Tensor:
        return self._wrap(self.total / self.count if self.count else 0.0)


class MeanMetricWrapper(Mean):
    """The running mean of a per-sample function:  M = Σ_i w_i f(t_i, p_i) / Σ_i w_i.

    Args:
        fn: ``fn(y_true, y_pred, **kwargs)`` returning one value per sample (or per sample and
            position, averaged per sample).
        name: see :class:`Metric` (default: ``fn.__name__``).
        dtype: see :class:`Metric`.
        **kwargs: extra keyword arguments passed to ``fn``.

    """

    def __init__(self, fn: Callable, name: str | None = None, dtype: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(name=name or getattr(fn, "__name__", "mean"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        super().update_state(self._fn(y_true, y_pred, **self._fn_kwargs), sample_weight)

    def get_config(self) -> dict:
        config = {"name": self.name, "dtype": self.dtype, **self._fn_kwargs}
        if type(self) is MeanMetricWrapper:
            config["fn"] = getattr(self._fn, "__name__", repr(self._fn))
        return config

    @classmethod
    def from_config(cls, config: dict) -> Metric:
        if cls is MeanMetricWrapper and isinstance(config.get("fn"), str):
            from keraslite.metrics.registry import function_by_name

            config = {**config, "fn": function_by_name(config["fn"])}
        return cls(**config)
