"""The training engine: trace a model's step once per input signature, then replay the plan.

One engine runs the built-in training step of every model. The first step for an input
signature (the shapes and dtypes of the batch) traces a *plan*; later steps replay it:

1. forward: each layer of the model's graph, in order, as a **kernel** (the layer's
   :meth:`~keraslite.layers.Layer.plan_kernel`, computing into reused buffers) or, for a layer
   without one, as a **tape segment** (the layer's own ``call`` recorded on the tape);
2. the loss gradient: a closed-form kernel for the standard losses
   (:mod:`~keraslite.training.loss_kernels`, sigmoid/softmax + cross-entropy fused), else
   the compiled loss recorded on the tape;
3. backward: each layer in reverse, gradients written straight into the model's flat gradient
   buffer (:mod:`~keraslite.training.flat`);
4. :func:`~keraslite.backend.distribute.reduce_gradients` (the data-parallel hook), then the
   optimizer's in-place update over the flat buffers (``Optimizer.apply_flat``).

With a known loss, the loss tracker and the metrics are fed later, in a few vectorized chunks
of the stored (pre-update) predictions, whenever logs are asked for.

**Plugging a layer in.** A layer written with ``keraslite.ops`` needs nothing: it runs as a
tape segment, with the gradients the tape computes. To run faster, it returns a kernel from
``plan_kernel(training)`` following the protocol in :mod:`keraslite.layers.kernels`
(``variables``, ``forward(x, training)``, ``backward(g, grads, need_input)``); a test then
compares its gradients with the tape's (tests/test_engine.py runs over the whole catalogue).

**Which models replay per layer.** Sequential and Functional models (the graph is read from
``model._plan_graph()``) whose layers are each called once. The whole model runs as one tape
step (the reference path, same numbers) when: the model's ``call`` is its own (a subclassed
model, or a Sequential/Functional subclass overriding ``call``), a Functional model takes or
returns a dict, a layer is shared, the graph carries masks (``Embedding(mask_zero=True)``),
the model has extra losses (``add_loss``, regularizers), an output has no loss,
``run_eagerly=True``, or the variables do not share one float dtype. The loss kernel is used
for one output with loss weight 1 and targets it can read; otherwise the compiled loss is
recorded on the tape for that step. An overridden ``train_step`` (or ``compute_loss`` /
``compute_metrics``) is the user's step and runs as written, on the tape. A variable that gets
no gradient in a step is left alone (with the tape's warning), as on the tape.

**Hooks for data-parallel training**: :mod:`keraslite.backend.distribute`.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff import backward, recording
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import distribute, xp
from keraslite.layers.symbolic import flatten
from keraslite.training.flat import flat_parameters
from keraslite.training.fusion import fuse_kernels
from keraslite.training.loss_kernels import LossKernel
from keraslite.training.steps import per_output


class TapeStep:
    """The reference step: record the whole model and its loss, backpropagate, update."""

    deferred = False
    taped = True

    def __init__(self, model: Any) -> None:
        self.model = model

    def run(self, xb: Any, ys: list, sws: list) -> None:
        model = self.model
        variables = model.trainable_variables
        with recording():
            total, parts, preds, sw_list = model._forward_loss(xb, ys, sws, True)
        grads = backward(total, variables)
        params = flat_parameters(model, variables) if variables else None
        if params is None or any(g is None for g in grads):
            if variables:  # warns about and skips the variables without a gradient
                model.optimizer.apply_arrays(distribute.reduce_arrays(grads), variables)
        else:
            for view, g in zip(params.grad_views, grads):
                view[...] = g
            distribute.reduce_gradients(params.grad)
            model.optimizer.apply_flat(params.grad, params.flat, params.variables,
                                       params.grad_views)
        model._update_trackers(total, parts, preds, ys, sw_list)


class _Kernel:
    """One layer of the plan run by its kernel."""

    __slots__ = ("kernel", "grads", "src", "dst", "need_input")

    def __init__(self, kernel: Any, grads: list, src: int, dst: int, need_input: bool) -> None:
        self.kernel, self.grads, self.src, self.dst = kernel, grads, src, dst
        self.need_input = need_input

    def forward(self, slots: list) -> None:
        slots[self.dst] = self.kernel.forward(slots[self.src], True)

    def backward(self, slots: list, grads: list) -> None:
        g = grads[self.dst]
        gx = self.kernel.backward(g, self.grads, self.need_input)
        if self.need_input:
            _accumulate(grads, self.src, gx)


class _Segment:
    """One layer of the plan run on the tape: its own ``call``, recorded, then backpropagated."""

    def __init__(self, layer: Any, node: Any, srcs: list, dsts: list, need: list,
                 views: list) -> None:
        self.layer, self.node, self.srcs, self.dsts = layer, node, srcs, dsts
        self.need = need  # per source slot: whether its gradient is wanted
        self.variables = [v for v, _ in views]
        self.views = [view for _, view in views]

    def forward(self, slots: list) -> None:
        inputs = []
        for slot, need in zip(self.srcs, self.need):
            value = slots[slot]
            tensor = Tensor(value)
            if need and value.dtype.kind == "f":
                tensor.requires_grad = True
            inputs.append(tensor)
        self.inputs = inputs
        with recording():
            out = self.node(self.layer, inputs)
        outs = flatten(out)
        self.outputs = outs
        for slot, t in zip(self.dsts, outs):
            slots[slot] = t.value if isinstance(t, Tensor) else xp.asarray(t)

    def backward(self, slots: list, grads: list) -> list:
        """Backpropagate through the recorded call; returns the variables with no gradient."""
        sources = [t for t in self.inputs if t.requires_grad] + self.variables
        total: list = [None] * len(sources)
        for slot, out in zip(self.dsts, self.outputs):
            g = grads[slot]
            if g is None or not isinstance(out, Tensor) or not out.requires_grad:
                continue
            for i, part in enumerate(backward(out, sources, g)):
                if part is not None:
                    total[i] = part if total[i] is None else total[i] + part
        k = 0
        for slot, t in zip(self.srcs, self.inputs):
            if t.requires_grad:
                if total[k] is not None:
                    _accumulate(grads, slot, total[k])
                k += 1
        unreached = []
        for variable, view, g in zip(self.variables, self.views, total[k:]):
            if g is None:
                view[...] = 0
                unreached.append(variable)
            else:
                view[...] = g
        return unreached


def _accumulate(grads: list, slot: int, g: Any) -> None:
    """Add a tape's gradient ``g`` to a slot, as an array of the slot's own (kernels overwrite
    the gradients they are handed; the tape may hand one array to several inputs).
    """
    current = grads[slot]
    grads[slot] = xp.array(g) if current is None else current + g


def _kernel_of(layer: Any) -> Any:
    """The layer's kernel, unless a subclass overrode ``call`` below the kernel's owner."""
    cls = type(layer)
    owner = next(k for k in cls.__mro__ if "plan_kernel" in vars(k))
    if cls.call is not owner.call:
        return None
    return layer.plan_kernel(True)


class PlanStep:
    """The replayed step of a Sequential or Functional model (see the module docstring)."""

    taped = False

    def __init__(self, model: Any, graph: Any, params: Any) -> None:
        self.model, self.params = model, params
        index = {id(v): i for i, v in enumerate(params.variables)}
        nodes, inputs, outputs = graph
        slot_of: dict = {}
        for key in inputs:
            slot_of[key] = len(slot_of)
        produced_by_layer: set = set()
        self.steps: list = []
        for layer, srcs, dsts, call in nodes:
            for key in dsts:
                slot_of[key] = len(slot_of)
            src_slots = [slot_of[k] for k in srcs]
            need = [slot_of[k] in produced_by_layer for k in srcs]
            dst_slots = [slot_of[k] for k in dsts]
            produced_by_layer.update(dst_slots)
            kernel = _kernel_of(layer) if call is None else None
            if kernel is not None:
                views = [params.grad_views[index[id(v)]] if id(v) in index else None
                         for v in kernel.variables]
                self.steps.append(_Kernel(kernel, views, src_slots[0], dst_slots[0], need[0]))
            else:
                own = [(v, params.grad_views[index[id(v)]]) for v in layer.trainable_variables
                       if id(v) in index]
                self.steps.append(_Segment(layer, call or _call_one, src_slots, dst_slots,
                                           need, own))
        self.size = len(slot_of)
        self.input_slots = [slot_of[k] for k in inputs]
        self.output_slots = [slot_of[k] for k in outputs]
        compiled = model._compiled_loss
        self.loss_kernel = None
        if len(outputs) == 1 and compiled.weights == [1.0]:
            self.loss_kernel = LossKernel.create(compiled.fns[0])
        last = self.steps[-1] if self.steps else None
        self.fused = self.loss_kernel is not None and isinstance(last, _Kernel) and \
            last.dst == self.output_slots[0] and \
            self.loss_kernel.fuses(getattr(last.kernel, "output_activation", None))
        self.deferred = self.loss_kernel is not None
        fuse_kernels(self.steps, self.output_slots)
        self.reversed_steps = self.steps[::-1]
        # (kernel.forward, source slot, output slot, None) or (None, 0, 0, segment): the
        # replay loop then does no attribute lookups
        self.forward_calls = [
            (step.kernel.forward, step.src, step.dst, None) if step.__class__ is _Kernel
            else (None, 0, 0, step) for step in self.steps]

    def forward(self, xs: list) -> list:
        slots = [None] * self.size
        for slot, x in zip(self.input_slots, xs):
            slots[slot] = x
        for forward, src, dst, segment in self.forward_calls:
            if forward is not None:
                slots[dst] = forward(slots[src], True)
            else:
                segment.forward(slots)
        return slots

    def run(self, xs: list, ys: list, sws: list) -> Any:
        """One step; returns the pre-update prediction (deferred tracking) or None."""
        slots = self.forward(xs)
        grads: list = [None] * self.size
        kernel = self.loss_kernel
        result = None
        if kernel is not None:
            p = slots[self.output_slots[0]]
            t = kernel.targets(ys[0], p) if p.ndim == 2 else None
            if t is None:  # targets the kernel cannot read: the tape's loss, from now on
                self.loss_kernel, self.deferred, self.fused = None, False, False
                kernel = None
            elif sws and sws[0].ndim != 1:  # weights per element: the tape's loss
                kernel = None
        fused = self.fused and kernel is not None
        if kernel is not None:
            g = kernel.delta(p, t) if fused else None
            if g is None:  # not fused, or not this step (a clipped probability)
                fused = False
                g = kernel.gradient(p, t)
            if sws:
                g *= sws[0].reshape(len(g), *([1] * (g.ndim - 1)))
            grads[self.output_slots[0]] = g
            result = p
        else:
            self._tape_loss([slots[s] for s in self.output_slots], ys, sws, grads)
        unreached: list = []
        for step in self.reversed_steps:
            if step.__class__ is not _Kernel:
                unreached += step.backward(slots, grads)
                continue
            g = grads[step.dst]
            if g is None:  # the layer's output does not reach the loss
                for variable, view in zip(step.kernel.variables, step.grads):
                    if view is not None:
                        view[...] = 0
                        unreached.append(variable)
                continue
            if fused:  # the last layer: g is already dL/dz
                gx = step.kernel.backward(g, step.grads, step.need_input,
                                          through_activation=False)
                fused = False
            else:
                gx = step.kernel.backward(g, step.grads, step.need_input)
            if step.need_input:
                current = grads[step.src]
                grads[step.src] = gx if current is None else current + gx
        params = self.params
        distribute.reduce_gradients(params.grad)
        if not unreached:
            self.model.optimizer.apply_flat(params.grad, params.flat, params.variables,
                                            params.grad_views)
        else:  # as the tape: variables without a gradient are left alone (with a warning)
            missing = {id(v) for v in unreached}
            self.model.optimizer.apply_arrays(
                [None if id(v) in missing else view
                 for v, view in zip(params.variables, params.grad_views)], params.variables)
        return result

    def _tape_loss(self, preds: list, ys: list, sws: list, grads: list) -> None:
        model = self.model
        tensors = [Tensor(p, requires_grad=True) for p in preds]
        sw_list = per_output(sws, len(preds))
        with recording():
            total, parts = model._compiled_loss(ys, tensors, sw_list)
        for slot, g in zip(self.output_slots, backward(total, tensors)):
            if g is not None:
                _accumulate(grads, slot, g)
        model._update_trackers(total, parts, tensors, ys, sw_list)


def _call_one(layer: Any, inputs: list) -> Any:
    return layer(inputs[0], training=True)


class Engine:
    """A model's traced steps, one per input signature, and the deferred metric updates."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.plans: dict = {}
        self.key: Any = None
        self.held: Any = None
        self.pending: list = []

    def __reduce__(self) -> tuple:
        """Pickled (a model sent to a worker) without its plans: they are traced again."""
        return Engine, (self.model,)

    def prepare(self) -> None:
        """Drop the traced plans if the model, its variables, loss or optimizer changed
        (called once per ``fit`` / ``train_on_batch``, not per step).
        """
        model = self.model
        variables = model.trainable_variables
        params = flat_parameters(model, variables) if variables else None
        layers = model._flat_layers()
        held = (model.optimizer, model._compiled_loss, params, variables, layers)
        key = (bool(model.run_eagerly),) + tuple(
            id(x) for group in held for x in (group if isinstance(group, list) else [group]))
        if key != self.key:
            self.plans.clear()
            self.key = key
            self.held = held  # the keyed objects stay alive, so that no id is reused
            self.params = params

    def train(self, xs: list, kind: str, ys: list, sws: list) -> None:
        """One training step on one batch of arrays."""
        first = xs[0]
        signature = (first.shape, first.dtype) if len(xs) == 1 else \
            tuple((a.shape, a.dtype) for a in xs)
        plan = self.plans.get(signature)
        if plan is None:  # strings of another length (<U37, <U52) share one plan
            key = tuple((a.shape, a.dtype if a.dtype.kind in "fiub" else a.dtype.kind)
                        for a in xs)
            plan = self.plans.get(key)
            if plan is None:
                plan = self.plans[key] = self._trace(xs)
            self.plans[signature] = plan
        if plan.taped:
            plan.run(self.model._pack(xs, kind), ys, sws)
            return
        p = plan.run(xs, ys, sws)
        if p is not None:
            self.pending.append((ys[0], p.copy(), sws[0] if sws else None))

    def _trace(self, xs: list) -> Any:
        model = self.model
        graph = model._plan_graph() if hasattr(model, "_plan_graph") else None
        if graph is None or self.params is None or model.run_eagerly or model.losses \
                or any(fn is None for fn in model._compiled_loss.fns) \
                or not _replayable(graph[0]):
            return TapeStep(model)
        return PlanStep(model, graph, self.params)

    def flush(self) -> None:
        """Feed the loss tracker and the metrics with the predictions of deferred steps."""
        pending = self.pending
        if not pending:
            return
        model = self.model
        self.pending = []
        y = xp.concatenate([c[0] for c in pending]) if len(pending) > 1 else pending[0][0]
        p = xp.concatenate([c[1] for c in pending]) if len(pending) > 1 else pending[0][1]
        w = None
        if pending[0][2] is not None:
            w = xp.concatenate([c[2] for c in pending]) if len(pending) > 1 else pending[0][2]
        loss = model._compiled_loss.fns[0]
        values = loss.call(y, p).value
        if w is not None:
            values = values * w.reshape(w.shape + (1,) * (values.ndim - w.ndim))
        model._loss_tracker.update_state(values)
        model._compiled_metrics.update([y], [p], [w])


def _replayable(nodes: list) -> bool:
    """Layers called once each and no masks in the graph (Keras' masks travel on the tensors,
    ``tensor._keras_mask``, from layer to layer: such a model runs on the tape as a whole).
    """
    seen: set = set()
    for layer, _, _, _ in nodes:
        if id(layer) in seen or getattr(layer, "mask_zero", False) or any(
                getattr(t, "_keras_mask", None) is not None
                for node in getattr(layer, "_inbound_nodes", ()) for t in node.output_tensors):
            return False
        seen.add(id(layer))
    return True
