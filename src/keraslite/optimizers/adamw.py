"""AdamW: Adam with decoupled weight decay."""

from __future__ import annotations

from typing import Any

from keraslite.optimizers.adam import Adam


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as in Keras 3.

    Each step first decays the weights, then takes Adam's step (t counts steps from 1):

        w ← w - lr · wd · w
        m ← m + (g - m)(1 - β₁)
        v ← v + (g² - v)(1 - β₂)
        w ← w - lr · √(1 - β₂ᵗ) / (1 - β₁ᵗ) · m / (√v + ε)

    Args:
        learning_rate: default 0.001.
        weight_decay: wd (default 0.004; must be a number).
        beta_1, beta_2: moment decay rates (defaults 0.9, 0.999).
        epsilon: added to the denominator (default 1e-7).
        amsgrad: use the running maximum of v (default False).
        **kwargs: the base optimizer's arguments (clipnorm, use_ema, name, ...).

    """

    def __init__(self, learning_rate: Any = 0.001, weight_decay: float = 0.004,
                 beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 amsgrad: bool = False, name: str | None = None, **kwargs: Any) -> None:
        if weight_decay is None:
            raise ValueError(
                "Argument `weight_decay` must be a float. Received: weight_decay=None"
            )
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, name=name,
                         weight_decay=weight_decay, **kwargs)
