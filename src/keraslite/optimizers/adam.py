"""Adam: adaptive moment estimation."""

from __future__ import annotations

import math
from typing import Any

from keraslite.autodiff.tensor import Variable
from keraslite.backend import on_gpu, xp
from keraslite.backend.threads import on_halves
from keraslite.optimizers import fused
from keraslite.optimizers.base import Optimizer


class Adam(Optimizer):
    """Adam, with Keras 3's update rule (t counts steps from 1).

        m ← m + (g - m)(1 - β₁)
        v ← v + (g² - v)(1 - β₂)
        α = lr · √(1 - β₂ᵗ) / (1 - β₁ᵗ)
        w ← w - α · m / (√v + ε)

    With ``amsgrad`` the running maximum of v replaces v in the last line.

    Args:
        learning_rate: default 0.001.
        beta_1, beta_2: moment decay rates (defaults 0.9, 0.999).
        epsilon: added to the denominator (default 1e-7).
        amsgrad: use the AMSGrad variant (default False).

    """

    _elementwise_update = True

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False, name: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.amsgrad = bool(amsgrad)

    def build(self, variables: list[Variable]) -> None:
        if self.built:
            return
        super().build(variables)
        self.add_optimizer_variables(variables, ["momentum", "velocity"])
        if self.amsgrad:
            self.add_optimizer_variables(variables, "velocity_hat")

    def _update_flat(self, w: Any, g: Any, slots: dict, learning_rate: float) -> None:
        """Over a large flat buffer with numba installed: one fused loop per half of the
        buffer (:mod:`~keraslite.optimizers.fused`, the same numbers); else NumPy's passes.
        """
        loop = None
        if not self.amsgrad and w.size >= fused.MIN_SIZE and not on_gpu():
            loop = fused.kernel("adam", w.dtype)
        if loop is None:
            super()._update_flat(w, g, slots, learning_rate)
            return
        t = self._local_step()
        alpha = learning_rate * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        scalar = w.dtype.type
        constants = (scalar(1 - self.beta_1), scalar(1 - self.beta_2), scalar(alpha),
                     scalar(self.epsilon))
        m, v = slots["momentum"], slots["velocity"]
        on_halves(lambda part: loop(w[part], g[part], m[part], v[part], *constants), w.size)

    def _update(self, w: Any, g: Any, slots: dict, learning_rate: float) -> None:
        t = self._local_step()
        alpha = learning_rate * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        m, v = slots["momentum"], slots["velocity"]
        work = self._scratch(w)
        xp.subtract(g, m, out=work)
        work *= 1 - self.beta_1
        m += work
        xp.multiply(g, g, out=work)
        work -= v
        work *= 1 - self.beta_2
        v += work
        if self.amsgrad:
            v_hat = slots["velocity_hat"]
            xp.maximum(v_hat, v, out=v_hat)
            v = v_hat
        xp.sqrt(v, out=work)
        work += self.epsilon
        xp.divide(m, work, out=work)
        work *= alpha
        w -= work

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }
