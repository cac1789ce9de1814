"""Stochastic gradient descent, with optional (Nesterov) momentum."""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Variable
from keraslite.backend import xp
from keraslite.optimizers.base import Optimizer


class SGD(Optimizer):
    """Gradient descent with momentum, as Keras 3 defines it.

    Without momentum:  w ← w - lr·g.
    With momentum μ:   m ← μ·m - lr·g;  w ← w + m,
    and with Nesterov: w ← w + μ·m - lr·g  (using the new m).

    Args:
        learning_rate: step size (default 0.01).
        momentum: μ ≥ 0 (default 0.0).
        nesterov: use Nesterov momentum (default False).

    """

    _elementwise_update = True

    def __init__(self, learning_rate: Any = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if not 0 <= momentum <= 1 or not isinstance(momentum, (int, float)):
            raise ValueError(
                f"`momentum` must be a float between [0, 1]. Received: momentum={momentum}"
            )
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def build(self, variables: list[Variable]) -> None:
        if self.built:
            return
        super().build(variables)
        if self.momentum != 0:
            self.add_optimizer_variables(variables, "momentum")

    def _update(self, w: Any, g: Any, slots: dict, learning_rate: float) -> None:
        step = xp.multiply(g, learning_rate, out=self._scratch(w))  # lr·g
        if self.momentum == 0:
            w -= step
            return
        m = slots["momentum"]
        m *= self.momentum
        m -= step
        if self.nesterov:
            ahead = xp.multiply(m, self.momentum, out=self._scratch(w, 1))
            ahead -= step
            w += ahead
        else:
            w += m

    def get_config(self) -> dict:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
