"""Trainable variables as views into one contiguous buffer, with a twin gradient buffer.

With every weight living in ``flat`` (and every gradient in ``grad``), an optimizer step is a
few in-place array operations over all weights at once instead of a loop over variables.
"""

from __future__ import annotations

from keraslite.autodiff.tensor import Variable
from keraslite.backend import xp


class FlatParameters:
    """Re-homes ``variables``' values into one flat buffer; keeps their shapes as views.

    Attributes:
        flat: the parameter buffer; ``variables[i].value`` is a view into it.
        grad: the gradient buffer; ``grad_views[i]`` is shaped like ``variables[i]``.
    """

    def __init__(self, variables: list[Variable]) -> None:
        self.variables = list(variables)
        self.key = tuple(id(v) for v in self.variables)
        dtype = self.variables[0].value.dtype
        size = sum(v.value.size for v in self.variables)
        self.flat = xp.empty(size, dtype)
        self.grad = xp.zeros(size, dtype)
        self.grad_views = []
        start = 0
        for v in self.variables:
            stop = start + v.value.size
            view = self.flat[start:stop].reshape(v.value.shape)
            view[...] = v.value
            v.value = view
            self.grad_views.append(self.grad[start:stop].reshape(v.value.shape))
            start = stop

    def matches(self, variables: list[Variable]) -> bool:
        """Whether these are still the same variables, all still living in the buffer."""
        return len(variables) == len(self.variables) and all(
            a is b and a.value.base is self.flat for a, b in zip(variables, self.variables))

    @staticmethod
    def possible(variables: list[Variable]) -> bool:
        """Flat layout needs at least one variable and one common float dtype."""
        return bool(variables) and len({v.value.dtype for v in variables}) == 1 and \
            variables[0].value.dtype.kind == "f"


def flat_parameters(holder: object, variables: list[Variable]) -> FlatParameters | None:
    """The holder's current flat layout for ``variables``, (re)built when needed."""
    current = getattr(holder, "_flat_parameters", None)
    if current is not None and current.matches(variables):
        return current
    if not FlatParameters.possible(variables):
        return None
    current = FlatParameters(variables)
    holder._flat_parameters = current
    return current
