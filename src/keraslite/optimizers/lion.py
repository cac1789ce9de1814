"""Lion: the sign of an interpolated momentum."""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Variable
from keraslite.backend import xp
from keraslite.optimizers.base import Optimizer


class Lion(Optimizer):
    """Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"), as in Keras 3.

        w ← w - lr · sign(β₁ m + (1 - β₁) g)
        m ← β₂ m + (1 - β₂) g

    Every weight moves by exactly ±lr (or 0), so Lion wants a learning rate 3-10 times smaller
    than AdamW's.

    Args:
        learning_rate: default 0.001.
        beta_1: interpolation for the update direction, in (0, 1] (default 0.9).
        beta_2: decay of the momentum (default 0.99).
        **kwargs: the base optimizer's arguments (clipnorm, weight_decay, use_ema, name, ...).

    """

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.99,
                 name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                "Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer "
                f"degenerates to SignSGD. Received: beta_1={beta_1}."
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def build(self, variables: list[Variable]) -> None:
        if self.built:
            return
        super().build(variables)
        self.add_optimizer_variables(variables, "momentum")

    def _update(self, w: Any, g: Any, slots: dict, learning_rate: float) -> None:
        m = slots["momentum"]
        w -= learning_rate * xp.sign(m * self.beta_1 + g * (1.0 - self.beta_1))
        m *= self.beta_2
        m += g * (1.0 - self.beta_2)

    def get_config(self) -> dict:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
