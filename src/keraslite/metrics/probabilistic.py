"""Running means of the probabilistic and margin losses: cross-entropies, KL divergence,
Poisson, and the hinge losses (the formulas are those of :mod:`keraslite.losses`).

    M = Σ_i w_i l(t_i, p_i) / Σ_i w_i   for the loss l named by the class.
"""

from __future__ import annotations

from typing import Any

from keraslite import losses
from keraslite.metrics.base import MeanMetricWrapper


class _LossMean(MeanMetricWrapper):
    """The running mean of a loss function; its config is its name, dtype and the loss's
    keyword arguments.
    """

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, **self._fn_kwargs}


class BinaryCrossentropy(_LossMean):
    """Running mean of the binary cross-entropy:  -mean(t log p + (1 - t) log(1 - p)).

    Args:
        name: see :class:`Metric`.
        dtype: see :class:`Metric`.
        from_logits: whether predictions are logits.
        label_smoothing: s; targets become t (1 - s) + s / 2.

    """

    def __init__(self, name: str = "binary_crossentropy", dtype: Any = None,
                 from_logits: bool = False, label_smoothing: float = 0) -> None:
        super().__init__(losses.binary_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing


class CategoricalCrossentropy(_LossMean):
    """Running mean of the categorical cross-entropy:  -Σ_j t_j log p_j  (one-hot labels).

    Args:
        name: see :class:`Metric`.
        dtype: see :class:`Metric`.
        from_logits: whether predictions are logits.
        label_smoothing: s; targets become t (1 - s) + s / k.
        axis: the class axis.

    """

    def __init__(self, name: str = "categorical_crossentropy", dtype: Any = None,
                 from_logits: bool = False, label_smoothing: float = 0, axis: int = -1) -> None:
        super().__init__(losses.categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(_LossMean):
    """Running mean of the sparse categorical cross-entropy:  -log p_t  (integer labels).

    Args:
        name: see :class:`Metric`.
        dtype: see :class:`Metric`.
        from_logits: whether predictions are logits.
        ignore_class: a label value that contributes 0.
        axis: the class axis.

    """

    def __init__(self, name: str = "sparse_categorical_crossentropy", dtype: Any = None,
                 from_logits: bool = False, ignore_class: int | None = None,
                 axis: int = -1) -> None:
        super().__init__(losses.sparse_categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis


class KLDivergence(_LossMean):
    """Running mean of the Kullback-Leibler divergence:  Σ_j t_j log(t_j / p_j)."""

    def __init__(self, name: str = "kl_divergence", dtype: Any = None) -> None:
        super().__init__(losses.kl_divergence, name=name, dtype=dtype)


class Poisson(_LossMean):
    """Running mean of the Poisson loss:  mean(p - t log(p + ε))."""

    def __init__(self, name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(losses.poisson, name=name, dtype=dtype)


class Hinge(_LossMean):
    """Running mean of the hinge loss:  mean(max(1 - t p, 0))  (0/1 labels become -1/+1)."""

    def __init__(self, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(losses.hinge, name=name, dtype=dtype)


class SquaredHinge(_LossMean):
    """Running mean of the squared hinge loss:  mean(max(1 - t p, 0)²)."""

    def __init__(self, name: str = "squared_hinge", dtype: Any = None) -> None:
        super().__init__(losses.squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(_LossMean):
    """Running mean of the categorical hinge loss:  max(max_j (1 - t_j) p_j - Σ_j t_j p_j + 1,
    0).
    """

    def __init__(self, name: str = "categorical_hinge", dtype: Any = None) -> None:
        super().__init__(losses.categorical_hinge, name=name, dtype=dtype)
