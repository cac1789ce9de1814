"""Learning-rate schedules (``keraslite.optimizers.schedules``): the rate as a function of the step.

An optimizer given a schedule evaluates it at its iteration count before every update, so the
first update uses ``schedule(0)``. Each schedule follows Keras 3's formula and arguments; values
are computed in float64 (Keras computes in float32, a difference below 1e-6 relative).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from keraslite.naming import lookup
from keraslite.registry_utils import class_config


class LearningRateSchedule:
    """Base class: a callable ``step -> learning rate`` with a serializable config.

    Subclasses implement :meth:`__call__` for a scalar step and :meth:`get_config`. Calling a
    schedule with an array of steps returns an array of rates (handy for plotting).
    """

    def __call__(self, step: Any) -> Any:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override "
            "`__call__(self, step)`."
        )

    def get_config(self) -> dict:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` in "
            "order to be serializable."
        )

    @classmethod
    def from_config(cls, config: dict) -> LearningRateSchedule:
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"


def _scalar_step(step: Any) -> float | None:
    """``step`` as a float, or None after evaluating an array of steps (see ``_vectorized``)."""
    if isinstance(step, (int, float)):
        return float(step)
    value = getattr(step, "value", step)  # a keraslite Variable/Tensor
    arr = np.asarray(value.get() if hasattr(value, "get") else value)  # CuPy -> NumPy
    return float(arr) if arr.ndim == 0 else None


def _vectorized(fn: Any) -> Any:
    """Let a scalar ``__call__`` accept an array of steps too."""

    def call(self: LearningRateSchedule, step: Any) -> Any:
        s = _scalar_step(step)
        if s is not None:
            return fn(self, s)
        arr = np.asarray(getattr(step, "value", step))
        return np.array([fn(self, float(x)) for x in arr.ravel()]).reshape(arr.shape)

    call.__doc__ = fn.__doc__
    call.__name__ = fn.__name__
    return call


def _check_positive(name: str, value: Any) -> None:
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class _StepDecay(LearningRateSchedule):
    """The arguments shared by ExponentialDecay and InverseTimeDecay, and their exponent ``p``.

    ``p = step / decay_steps``, or ``floor(step / decay_steps)`` with ``staircase=True``.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: float, decay_rate: float,
                 staircase: bool, name: str) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_positive("decay_steps", decay_steps)

    def _exponent(self, step: float) -> float:
        p = step / self.decay_steps
        return math.floor(p) if self.staircase else p

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_StepDecay):
    """Exponential decay: ``lr(step) = initial_learning_rate · decay_rate^(step / decay_steps)``.

    With ``staircase=True`` the exponent is ``floor(step / decay_steps)``, so the rate drops
    in steps.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: the number of steps over which the rate is multiplied by ``decay_rate``.
        decay_rate: the decay factor.
        staircase: decay at discrete intervals.
        name: the schedule's name.

    """

    def __init__(self, initial_learning_rate: float, decay_steps: float, decay_rate: float,
                 staircase: bool = False, name: str = "ExponentialDecay") -> None:
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    @_vectorized
    def __call__(self, step: float) -> float:
        return float(self.initial_learning_rate) * float(self.decay_rate) ** self._exponent(step)


