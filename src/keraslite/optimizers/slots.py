"""The optimizer's state: slots per model variable, laid out per variable or in flat buffers.

:class:`SlotState` is the half of :class:`~keraslite.optimizers.base.Optimizer` that creates,
lists, saves and re-homes state; the other half (``base.py``) applies updates. A slot is a
:class:`Variable` shaped like its model variable. When the optimizer works on a flat parameter
buffer, each slot is a view into one flat buffer per slot name, so that the update rule runs
over all weights at once; :meth:`SlotState._adopt_flat` moves existing state into that layout.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from keraslite.autodiff.tensor import Variable
from keraslite.backend import xp

_INITIAL = {"zeros": 0.0, "ones": 1.0}


class SlotState:
    """Creation, listing, saving and layout of an optimizer's state (a mixin of Optimizer).

    Relies on the attributes set by ``Optimizer.__init__``: ``name``, ``_iterations``,
    ``_learning_rate``, ``_variables``, ``_slots``, ``_slot_initial``, ``_flat``,
    ``_trainable_variables`` and ``built``.
    """

    def add_optimizer_variables(self, variables: Sequence[Variable], name: str | list[str],
                                initializer: Any = "zeros") -> Any:
        """Create one slot per variable and name, interleaved per variable as Keras does.

        ``name`` is a slot name or a list of them; ``initializer`` is ``"zeros"``, ``"ones"``,
        a number, or a list of those (one per name). Returns the list of slots (one per
        variable), or a tuple of such lists when ``name`` is a list.
        """
        names = [name] if isinstance(name, str) else list(name)
        inits = initializer if isinstance(initializer, (list, tuple)) else [initializer] * len(
            names)
        created: tuple[list, ...] = tuple([] for _ in names)
        for v in variables:
            for out, n, init in zip(created, names, inits):
                out.append(self.add_slot(v, n, init))
        return created[0] if isinstance(name, str) else created

    def add_slot(self, variable: Variable, name: str, initializer: Any = "zeros") -> Variable:
        """Create a state variable shaped like ``variable``, filled with ``initializer``.

        When the optimizer works on a flat buffer (see :meth:`apply_flat`), the slot is a view
        into one flat buffer per slot name, so an update touches all weights at once.
        """
        initial = float(_INITIAL.get(initializer, initializer))
        self._slot_initial.setdefault(name, initial)
        slot = Variable(xp.zeros(()), trainable=False,
                        name=f"{variable.path.replace('/', '_')}_{name}")
        slot.path = f"{self.name}/{slot.name}"
        flat = self._flat
        if flat is not None and id(variable) in flat["offsets"]:
            slot.value = self._flat_slot_view(variable, name)
            slot.value[...] = initial
        else:
            slot.value = xp.full(variable.value.shape, initial, variable.value.dtype)
        self._slots.setdefault(id(variable), {})[name] = slot
        self._variables.append(slot)
        return slot

    def add_variable(self, value: Any, name: str) -> Variable:
        """Track an extra state variable (a scalar such as Nadam's running product)."""
        variable = Variable(xp.asarray(value), trainable=False, name=name,
                            path=f"{self.name}/{name}")
        self._variables.append(variable)
        return variable

    def slot(self, variable: Variable, name: str) -> Variable:
        return self._slots[id(variable)][name]

    @property
    def variables(self) -> list[Variable]:
        """The optimizer's state, in Keras' order (that of a Keras weights file).

        The iteration count, the learning rate (unless it is a schedule or a callable), then
        every slot in creation order: the EMA averages and gradient accumulators when asked
        for, then the optimizer's own, per model variable, several names interleaved
        (Adam: kernel momentum, kernel velocity, bias momentum, bias velocity), then extras
        such as Nadam's running product.
        """
        lr = self._learning_rate
        head = [self._iterations, lr] if isinstance(lr, Variable) else [self._iterations]
        return head + self._variables

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Set the state from a list of arrays aligned with :attr:`variables`."""
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. "
                "Call `optimizer.build(model.trainable_variables)` first."
            )
        variables = self.variables
        if len(weights) != len(variables):
            raise ValueError(
                f"Optimizer '{self.name}' has {len(variables)} variables but "
                f"{len(weights)} arrays were given. Received: len(weights)={len(weights)}"
            )
        for variable, weight in zip(variables, weights):
            variable.assign(xp.asarray(weight).astype(variable.value.dtype))

    def get_weights(self) -> list:
        return [v.numpy() for v in self.variables]

    def save_own_variables(self, store: Any) -> None:
        """Write the state as Keras does: ``store["0"]``, ``store["1"]``, ..."""
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store: Any) -> None:
        """Read the state written by :meth:`save_own_variables` (or by Keras)."""
        count = len(self.variables)
        if len(store.keys()) != count:
            warnings.warn(
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{count} variables whereas the saved optimizer has {len(store.keys())} "
                "variables.", stacklevel=2)
            return
        self.set_weights([store[str(i)] for i in range(count)])

    def _ensure_slots(self, variables: list[Variable]) -> None:
        """Give variables the optimizer was not built with their state (Keras would refuse)."""
        known = self._slots
        new = [v for v in variables if id(v) not in known]
        if new and self._slots:
            self._trainable_variables = self._trainable_variables + new
            names = list(next(iter(known.values())))
            for v in new:
                for name in names:
                    self.add_slot(v, name, self._slot_initial[name])

    def _flat_slot_view(self, variable: Variable, name: str) -> Any:
        flat = self._flat
        buffer = flat["slots"].get(name)
        if buffer is None:
            buffer = flat["slots"][name] = xp.full(flat["size"], self._slot_initial[name],
                                                   flat["dtype"])
        start, stop = flat["offsets"][id(variable)]
        return buffer[start:stop].reshape(variable.value.shape)

    def _adopt_flat(self, variables: list[Variable], flat: Any) -> None:
        """Lay the slots out as flat buffers matching ``flat`` (moving any existing state)."""
        current = self._flat
        if current is not None and current["flat"] is flat:
            return
        offsets, start = {}, 0
        for v in variables:
            offsets[id(v)] = (start, start + v.value.size)
            start += v.value.size
        self._flat = {"key": tuple(id(v) for v in variables), "offsets": offsets,
                      "size": flat.size, "dtype": flat.dtype, "slots": {}, "flat": flat}
        if not self.built:
            self.build(variables)
            return
        self._ensure_slots(variables)
        for v in variables:
            for name, slot in self._slots.get(id(v), {}).items():
                view = self._flat_slot_view(v, name)
                view[...] = slot.value
                slot.value = view
