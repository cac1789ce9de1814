"""Recording and the reverse-mode backward pass.

An op computes its result eagerly and, when recording is on and an input requires a gradient,
returns a Tensor that links to its inputs with a ``vjp`` closure. ``backward`` walks that graph
from the result in reverse topological order, summing each node's contributions to its parents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import contextmanager

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp

_RECORDING = [0]


def is_recording() -> bool:
    """Whether ops currently build a graph (inside a GradientTape or a training step)."""
    return _RECORDING[0] > 0


@contextmanager
def recording(enabled: bool = True):
    """Turn graph recording on (or off, with ``enabled=False``) inside the block."""
    saved = _RECORDING[0]
    _RECORDING[0] = saved + 1 if enabled else 0
    try:
        yield
    finally:
        _RECORDING[0] = saved


def node(value, parents: tuple, vjp: Callable) -> Tensor:
    """Wrap an op's result, linking it to ``parents`` when a gradient may be needed.

    Args:
        value: the op's output array.
        parents: the op's inputs, Tensors or plain arrays, in the order ``vjp`` returns.
        vjp: ``g -> tuple`` of gradients w.r.t. each parent (``None`` where not needed).

    """
    if value.__class__ in (float, int, bool):
        value = xp.asarray(value, floatx() if value.__class__ is float else None)
    if _RECORDING[0]:
        for p in parents:
            if isinstance(p, Tensor) and p.requires_grad:
                return Tensor(value, parents, vjp, True)
    return Tensor(value)


def needs_grad(x) -> bool:
    """Whether ``x`` is a Tensor that gradients must reach (lets ops skip needless work)."""
    return isinstance(x, Tensor) and x.requires_grad


def unbroadcast(grad, shape: tuple):
    """Sum ``grad`` down to ``shape``, undoing NumPy broadcasting (the one helper for it)."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


def _topological_order(root: Tensor) -> list[Tensor]:
    order: list[Tensor] = []
    seen: set[int] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False)]
    while stack:
        t, expanded = stack.pop()
        if expanded:
            order.append(t)
            continue
        if id(t) in seen:
            continue
        seen.add(id(t))
        stack.append((t, True))
        for p in t.parents:
            if isinstance(p, Tensor) and p.requires_grad and id(p) not in seen:
                stack.append((p, False))
    return order


def backward(target: Tensor, sources: Sequence[Tensor], output_gradient=None) -> list:
    """Return d(sum(target * output_gradient)) / d(source) for each source.

    Args:
        target: the result to differentiate (usually a scalar loss).
        sources: the tensors or variables to differentiate with respect to.
        output_gradient: the seed gradient; ones for a scalar target.

    Returns:
        A list of arrays aligned with ``sources``; ``None`` where a source does not influence
        ``target``.

    """
    if output_gradient is None:
        seed = xp.ones_like(target.value)
    else:
        seed = xp.asarray(getattr(output_gradient, "value", output_gradient), target.value.dtype)
        seed = xp.broadcast_to(seed, target.value.shape)
    grads: dict[int, object] = {id(target): seed}
    keep = {id(s) for s in sources}
    for t in reversed(_topological_order(target)):
        g = grads.get(id(t)) if id(t) in keep else grads.pop(id(t), None)
        if g is None or t.vjp is None:
            continue
        for p, pg in zip(t.parents, t.vjp(g)):
            if pg is None or not isinstance(p, Tensor) or not p.requires_grad:
                continue
            key = id(p)
            prev = grads.get(key)
            if prev is None:
                grads[key] = pg
            else:
                grads[key] = prev + pg
    return [grads.get(id(s)) for s in sources]
