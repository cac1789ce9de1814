"""Adagrad: per-weight learning rates scaled by the accumulated squared gradients."""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Variable
from keraslite.backend import xp
from keraslite.optimizers.base import Optimizer


class Adagrad(Optimizer):
    """Adagrad, with Keras 3's update rule (the accumulator a starts at a₀).

        a ← a + g²
        w ← w - lr · g / √(a + ε)

    Args:
        learning_rate: default 0.001.
        initial_accumulator_value: a₀ (default 0.1).
        epsilon: default 1e-7.
        **kwargs: the base optimizer's arguments (clipnorm, weight_decay, use_ema, name, ...).

    """

    def __init__(self, learning_rate: Any = 0.001, initial_accumulator_value: float = 0.1,
                 epsilon: float = 1e-7, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, variables: list[Variable]) -> None:
        if self.built:
            return
        super().build(variables)
        self.add_optimizer_variables(variables, "accumulator",
                                     initializer=self.initial_accumulator_value)

    def _update(self, w: Any, g: Any, slots: dict, learning_rate: float) -> None:
        a = slots["accumulator"]
        a += g * g
        w -= learning_rate * g / xp.sqrt(a + self.epsilon)

    def get_config(self) -> dict:
        return {**super().get_config(),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
