"""The optimizer base: learning rate (or schedule), iteration count, clipping, weight decay, EMA.

An optimizer is built once for a list of variables (creating its per-variable state, the
"slots"), then each step updates them in place. Subclasses write only their update rule,
``_update(w, g, slots, learning_rate)`` on arrays; it serves both entry points:

- :meth:`Optimizer.apply_arrays`: one call per variable (``w`` is the variable's array);
- :meth:`Optimizer.apply_flat`: all weights as views into one flat buffer, their slots then
  living in flat buffers too, so a step is a handful of array operations over all weights.

One step does what Keras 3's does, in its order: drop ``None`` gradients, (accumulate
gradients), clip, decay the weights, update, update the moving average (EMA), apply
constraints, count the iteration.

State follows Keras' order, so that it maps onto a Keras weights file: ``variables`` is the
iteration count, the learning rate (unless it is a schedule or a callable), the EMA averages
and gradient accumulators (when asked for), then the slots, created per model variable in the
order each optimizer's ``build`` names them.
"""

from __future__ import annotations

import inspect
import math
import re
import threading
import warnings
from collections.abc import Sequence
from typing import Any

from keraslite.autodiff.tensor import Tensor, Variable
from keraslite.backend import distribute, on_gpu, xp
from keraslite.backend.threads import PARALLEL_MIN_SIZE, on_halves
from keraslite.naming import deprecated, to_snake_case, unique_name
from keraslite.optimizers import schedules as schedules_module
from keraslite.optimizers.schedules import LearningRateSchedule
from keraslite.optimizers.slots import SlotState


