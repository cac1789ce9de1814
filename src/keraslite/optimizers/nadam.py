"""Nadam: Adam with Nesterov momentum."""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Variable
from keraslite.backend import xp
from keraslite.optimizers.base import Optimizer


class Nadam(Optimizer):
    """Nadam (Dozat, 2016), with Keras 3's update rule (t counts steps from 1).

        μₜ = β₁ (1 - ½ · 0.96ᵗ),   Πₜ = μ₁ μ₂ ⋯ μₜ   (kept across steps)
        m ← m + (g - m)(1 - β₁)
        v ← v + (g² - v)(1 - β₂)
        m̂ = μₜ₊₁ m / (1 - Πₜ μₜ₊₁) + (1 - μₜ) g / (1 - Πₜ)
        v̂ = v / (1 - β₂ᵗ)
        w ← w - lr · m̂ / (√v̂ + ε)

    Args:
        learning_rate: default 0.001.
        beta_1, beta_2: moment decay rates (defaults 0.9, 0.999).
        epsilon: default 1e-7.
        **kwargs: the base optimizer's arguments (clipnorm, weight_decay, use_ema, name, ...).

    """

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self._coefficients = (0.0, 0.0, 1.0)

    def build(self, variables: list[Variable]) -> None:
        if self.built:
            return
        super().build(variables)
        self.add_optimizer_variables(variables, ["momentum", "velocity"])
        dtype = variables[0].value.dtype if variables else "float32"
        # Π, the running product of the μ's (Keras' `_u_product`), last in `variables`
        self._u_product = self.add_variable(xp.ones((), dtype), "u_product")

    def _begin_step(self) -> None:
        t, b1 = self._local_step(), self.beta_1
        u_t = b1 * (1.0 - 0.5 * 0.96**t)
        u_next = b1 * (1.0 - 0.5 * 0.96 ** (t + 1))
        self._u_product.value *= u_t
        product = float(self._u_product.value)
        self._coefficients = (u_next / (1 - product * u_next), (1 - u_t) / (1 - product),
                              1 - self.beta_2**t)

    def _update(self, w: Any, g: Any, slots: dict, learning_rate: float) -> None:
        c_m, c_g, v_correction = self._coefficients
        m, v = slots["momentum"], slots["velocity"]
        m += (g - m) * (1 - self.beta_1)
        v += (g * g - v) * (1 - self.beta_2)
        m_hat = c_m * m + c_g * g
        w -= learning_rate * m_hat / (xp.sqrt(v / v_correction) + self.epsilon)

    def get_config(self) -> dict:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
