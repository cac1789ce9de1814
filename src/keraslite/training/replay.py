"""``predict`` through the engine's layer kernels: a chain of kernels run in inference mode.

For a Sequential or Functional chain whose every layer has a kernel (see
:mod:`keraslite.layers.kernels`), the batches run through the kernels' ``forward(x, False)``
into reused buffers, and the outputs are written into one preallocated array. Any other model
is called as usual (``predict`` then uses the model's own call).
"""

from __future__ import annotations

from typing import Any

from keraslite.backend import xp
from keraslite.training.engine import _kernel_of, _replayable


def inference_kernels(model: Any) -> list | None:
    """The kernels of ``model``'s layers in order, or None when it is not such a chain."""
    graph = model._plan_graph() if hasattr(model, "_plan_graph") else None
    if graph is None:
        return None
    nodes, inputs, outputs = graph
    if len(inputs) != 1 or len(outputs) != 1 or not nodes or not _replayable(nodes):
        return None
    kernels, current = [], inputs[0]
    for layer, srcs, dsts, call in nodes:
        if call is not None or srcs != [current] or len(dsts) != 1:
            return None
        kernel = _kernel_of(layer)
        if kernel is None:
            return None
        kernels.append(kernel)
        current = dsts[0]
    return kernels if current == outputs[0] else None


def predict_arrays(model: Any, x: Any, batch_size: int, on_batch: Any = None) -> Any:
    """Predictions for ``x`` in batches through the kernels, or None (see the module doc)."""
    weights = model.weights
    if x.ndim < 2 or not weights or x.dtype != weights[0].value.dtype:
        return None
    kernels = inference_kernels(model)
    if kernels is None:
        return None
    n = len(x)
    out = None
    for step, start in enumerate(range(0, max(n, 1), batch_size)):
        a = x[start:start + batch_size]
        for kernel in kernels:
            a = kernel.forward(a, False)
        if out is None:
            out = xp.empty((n,) + a.shape[1:], a.dtype)
        out[start:start + batch_size] = a
        if on_batch is not None:
            on_batch(step)
    return out
