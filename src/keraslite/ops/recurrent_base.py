"""Shared pieces of the fused recurrent ops: in-place activations and the BLAS thread limit.

Each activation is a pair: ``f(z, out)`` writes f(z) into ``out`` (``out`` may be ``z``), and
``f'(y)`` gives the derivative from the activation's output y = f(z).
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from keraslite.backend import xp


def _sigmoid_from_tanh(block):
    """In place: t = tanh(½z) -> σ(z) = ½·t + ½."""
    block *= 0.5
    block += 0.5


def _sigmoid(z, out):
    xp.multiply(z, 0.5, out=out)
    xp.tanh(out, out=out)
    _sigmoid_from_tanh(out)
    return out


def _hard_sigmoid(z, out):
    xp.multiply(z, 1.0 / 6.0, out=out)
    out += 0.5
    return xp.clip(out, 0.0, 1.0, out=out)


def _linear(z, out):
    out[...] = z
    return out


# name -> (f(z, out) in place, f'(z) written with y = f(z))
ACT = {
    "tanh": (lambda z, out: xp.tanh(z, out=out), lambda y: 1.0 - y * y),
    "sigmoid": (_sigmoid, lambda y: y * (1.0 - y)),
    "relu": (lambda z, out: xp.maximum(z, 0.0, out=out), lambda y: (y > 0).astype(y.dtype)),
    "linear": (_linear, lambda y: xp.ones_like(y)),
    "hard_sigmoid": (_hard_sigmoid, lambda y: ((y > 0) & (y < 1)).astype(y.dtype) / 6.0),
}
_CONTROLLER: list = []


def supported(name: Any) -> bool:
    """Whether the fused ops implement the activation called ``name``."""
    return name in ACT


def one_blas_thread() -> Any:
    """A context running BLAS on one thread (a no-op without threadpoolctl)."""
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController

            _CONTROLLER.append(ThreadpoolController())
        except ImportError:  # optional: the loop then runs with BLAS's own threads
            _CONTROLLER.append(None)
    controller = _CONTROLLER[0]
    return nullcontext() if controller is None else controller.limit(limits=1, user_api="blas")


def needs(t: Any) -> bool:
    """Whether ``t`` is a Tensor that gradients must reach."""
    return getattr(t, "requires_grad", False)
