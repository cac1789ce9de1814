"""How a layer behaves in a Functional graph: symbolic calls, shape inference, inspection.

Mixed into :class:`~keraslite.layers.Layer`. Calling a layer on KerasTensors runs no numbers:
the output's shape comes from ``compute_output_spec`` (by default, one ``call`` on zeros) and a
:class:`~keraslite.layers.symbolic.Node` records the call.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff import recording
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import xp
from keraslite.layers.masks import attach_symbolic_masks, input_mask
from keraslite.layers.symbolic import KerasTensor, Node, flatten, map_structure

_TRAINING = [None]  # the training flag of the outermost call in progress
_CALL_ACCEPTS: dict[type, tuple[bool, bool]] = {}


def _accepts(cls: type) -> tuple[bool, bool]:
    """Whether ``cls.call`` takes ``training`` and ``mask`` arguments (cached per class)."""
    found = _CALL_ACCEPTS.get(cls)
    if found is None:
        call = cls.call
        if hasattr(call, "__wrapped__") or not hasattr(call, "__code__"):
            import inspect  # a decorated call: read its real signature

            params = inspect.signature(call).parameters
            var_kw = any(p.kind == p.VAR_KEYWORD for p in params.values())
        else:
            code = call.__code__
            params = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
            var_kw = bool(code.co_flags & 0x08)  # CO_VARKEYWORDS
        found = ("training" in params or var_kw, "mask" in params)
        _CALL_ACCEPTS[cls] = found
    return found


class SymbolicCalls:
    """Shape inference and graph recording for layers."""

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The output shape for ``input_shape``; by default found by running ``call`` once on
        zeros (unknown sizes taken as 1).
        """
        def dummy(shape):
            return Tensor(_zeros(tuple(1 if d is None else d for d in shape), self.dtype))

        if _is_shape_structure(input_shape):
            args = dummy(input_shape)
        else:
            args = [dummy(tuple(s)) for s in input_shape]
        with recording(False):
            out = self.call(args)
        return map_structure(lambda t: (None,) + tuple(t.shape[1:]), out)

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        """Symbolic outputs for symbolic inputs (shapes and dtypes only).

        ``call`` runs on dummies with each unknown size taken as 1. When a non-batch size is
        unknown (``Input(shape=(None, 5))``), it runs once more with 2 there, and every output
        size that changed is unknown too, as in Keras: ``Dense(3)`` on ``(None, None, 5)``
        gives ``(None, None, 3)``, not ``(None, 1, 3)``.
        """
        def run(unknown: int) -> Any:
            def dummy(t):
                if isinstance(t, KerasTensor):
                    shape = tuple((1 if i == 0 else unknown) if d is None else d
                                  for i, d in enumerate(t.shape))
                    return Tensor(_zeros(shape, t.dtype))
                return t

            real_args = map_structure(dummy, args)
            real_kwargs = map_structure(dummy, kwargs)
            training, _ = _accepts(type(self))
            if training and "training" not in real_kwargs:
                real_kwargs["training"] = False
            saved = _TRAINING[0]
            _TRAINING[0] = False
            try:
                with recording(False):
                    return self.call(*real_args, **real_kwargs)
            finally:
                _TRAINING[0] = saved

        out = run(1)
        symbolic = [t for t in flatten((args, kwargs)) if isinstance(t, KerasTensor)]
        batch_known = any(t.shape[:1] != (None,) for t in symbolic if t.ndim)
        varying: list = []
        if any(d is None for t in symbolic for d in t.shape[1:]):
            try:
                other = flatten(run(2))
            except Exception:  # the layer needs sizes of 1 there: keep the first answer
                other = []
            first = flatten(out)
            if len(other) == len(first):
                for t, u in zip(first, other):
                    a, b = tuple(getattr(t, "shape", ())), tuple(getattr(u, "shape", ()))
                    varying.append([x != y for x, y in zip(a, b)] if len(a) == len(b) else None)
        position = iter(range(len(flatten(out))))

        def to_symbolic(t):
            shape = tuple(t.shape)
            changed = varying[next(position)] if varying else None
            if changed:
                shape = tuple(None if c else d for d, c in zip(shape, changed))
            if shape and not batch_known:
                shape = (None,) + shape[1:]
            return KerasTensor(shape, dtype=str(t.dtype))

        return map_structure(to_symbolic, out)

    def _symbolic_call(self, args: tuple, kwargs: dict) -> Any:
        inputs = args[0]
        if not self.built:
            shapes = map_structure(lambda t: t.shape if isinstance(t, KerasTensor) else
                                   tuple(xp.shape(t)), inputs)
            self._maybe_build(shapes)
        spec_kwargs = kwargs
        if _accepts(type(self))[1] and kwargs.get("mask") is None:
            previous = input_mask(inputs)  # the symbolic mask, for shape inference only
            if previous is not None:
                spec_kwargs = {**kwargs, "mask": previous}
        outputs = self.compute_output_spec(*args, **spec_kwargs)

        attach_symbolic_masks(self, inputs, outputs)
        Node(self, args, kwargs, outputs)
        first = flatten(outputs)[0]
        self._output_shape = map_structure(lambda t: t.shape, outputs)
        for i, t in enumerate(flatten(outputs)):
            t.name = t.name or (self.name if i == 0 else f"{self.name}_{i}")
        del first
        return outputs

    # -- inspection ----------------------------------------------------------------------
    @property
    def input(self) -> Any:
        """The symbolic input of the layer's first call in a graph."""
        return self._node(0, "input").args[0]

    @property
    def output(self) -> Any:
        """The symbolic output of the layer's first call in a graph."""
        return self._node(0, "output").outputs

    def _node(self, index: int, what: str) -> Node:
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer '{self.name}' has never been called on symbolic inputs, so it has no "
                f"{what}. Call it on keras.Input(...) first."
            )
        return self._inbound_nodes[index]

    @property
    def output_shape(self) -> Any:
        if self._output_shape is None:
            raise AttributeError(
                f"The layer '{self.name}' has never been called and thus has no defined output "
                "shape."
            )
        return self._output_shape

    @property
    def input_shape(self) -> Any:
        return self._build_shapes


def _zeros(shape: tuple, dtype: str) -> Any:
    """A dummy input for shape inference: empty strings for a string input, ones for a
    boolean one (a mask that keeps every step), zeros otherwise.
    """
    if dtype == "string":
        return xp.full(shape, "", dtype=object)
    return (xp.ones if dtype == "bool" else xp.zeros)(shape, dtype)


def _unbatched(shapes: Any) -> Any:
    """Shapes with the batch size replaced by None, as Keras reports input shapes."""
    if _is_shape_structure(shapes):
        return (None,) + tuple(shapes[1:]) if shapes else shapes
    if isinstance(shapes, (list, tuple)):
        return type(shapes)(_unbatched(s) for s in shapes)
    return shapes


def _is_shape_structure(s: Any) -> bool:
    return isinstance(s, tuple) and all(d is None or isinstance(d, int) for d in s)


