"""Fusing neighbouring kernels of a replayed plan (:mod:`keraslite.training.engine`).

After tracing, each kernel that defines ``fuse_next(next_kernel)`` is offered the kernel of
the next step when that step is the only reader of its output (and the output is not one of
the model's): the pair may then share work across the layer boundary, with the same numbers.
A relu convolution uses it to take over the max pooling after it, computing, pooling and
backpropagating its output a batch chunk at a time (:mod:`keraslite.layers.conv_kernels`).
"""

from __future__ import annotations


def fuse_kernels(steps: list, outputs: list) -> None:
    """Offer ``fuse_next`` along ``steps`` (kernels have ``kernel``, ``src``, ``dst``;
    tape segments ``srcs``).
    """
    readers: dict = {}
    for step in steps:
        for slot in step.srcs if hasattr(step, "srcs") else [step.src]:
            readers[slot] = readers.get(slot, 0) + 1
    for a, b in zip(steps, steps[1:]):
        first, second = getattr(a, "kernel", None), getattr(b, "kernel", None)
        if first is not None and second is not None and b.src == a.dst and \
                readers.get(a.dst) == 1 and a.dst not in outputs and \
                hasattr(first, "fuse_next"):
            first.fuse_next(second)
