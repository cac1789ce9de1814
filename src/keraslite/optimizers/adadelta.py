"""Adadelta: step sizes from running averages of squared gradients and squared updates."""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Variable
from keraslite.backend import xp
from keraslite.optimizers.base import Optimizer


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012), with Keras 3's update rule.

        E[g²] ← ρ E[g²] + (1 - ρ) g²
        Δ = -√(E[Δ²] + ε) / √(E[g²] + ε) · g
        E[Δ²] ← ρ E[Δ²] + (1 - ρ) Δ²
        w ← w + lr · Δ

    Keras keeps a learning rate (default 0.001); the original paper uses 1.0.

    Args:
        learning_rate: default 0.001.
        rho: decay rate of the running averages (default 0.95).
        epsilon: default 1e-7.
        **kwargs: the base optimizer's arguments (clipnorm, weight_decay, use_ema, name, ...).

    """

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.95, epsilon: float = 1e-7,
                 name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, variables: list[Variable]) -> None:
        if self.built:
            return
        super().build(variables)
        self.add_optimizer_variables(variables, ["accumulated_grad", "accumulated_delta_var"])

    def _update(self, w: Any, g: Any, slots: dict, learning_rate: float) -> None:
        rho, eps = self.rho, self.epsilon
        acc_g, acc_delta = slots["accumulated_grad"], slots["accumulated_delta_var"]
        acc_g *= rho
        acc_g += (1 - rho) * (g * g)
        delta = -xp.sqrt(acc_delta + eps) * g / xp.sqrt(acc_g + eps)
        acc_delta *= rho
        acc_delta += (1 - rho) * (delta * delta)
        w += learning_rate * delta

    def get_config(self) -> dict:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