class PiecewiseConstantDecay(LearningRateSchedule):
    """A constant rate on each interval between boundaries.

    ``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < step <= boundaries[i]``, and ``values[-1]`` after ``boundaries[-1]``.

    Args:
        boundaries: increasing step numbers.
        values: one more value than boundaries.
        name: the schedule's name.

    """

    def __init__(self, boundaries: list, values: list, name: str = "PiecewiseConstant") -> None:
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    @_vectorized
    def __call__(self, step: float) -> float:
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return float(value)
        return float(self.values[-1])

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate``.

    ``lr(step) = (initial - end) · (1 - s / decay_steps)^power + end`` with
    ``s = min(step, decay_steps)``; with ``cycle=True`` the horizon instead grows to
    ``decay_steps · ceil(step / decay_steps)`` (and ``decay_steps`` at step 0).

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: the number of steps to decay over (> 0).
        end_learning_rate: the final rate (default 0.0001).
        power: the polynomial's power (default 1.0, a linear decay).
        cycle: restart beyond ``decay_steps``.
        name: the schedule's name.

    """

    def __init__(self, initial_learning_rate: float, decay_steps: float,
                 end_learning_rate: float = 0.0001, power: float = 1.0, cycle: bool = False,
                 name: str = "PolynomialDecay") -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        _check_positive("decay_steps", decay_steps)

    @_vectorized
    def __call__(self, step: float) -> float:
        decay_steps = float(self.decay_steps)
        if self.cycle:
            decay_steps *= 1.0 if step == 0 else math.ceil(step / decay_steps)
        else:
            step = min(step, decay_steps)
        end = float(self.end_learning_rate)
        return (float(self.initial_learning_rate) - end) * \
            (1 - step / decay_steps) ** float(self.power) + end

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class InverseTimeDecay(_StepDecay):
    """Inverse time decay: ``lr(step) = initial_learning_rate / (1 + decay_rate · p)``.

    ``p = step / decay_steps``, or ``floor(step / decay_steps)`` with ``staircase=True``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: how often the decay is applied.
        decay_rate: the decay factor.
        staircase: decay at discrete intervals.
        name: the schedule's name.

    """

    def __init__(self, initial_learning_rate: float, decay_steps: float, decay_rate: float,
                 staircase: bool = False, name: str = "InverseTimeDecay") -> None:
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    @_vectorized
    def __call__(self, step: float) -> float:
        p = self._exponent(step)
        return float(self.initial_learning_rate) / (1 + float(self.decay_rate) * p)


class CosineDecay(LearningRateSchedule):
    """Cosine decay, with an optional linear warmup.

    Without warmup (``warmup_target=None``), for ``s = min(step, decay_steps)``:
    ``lr = initial · ((1 - α) · ½(1 + cos(π s / decay_steps)) + α)``.

    With ``warmup_target``, the rate first rises linearly from ``initial_learning_rate`` to
    ``warmup_target`` over ``warmup_steps`` steps, then decays from ``warmup_target`` by the
    formula above applied to ``step - warmup_steps`` (``step`` capped at
    ``warmup_steps + decay_steps``).

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: the number of steps to decay over (> 0).
        alpha: the floor, as a fraction of the starting rate (default 0.0).
        name: the schedule's name.
        warmup_target: the rate reached at the end of the warmup, or None for no warmup.
        warmup_steps: the length of the warmup (default 0).

    """

    def __init__(self, initial_learning_rate: float, decay_steps: float, alpha: float = 0.0,
                 name: str = "CosineDecay", warmup_target: float | None = None,
                 warmup_steps: float = 0) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        _check_positive("decay_steps", decay_steps)

    def _decay(self, step: float, start: float) -> float:
        cosine = 0.5 * (1.0 + math.cos(math.pi * step / float(self.decay_steps)))
        alpha = float(self.alpha)
        return start * ((1 - alpha) * cosine + alpha)

    @_vectorized
    def __call__(self, step: float) -> float:
        initial = float(self.initial_learning_rate)
        decay_steps = float(self.decay_steps)
        if self.warmup_target is None:
            return self._decay(min(step, decay_steps), initial)
        target, warmup = float(self.warmup_target), float(self.warmup_steps)
        step = min(step, decay_steps + warmup)
        if step < warmup:
            return (target - initial) * (step / warmup) + initial
        return self._decay(step - warmup, target)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR, Loshchilov & Hutter 2017).

    The first period lasts ``first_decay_steps``; each following one is ``t_mul`` times
    longer and starts from ``m_mul`` times the previous starting rate. Within restart ``i``,
    at fraction ``f`` of its period:
    ``lr = initial · ((1 - α) · m_mul^i · ½(1 + cos(π f)) + α)``.

    Args:
        initial_learning_rate: the rate at step 0.
        first_decay_steps: the length of the first period (> 0).
        t_mul: how much longer each period is than the previous one (default 2.0).
        m_mul: how much lower each restart's rate is than the previous one (default 1.0).
        alpha: the floor, as a fraction of ``initial_learning_rate`` (default 0.0).
        name: the schedule's name.

    """

    def __init__(self, initial_learning_rate: float, first_decay_steps: float,
                 t_mul: float = 2.0, m_mul: float = 1.0, alpha: float = 0.0,
                 name: str = "SGDRDecay") -> None:
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        _check_positive("first_decay_steps", first_decay_steps)

    @_vectorized
    def __call__(self, step: float) -> float:
        fraction = step / float(self.first_decay_steps)
        t_mul = float(self._t_mul)
        if t_mul == 1.0:
            restart = math.floor(fraction)
            fraction -= restart
        else:
            restart = math.floor(math.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
            done = (1.0 - t_mul**restart) / (1.0 - t_mul)
            fraction = (fraction - done) / t_mul**restart
        cosine = 0.5 * float(self._m_mul) ** restart * (1.0 + math.cos(math.pi * fraction))
        alpha = float(self.alpha)
        return float(self.initial_learning_rate) * ((1 - alpha) * cosine + alpha)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


ALL: dict[str, type] = {
    cls.__name__: cls
    for cls in (LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay,
                PolynomialDecay, InverseTimeDecay, CosineDecay, CosineDecayRestarts)
}


def serialize(learning_rate_schedule: LearningRateSchedule) -> dict:
    """A schedule as Keras writes it: ``{"module", "class_name", "config", ...}``."""
    return class_config(learning_rate_schedule, "keras.optimizers.schedules")


def deserialize(config: dict, custom_objects: dict | None = None) -> LearningRateSchedule:
    """Rebuild a schedule from :func:`serialize`'s dict (only known classes are built)."""
    table = {**ALL, **(custom_objects or {})}
    cls = lookup(config["class_name"], table, "learning rate schedule", "class_name")
    return cls.from_config(dict(config.get("config", {})))
