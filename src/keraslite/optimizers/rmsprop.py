"""RMSprop: divide the gradient by a running root mean square of recent gradients."""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Variable
from keraslite.backend import xp
from keraslite.optimizers.base import Optimizer


class RMSprop(Optimizer):
    """RMSprop, with Keras 3's update rule.

        v ← ρ v + (1 - ρ) g²
        (centered)  ḡ ← ρ ḡ + (1 - ρ) g,  denominator = v - ḡ² + ε,  else v + ε
        step = lr · g / √denominator
        (momentum μ > 0)  m ← μ m + step;  w ← w - m,   else  w ← w - step

    Args:
        learning_rate: default 0.001.
        rho: decay of the running average (default 0.9).
        momentum: default 0.0.
        epsilon: default 1e-7.
        centered: normalize by the estimated variance instead of the second moment.

    """

    _elementwise_update = True

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.9, momentum: float = 0.0,
                 epsilon: float = 1e-7, centered: bool = False, name: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = float(rho)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.centered = bool(centered)

    def build(self, variables: list[Variable]) -> None:
        if self.built:
            return
        super().build(variables)
        self.add_optimizer_variables(variables, "velocity")
        if self.momentum > 0:
            self.add_optimizer_variables(variables, "momentum")
        if self.centered:
            self.add_optimizer_variables(variables, "average_gradient")

    def _update(self, w: Any, g: Any, slots: dict, learning_rate: float) -> None:
        rho = self.rho
        v = slots["velocity"]
        work = self._scratch(w)
        v *= rho
        xp.multiply(g, g, out=work)
        work *= 1 - rho
        v += work
        if self.centered:
            avg = slots["average_gradient"]
            avg *= rho
            xp.multiply(g, 1 - rho, out=work)
            avg += work
            xp.multiply(avg, avg, out=work)
            xp.subtract(v, work, out=work)
        else:
            work[...] = v
        work += self.epsilon
        xp.sqrt(work, out=work)
        xp.divide(g, work, out=work)
        work *= learning_rate
        if self.momentum > 0:
            m = slots["momentum"]
            m *= self.momentum
            m += work
            w -= m
        else:
            w -= work

    def get_config(self) -> dict:
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}