class Optimizer(SlotState):
    """Base class of optimizers.

    Args:
        learning_rate: a float, a :class:`~keraslite.optimizers.schedules.LearningRateSchedule`,
            or a callable of the iteration count (or of nothing, as in Keras).
        weight_decay: decoupled weight decay: w ← w - lr·wd·w before the update.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient element to [-clipvalue, clipvalue].
        global_clipnorm: clip all gradients together to this global L2 norm.
            At most one of the three clipping arguments may be set.
        use_ema: keep an exponential moving average of the weights:
            avg ← μ·avg + (1 - μ)·w after each update (avg ← w after the first).
        ema_momentum: μ (default 0.99).
        ema_overwrite_frequency: every this many iterations, overwrite the weights with their
            average; with None, only :meth:`finalize_variable_values` (called at the end of
            ``fit``) does.
        loss_scale_factor: accepted for Keras compatibility (the scale would cancel out).
        gradient_accumulation_steps: update only every this many steps (>= 2), with the mean
            of the gradients accumulated since the last update.
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
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.",
                          stacklevel=2)
        if kwargs:
            raise TypeError(
                f"{type(self).__name__} got unexpected keyword arguments: {sorted(kwargs)}. "
                f"Received: {kwargs}"
            )
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}"
            )
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        if use_ema:
            if not 0 <= ema_momentum <= 1:
                raise ValueError(
                    f"`ema_momentum` must be in the range [0, 1]. "
                    f"Received: ema_momentum={ema_momentum}"
                )
            if ema_overwrite_frequency and (not isinstance(ema_overwrite_frequency, int)
                                            or ema_overwrite_frequency < 1):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. "
                    f"Received: ema_overwrite_frequency={ema_overwrite_frequency}"
                )
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._iterations = Variable(xp.zeros((), "int64"), trainable=False, name="iteration",
                                    path=f"{self.name}/iteration")
        self._variables: list[Variable] = []  # the state after the learning rate
        self._slots: dict[int, dict[str, Variable]] = {}
        self._slot_initial: dict[str, float] = {}
        self._trainable_variables: list[Variable] = []
        self._flat: dict | None = None
        self._exclude_ids: set[int] = set()
        self._exclude_pattern: re.Pattern | None = None
        self._learning_rate: Any = None
        self._lr_takes_step = False
        self.learning_rate = learning_rate

    # -- learning rate -------------------------------------------------------------------
    @property
    def learning_rate(self) -> Any:
        """The learning rate, as in Keras: a Variable (``.assign(0.01)``, ``float(...)``), or
        for a schedule or a callable, a Tensor of its value at the current iteration.

        Setting the attribute (``optimizer.learning_rate = 0.01``) works too.
        """
        lr = self._learning_rate
        if isinstance(lr, Variable):
            return lr
        return Tensor(xp.asarray(self._current_learning_rate(), "float64"))

    def _current_learning_rate(self) -> float:
        """The learning rate of the update being made, as a float."""
        lr = self._learning_rate
        if isinstance(lr, Variable):
            return float(lr.value)
        step = int(self._iterations.value)
        return float(lr(step) if self._lr_takes_step else lr())

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        current = self._learning_rate
        if isinstance(value, Tensor):
            value = float(value.value)
        if callable(value):
            self._learning_rate = value
            self._lr_takes_step = isinstance(value, LearningRateSchedule) or _takes_argument(
                value)
            return
        if isinstance(current, LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not "
                "settable. If you need the learning rate to be settable, create the optimizer "
                f"with a float `learning_rate`. Received: learning_rate={value!r}"
            )
        if float(value) < 0:
            raise ValueError(
                f"Argument `learning_rate` must be >= 0. Received: learning_rate={value}"
            )
        if isinstance(current, Variable):
            current.value[...] = float(value)
            return
        # float64, so that the learning rate reads back exactly as it was set
        self._learning_rate = Variable(xp.asarray(float(value), "float64"), trainable=False,
                                       name="learning_rate", path=f"{self.name}/learning_rate")

    lr = learning_rate

    @property
    def iterations(self) -> Tensor:
        """The number of updates made (with gradient accumulation: of accumulated updates)."""
        steps = self.gradient_accumulation_steps
        if steps:
            return Tensor(self._iterations.value // steps)
        return self._iterations

    # Update rules that are purely element-wise may run on two halves of the flat buffer at once
    # (NumPy releases the GIL in its loops, so the halves update in parallel on two cores), and
    # run block by block: each block's dozen passes stay in the CPU cache (measured on
    # mlp-large's 670k parameters, Adam: 1.99 ms per update in whole-buffer passes, 1.12 ms in
    # blocks of 64k, one thread; numexpr's fused expressions took 3.35 ms, so they are not used).
    _elementwise_update = False
    _PARALLEL_MIN_SIZE = PARALLEL_MIN_SIZE
    _BLOCK = 1 << 16

    def _update_flat(self, w: Any, g: Any, slots: dict, learning_rate: float) -> None:
        """Run :meth:`_update` over the flat buffers, in cache-sized blocks and split in two
        threads when it pays (element-wise rules only; the results are the same).
        """
        if not self._elementwise_update or on_gpu():  # [backend] one pass per kernel on a GPU
            self._update(w, g, slots, learning_rate)
        elif w.size < self._PARALLEL_MIN_SIZE:
            self._update_blocks(w, g, slots, learning_rate)
        else:
            on_halves(lambda part: self._update_blocks(w[part], g[part],
                                                       {k: v[part] for k, v in slots.items()},
                                                       learning_rate), w.size)

    def _update_blocks(self, w: Any, g: Any, slots: dict, learning_rate: float) -> None:
        block = self._BLOCK
        if w.size <= block:
            self._update(w, g, slots, learning_rate)
            return
        for start in range(0, w.size, block):
            part = slice(start, start + block)
            self._update(w[part], g[part], {k: v[part] for k, v in slots.items()},
                         learning_rate)

    def _scratch(self, like: Any, index: int = 0) -> Any:
        """A reusable work array shaped like ``like``: updates allocate nothing per step."""
        buffers = self.__dict__.setdefault("_scratch_buffers", {})
        # One buffer per thread: the halves of a parallel flat update never share one.
        key = (like.shape, like.dtype.str, index, threading.get_ident())
        buffer = buffers.get(key)
        if buffer is None:
            buffer = buffers[key] = xp.empty_like(like)
        return buffer

    def _local_step(self) -> int:
        """``t`` of the update being made: 1 for the first update."""
        steps = self.gradient_accumulation_steps
        count = int(self._iterations.value)
        return (count // steps if steps else count) + 1

    # -- state ---------------------------------------------------------------------------
    def build(self, variables: Sequence[Variable]) -> None:
        """Create the per-variable state.

        Subclasses call ``super().build(variables)`` first (as in Keras), then create their
        slots with :meth:`add_optimizer_variables`.
        """
        variables = list(variables)
        if self.use_ema:
            self.add_optimizer_variables(variables, "average")
        if self.gradient_accumulation_steps:
            self.add_optimizer_variables(variables, "gradient_accumulator")
        self._trainable_variables = variables
        self.built = True

    # -- applying updates ----------------------------------------------------------------
    def apply_gradients(self, grads_and_vars: Any) -> Variable:
        """Apply ``[(gradient, variable), ...]`` (as in Keras/TensorFlow)."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])
        return self._iterations

    def apply(self, grads: Sequence[Any], trainable_variables: Sequence[Variable] | None = None):
        """Update each variable in place from its gradient; ``None`` gradients are skipped."""
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "Optimizer.apply() needs `trainable_variables` the first time it is "
                    "called (or call `optimizer.build(trainable_variables)` first). "
                    "Received: trainable_variables=None"
                )
            trainable_variables = self._trainable_variables
        arrays = [None if g is None else (g.value if isinstance(g, Tensor) else xp.asarray(g))
                  for g in grads]
        # data-parallel hook: the gradients a custom train_step (or a GradientTape loop)
        # applies are averaged over the workers, as Horovod's DistributedOptimizer does
        arrays = distribute.reduce_arrays(arrays)
        self.apply_arrays(arrays, list(trainable_variables))

    def apply_arrays(self, grads: list, variables: list[Variable]) -> None:
        """Update variables from raw gradient arrays (aligned with ``variables``)."""
        if len(grads) == 0:
            return
        variables = list(variables)
        if not self.built:
            self.build(variables)
        self._ensure_slots(variables)
        pairs = [(g, v) for g, v in zip(grads, variables) if g is not None]
        if not pairs:
            raise ValueError("No gradients provided for any variable.")
        if len(pairs) < len(variables):
            missing = [v.path for g, v in zip(grads, variables) if g is None]
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss. "
                "If using `model.compile()`, did you forget to provide a `loss` argument?",
                stacklevel=2)
        variables = [v for _, v in pairs]
        # copies: the pipeline clips in place, and the caller's arrays must stay as they are
        grads = [xp.array(g, dtype=v.value.dtype) for g, v in pairs]
        if self.gradient_accumulation_steps:
            grads = self._accumulated(
                grads, [self.slot(v, "gradient_accumulator").value for v in variables],
                in_place=True)
        self._step(grads, variables)

    def apply_flat(self, flat_grad: Any, flat: Any, variables: list[Variable],
                   grad_views: list) -> None:
        """One update of all ``variables`` at once, given as views into the ``flat`` buffer.

        ``flat_grad`` is the matching flat gradient (``grad_views`` are its per-variable views);
        it may be modified (clipped) in place. The update rule then runs a handful of array
        operations over the whole buffer.
        """
        self._adopt_flat(variables, flat)
        slots = self._flat["slots"]
        grads = grad_views
        if self.gradient_accumulation_steps:
            done = self._accumulated([flat_grad], [slots["gradient_accumulator"]], in_place=True)
            grads = None if done is None else grad_views
        self._step(grads, variables, (flat, flat_grad, slots))

    def _step(self, grads: list | None, variables: list[Variable], flat: Any = None) -> None:
        """The one pipeline of both entry points: clip, decay the weights, update (per
        variable, or once over the flat buffers when ``flat`` is ``(weights, gradients,
        slots)``), then the moving average, constraints and the iteration count. ``grads``
        (None: an accumulating step without update) may be modified in place.
        """
        if grads is not None:
            if self.clipnorm or self.global_clipnorm or self.clipvalue:
                self._clip_in_place(grads, None if flat is None else flat[1])
            lr = self._current_learning_rate()
            if self.weight_decay is not None:
                decayed = [v for v in variables if self._use_weight_decay(v)]
                if flat is not None and len(decayed) == len(variables):
                    decayed_arrays = [flat[0]]
                else:
                    decayed_arrays = [v.value for v in decayed]
                for w in decayed_arrays:
                    w -= w * (self.weight_decay * lr)
            self._begin_step()
            if flat is None:
                for g, v in zip(grads, variables):
                    self.update_step(g, v, lr)
            else:
                self._update_flat(flat[0], flat[1], flat[2], lr)
        self._finish_step(variables)

    def _clip_in_place(self, grads: list, whole: Any = None) -> None:
        """Clip the gradients in place (Keras' clipnorm, global_clipnorm or clipvalue);
        ``whole``, when given, is one array holding all of ``grads`` (the flat buffer).
        """
        if self.clipnorm and self.clipnorm > 0:
            for g in grads:
                g *= self._clip_scale(float(xp.vdot(g, g)), self.clipnorm)
            return
        parts = grads if whole is None else [whole]
        if self.global_clipnorm and self.global_clipnorm > 0:
            scale = self._global_scale(sum(float(xp.vdot(g, g)) for g in parts))
            for g in parts:
                g *= scale
        elif self.clipvalue and self.clipvalue > 0:
            for g in parts:
                xp.clip(g, -self.clipvalue, self.clipvalue, out=g)

    def _accumulated(self, grads: list, accumulators: list,
                     in_place: bool = False) -> list | None:
        """Gradient accumulation: on most steps add the gradients to the accumulators and
        return None (no update); every ``gradient_accumulation_steps``-th step return the mean
        of the accumulated gradients and reset the accumulators.
        """
        steps = self.gradient_accumulation_steps
        if (int(self._iterations.value) + 1) % steps:
            for g, acc in zip(grads, accumulators):
                acc += g
            return None
        if in_place:
            for g, acc in zip(grads, accumulators):
                g += acc
                g /= steps
        else:
            grads = [(g + acc) / steps for g, acc in zip(grads, accumulators)]
        for acc in accumulators:
            acc[...] = 0
        return grads

    def _finish_step(self, variables: list[Variable]) -> None:
        """Moving average (and its overwrite), constraints, then count the iteration."""
        if self.use_ema:
            self._update_moving_average()
        for v in variables:
            if v.constraint is not None:
                v.value[...] = v.constraint(v.value)
        self._iterations.value += 1

    def _update_moving_average(self) -> None:
        count = int(self.iterations.value)
        momentum = self.ema_momentum if count != 0 else 0.0
        flat = self._flat
        pairs = [(v.value, self.slot(v, "average").value) for v in self._trainable_variables]
        if flat is not None and flat["key"] == tuple(id(v) for v in self._trainable_variables):
            pairs = [(flat["flat"], flat["slots"]["average"])]
        frequency = self.ema_overwrite_frequency
        overwrite = bool(frequency) and (count + 1) % frequency == 0
        for w, average in pairs:
            average *= momentum
            average += (1 - momentum) * w
            if overwrite:
                w[...] = average

    def finalize_variable_values(self, var_list: Sequence[Variable]) -> None:
        """With ``use_ema``, overwrite the variables with their moving averages.

        Keras' ``fit`` calls this after the last epoch.
        """
        if not self.use_ema:
            return
        for v in var_list:
            average = self._slots.get(id(v), {}).get("average")
            if average is not None:
                v.value[...] = average.value

    def _clip_scale(self, sum_of_squares: float, clipnorm: float) -> float:
        return clipnorm / max(math.sqrt(sum_of_squares), clipnorm)

    def _global_scale(self, sum_of_squares: float) -> float:
        norm = math.sqrt(sum_of_squares)
        if not math.isfinite(norm):
            return math.nan  # as Keras: a non-finite norm poisons every gradient
        return self.global_clipnorm / max(norm, self.global_clipnorm)

    # -- weight decay --------------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list: Sequence[Variable] | None = None,
                                  var_names: Sequence[str] | None = None) -> None:
        """Exclude variables from weight decay: those in ``var_list``, and those whose name
        contains one of ``var_names`` (e.g. ``var_names=["bias"]``). Call before building.
        """
        if self.built:
            raise ValueError(
                "`exclude_from_weight_decay()` can only be configured before the optimizer is "
                "built."
            )
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _use_weight_decay(self, variable: Variable) -> bool:
        if id(variable) in self._exclude_ids:
            return False
        pattern = self._exclude_pattern
        return pattern is None or pattern.search(variable.name) is None

    # -- the update rule -----------------------------------------------------------------
    def update_step(self, gradient: Any, variable: Variable, learning_rate: float) -> None:
        """Update one variable in place (Keras' per-variable entry point)."""
        slots = {name: slot.value for name, slot in self._slots.get(id(variable), {}).items()}
        self._update(variable.value, gradient, slots, learning_rate)

    def _begin_step(self) -> None:
        """Called once per update, before the per-variable updates (for per-step scalars)."""

    def _update(self, w: Any, g: Any, slots: dict, learning_rate: float) -> None:
        """The update rule on arrays: ``w`` and ``slots`` are modified in place.

        Subclasses implement it once; it serves single variables and flat buffers alike.
        """
        raise NotImplementedError

    # -- configuration -------------------------------------------------------------------
    def get_config(self) -> dict:
        lr = self._learning_rate
        if isinstance(lr, Variable):
            lr = float(lr.value)
        elif isinstance(lr, LearningRateSchedule):
            lr = schedules_module.serialize(lr)
        return {
            "name": self.name,
            "learning_rate": lr,
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
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Optimizer:
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules_module.deserialize(config["learning_rate"],
                                                                   custom_objects)
        return cls(**config)


def _takes_argument(fn: Any) -> bool:
    """Whether a learning-rate callable takes the step (Keras calls it with no argument)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
               for p in params)
