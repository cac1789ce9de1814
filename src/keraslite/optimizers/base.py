"""The optimizer base: learning rate (or schedule), iteration count, clipping, weight decay.

An optimizer is built once for a list of variables (creating its per-variable state), then each
step applies ``update_step(gradient, variable, learning_rate)`` in place. Subclasses write only
their update rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from keraslite.autodiff.tensor import Tensor, Variable
from keraslite.backend import xp
from keraslite.naming import deprecated, unique_name


class Optimizer:
    """Base class of optimizers.

    Args:
        learning_rate: a float, or a callable of the iteration count (a schedule).
        weight_decay: decoupled weight decay: w ← w - lr·wd·w before the update.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient element to [-clipvalue, clipvalue].
        global_clipnorm: clip all gradients together to this global L2 norm.
        name: the optimizer's name.

    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if "lr" in kwargs:
            deprecated(
                "The `lr` argument is deprecated (Keras 2); use `learning_rate`. "
                f"Received: lr={kwargs['lr']!r}"
            )
            learning_rate = kwargs.pop("lr")
        kwargs.pop("decay", None)
        if kwargs:
            raise TypeError(
                f"{type(self).__name__} got unexpected keyword arguments: {sorted(kwargs)}. "
                f"Received: {kwargs}"
            )
        if clipnorm is not None and global_clipnorm is not None:
            raise ValueError(
                "Only one of `clipnorm` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, global_clipnorm={global_clipnorm}"
            )
        if not callable(learning_rate) and (float(learning_rate) < 0):
            raise ValueError(
                f"Argument `learning_rate` must be >= 0. Received: learning_rate={learning_rate}"
            )
        self.name = name or unique_name(type(self).__name__.lower())
        self._learning_rate = learning_rate if callable(learning_rate) else float(learning_rate)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.iterations = Variable(xp.zeros((), "int64"), trainable=False, name="iteration")
        self.built = False
        self._variables: list[Variable] = []
        self._slots: dict[int, dict[str, Variable]] = {}
        self._flat: dict | None = None

    # -- learning rate -------------------------------------------------------------------
    @property
    def learning_rate(self) -> Any:
        """The current learning rate (a schedule is evaluated at the current iteration)."""
        lr = self._learning_rate
        return float(lr(int(self.iterations.value))) if callable(lr) else lr

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        self._learning_rate = value if callable(value) else float(value)

    lr = learning_rate

    # -- state ---------------------------------------------------------------------------
    def build(self, variables: Sequence[Variable]) -> None:
        """Create the per-variable state; subclasses call :meth:`add_slot` here."""
        self.built = True

    def add_slot(self, variable: Variable, name: str) -> Variable:
        """Create a zero-filled state variable shaped like ``variable``.

        When the optimizer works on a flat buffer (see :meth:`apply_flat`), the slot is a view
        into one flat buffer per slot name, so an update touches all weights at once.
        """
        slot = Variable(xp.zeros(()), trainable=False,
                        name=f"{variable.path.replace('/', '_')}_{name}")
        flat = self._flat
        if flat is not None and id(variable) in flat["offsets"]:
            start, stop = flat["offsets"][id(variable)]
            buffer = flat["slots"].get(name)
            if buffer is None:
                buffer = flat["slots"][name] = xp.zeros(flat["size"], flat["dtype"])
            slot.value = buffer[start:stop].reshape(variable.value.shape)
        else:
            slot.value = xp.zeros_like(variable.value)
        self._slots.setdefault(id(variable), {})[name] = slot
        self._variables.append(slot)
        return slot

    def slot(self, variable: Variable, name: str) -> Variable:
        return self._slots[id(variable)][name]

    @property
    def variables(self) -> list[Variable]:
        """The optimizer's state: the iteration count, then each slot in creation order."""
        return [self.iterations] + self._variables

    # -- applying updates ----------------------------------------------------------------
    def apply_gradients(self, grads_and_vars: Any) -> None:
        """Apply ``[(gradient, variable), ...]`` (as in Keras/TensorFlow)."""
        pairs = [(g, v) for g, v in grads_and_vars]
        self.apply([g for g, _ in pairs], [v for _, v in pairs])

    def apply(self, grads: Sequence[Any], trainable_variables: Sequence[Variable] | None = None):
        """Update each variable in place from its gradient; ``None`` gradients are skipped."""
        if trainable_variables is None:
            raise ValueError(
                "Optimizer.apply() needs `trainable_variables` the first time it is called. "
                "Received: trainable_variables=None"
            )
        arrays = [None if g is None else (g.value if isinstance(g, Tensor) else xp.asarray(g))
                  for g in grads]
        self.apply_arrays(arrays, list(trainable_variables))

    def apply_arrays(self, grads: list, variables: list[Variable]) -> None:
        """Update variables from raw gradient arrays (aligned with ``variables``)."""
        if not self.built:
            self.build(variables)
        grads = self._clip(grads)
        lr = self.learning_rate
        for g, v in zip(grads, variables):
            if g is None:
                continue
            if self.weight_decay:
                v.value -= (lr * self.weight_decay) * v.value
            self.update_step(g.astype(v.value.dtype, copy=False), v, lr)
            if v.constraint is not None:
                v.value[...] = v.constraint(v.value)
        self.iterations.value += 1

    def apply_flat(self, flat_grad: Any, flat: Any, variables: list[Variable],
                   grad_views: list) -> None:
        """One update of all ``variables`` at once, given as views into the ``flat`` buffer.

        ``flat_grad`` is the matching flat gradient (``grad_views`` are its per-variable views).
        The update rule then runs a handful of array operations over the whole buffer.
        """
        self._adopt_flat(variables, flat)
        lr = self.learning_rate
        if self.clipvalue is not None:
            xp.clip(flat_grad, -self.clipvalue, self.clipvalue, out=flat_grad)
        if self.clipnorm is not None:
            for g in grad_views:
                n = float(xp.sqrt(xp.vdot(g, g)))
                if n > self.clipnorm:
                    g *= self.clipnorm / n
        if self.global_clipnorm is not None:
            n = float(xp.sqrt(xp.vdot(flat_grad, flat_grad)))
            if n > self.global_clipnorm:
                flat_grad *= self.global_clipnorm / n
        if self.weight_decay:
            flat -= (lr * self.weight_decay) * flat
        self._update(flat, flat_grad, self._flat["slots"], lr)
        for v in variables:
            if v.constraint is not None:
                v.value[...] = v.constraint(v.value)
        self.iterations.value += 1

    def _adopt_flat(self, variables: list[Variable], flat: Any) -> None:
        """Lay the slots out as flat buffers matching ``flat`` (moving any existing state)."""
        current = self._flat
        if current is not None and current["flat"] is flat:
            return
        key = tuple(id(v) for v in variables)
        offsets, start = {}, 0
        for v in variables:
            offsets[id(v)] = (start, start + v.value.size)
            start += v.value.size
        old_slots = self._slots
        self._flat = {"key": key, "offsets": offsets, "size": flat.size, "dtype": flat.dtype,
                      "slots": {}, "flat": flat}
        if current is not None and current["key"] == key and current["size"] == flat.size:
            self._flat["slots"] = current["slots"]
            return
        if not self.built:
            self.build(variables)
            return
        self._slots, self._variables = {}, []
        self.build(variables)
        for v in variables:
            for name, old in old_slots.get(id(v), {}).items():
                self._slots[id(v)][name].value[...] = old.value

    def _clip(self, grads: list) -> list:
        if self.clipvalue is not None:
            c = self.clipvalue
            grads = [None if g is None else xp.clip(g, -c, c) for g in grads]
        if self.clipnorm is not None:
            out = []
            for g in grads:
                if g is not None:
                    n = float(xp.sqrt(xp.sum(g * g)))
                    g = g * (self.clipnorm / n) if n > self.clipnorm else g
                out.append(g)
            grads = out
        if self.global_clipnorm is not None:
            n = float(xp.sqrt(sum(float(xp.sum(g * g)) for g in grads if g is not None)))
            if n > self.global_clipnorm:
                scale = self.global_clipnorm / n
                grads = [None if g is None else g * scale for g in grads]
        return grads

    def update_step(self, gradient: Any, variable: Variable, learning_rate: float) -> None:
        """Update one variable in place (Keras' per-variable entry point)."""
        slots = {name: slot.value for name, slot in self._slots.get(id(variable), {}).items()}
        self._update(variable.value, gradient, slots, learning_rate)

    def _update(self, w: Any, g: Any, slots: dict, learning_rate: float) -> None:
        """The update rule on arrays: ``w`` and ``slots`` are modified in place.

        Subclasses implement it once; it serves single variables and flat buffers alike.
        """
        raise NotImplementedError

    # -- configuration -------------------------------------------------------------------
    def get_config(self) -> dict:
        lr = self._learning_rate
        return {
            "name": self.name,
            "learning_rate": lr if not callable(lr) else getattr(lr, "get_config", lambda: lr)(),
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config: dict) -> Optimizer:
        return cls(**config)
