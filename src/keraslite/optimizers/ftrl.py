"""FTRL-Proximal: follow the regularized leader, for wide and sparse linear models."""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Variable
from keraslite.backend import xp
from keraslite.optimizers.base import Optimizer


class Ftrl(Optimizer):
    """FTRL-Proximal (McMahan et al., 2013), with Keras 3's update rule.

    With the accumulator n (starting at n₀), the linear term z, p = ``learning_rate_power``,
    λ₁, λ₂ the L1/L2 strengths, λ₂ₛ the L2 shrinkage strength and β:

        g' = g + 2 λ₂ₛ w
        n' = n + g²
        z ← z + g' - (n'^(-p) - n^(-p)) / lr · w
        w ← (clip(z, -λ₁, λ₁) - z) / (n'^(-p) / lr + 2 (λ₂ + β / (2 lr)))
        n ← n'

    Args:
        learning_rate: default 0.001.
        learning_rate_power: p ≤ 0 (default -0.5).
        initial_accumulator_value: n₀ ≥ 0 (default 0.1).
        l1_regularization_strength: λ₁ ≥ 0 (default 0.0).
        l2_regularization_strength: λ₂ ≥ 0 (default 0.0).
        l2_shrinkage_regularization_strength: λ₂ₛ ≥ 0 (default 0.0).
        beta: default 0.0.
        **kwargs: the base optimizer's arguments (clipnorm, weight_decay, use_ema, name, ...).

    """

    def __init__(self, learning_rate: Any = 0.001, learning_rate_power: float = -0.5,
                 initial_accumulator_value: float = 0.1,
                 l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0,
                 l2_shrinkage_regularization_strength: float = 0.0, beta: float = 0.0,
                 name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        for arg, value in (("initial_accumulator_value", initial_accumulator_value),
                           ("l1_regularization_strength", l1_regularization_strength),
                           ("l2_regularization_strength", l2_regularization_strength),
                           ("l2_shrinkage_regularization_strength",
                            l2_shrinkage_regularization_strength)):
            if value < 0.0:
                raise ValueError(f"`{arg}` needs to be positive or zero. Received: "
                                 f"{arg}={value}.")
        if learning_rate_power > 0.0:
            raise ValueError("`learning_rate_power` needs to be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, variables: list[Variable]) -> None:
        if self.built:
            return
        super().build(variables)
        self.add_optimizer_variables(variables, ["accumulator", "linear"],
                                     initializer=[self.initial_accumulator_value, "zeros"])

    def _update(self, w: Any, g: Any, slots: dict, learning_rate: float) -> None:
        n, z = slots["accumulator"], slots["linear"]
        power, lr = -self.learning_rate_power, learning_rate
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        n_new = n + g * g
        n_new_pow = n_new**power
        z += g + (2 * self.l2_shrinkage_regularization_strength) * w \
            - (n_new_pow - n**power) / lr * w
        w[...] = (xp.clip(z, -l1, l1) - z) / (n_new_pow / lr + 2 * l2)
        n[...] = n_new

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        }
