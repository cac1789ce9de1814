"""Adamax: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Variable
from keraslite.backend import xp
from keraslite.optimizers.base import Optimizer


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, 2015, section 7), with Keras 3's update rule (t counts from 1).

        m ← m + (g - m)(1 - β₁)
        u ← max(β₂ u, |g|)
        w ← w - lr · m / ((1 - β₁ᵗ)(u + ε))

    Args:
        learning_rate: default 0.001.
        beta_1: decay of the first moment (default 0.9).
        beta_2: decay of the infinity norm (default 0.999).
        epsilon: default 1e-7.
        **kwargs: the base optimizer's arguments (clipnorm, weight_decay, use_ema, name, ...).

    """

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, variables: list[Variable]) -> None:
        if self.built:
            return
        super().build(variables)
        self.add_optimizer_variables(variables, ["momentum", "norm"])

    def _update(self, w: Any, g: Any, slots: dict, learning_rate: float) -> None:
        m, u = slots["momentum"], slots["norm"]
        m += (g - m) * (1 - self.beta_1)
        u *= self.beta_2
        xp.maximum(u, xp.abs(g), out=u)
        correction = 1 - self.beta_1 ** self._local_step()
        w -= learning_rate * m / (correction * (u + self.epsilon))

    def get_config(self) -> dict:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
