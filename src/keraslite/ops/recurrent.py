"""Whole-sequence recurrent primitives: SimpleRNN, LSTM and GRU as one op each, with BPTT.

Running a recurrent layer as plain ops would record ~10 tape nodes per time step. Here each
layer kind is ONE op: the inputs of all time steps are projected at once (X·W + b for the
whole batch and sequence), the time loop writes into preallocated buffers with in-place
activations, and the vector-Jacobian product backpropagates through time with the gate
gradients fused, then forms the weight gradients with one matrix product each over all steps.
The small per-step products run on one BLAS thread (threadpoolctl, when installed): on two
busy cores, threads only contend there. SimpleRNN is here (batch-major buffers); the LSTM
(``recurrent_lstm.py``) and GRU (``recurrent_gated.py``) keep their states feature-major, so
that each gate is a contiguous block, and reuse their large buffers (``workspace.py``).
With ``last_only`` (LSTM, GRU) an op returns only the final states, ``(batch, 1, S)``.

Every op returns ``Y`` of shape ``(batch, time, S)``: the states after each processed step
(for an LSTM, ``S = 2·units``: ``[h, c]``; otherwise ``S = units``). With a mask, a masked step
keeps the previous states, as Keras does: s_t = m_t · cell(x_t, s_{t-1}) + (1 - m_t) · s_{t-1}.
With ``go_backwards`` the steps run from the last to the first and ``Y`` is in processing order.
The layers slice outputs and final states out of ``Y`` (slicing has its own gradient).

Activations: ``tanh``, ``sigmoid``, ``relu``, ``linear`` and ``hard_sigmoid`` (derivatives are
taken from the outputs); ``supported(name)`` says whether one is covered.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff import node
from keraslite.backend import xp
from keraslite.ops.core import value_of
from keraslite.ops.recurrent_base import ACT, needs, one_blas_thread, supported
from keraslite.ops.recurrent_gated import gru_sequence
from keraslite.ops.recurrent_lstm import lstm_sequence

__all__ = ["gru_sequence", "lstm_sequence", "simple_rnn_sequence", "supported"]


def _prepare(x, kernel, bias, mask, go_backwards):
    """Time-major projections of all steps at once, the processing order, the mask."""
    xv = value_of(x)
    w = value_of(kernel)
    n, steps, d = xv.shape
    xt = xp.ascontiguousarray(xv.transpose(1, 0, 2)).reshape(steps * n, d)
    proj = (xt @ w).reshape(steps, n, w.shape[1])
    if bias is not None:
        proj += value_of(bias)
    order = list(range(steps - 1, -1, -1) if go_backwards else range(steps))
    m = None
    if mask is not None:
        m = xp.ascontiguousarray(xp.asarray(value_of(mask)).T).astype(xv.dtype)[:, :, None]
    return xt, w, proj, order, m


def _input_grads(x, xt, w, dproj, kernel, has_bias):
    """Input-side gradients: dX = dZ·Wᵀ, dW = Xᵀ·dZ, db = Σ dZ over samples and steps."""
    steps, n, _ = dproj.shape
    flat = dproj.reshape(steps * n, -1)
    dx = None
    if needs(x):
        dx = (flat @ w.T).reshape(steps, n, -1).transpose(1, 0, 2)
    dw = xt.T @ flat if needs(kernel) else None
    db = flat.sum(axis=0) if has_bias else None
    return dx, dw, db


def _batch_major(y_time):
    return xp.ascontiguousarray(y_time.transpose(1, 0, 2))


def simple_rnn_sequence(x: Any, h0: Any, kernel: Any, recurrent_kernel: Any, bias: Any = None,
                        mask: Any = None, activation: str = "tanh",
                        go_backwards: bool = False) -> Any:
    """h_t = act(x_t·W + b + h_{t-1}·U) over all steps; returns Y = [h_1 ... h_T].

    Backward, with a_t = g_t ⊙ act'(h_t) the pre-activation gradient:
    dh_{t-1} = a_t·Uᵀ (+ the masked carry), dU = Σ_t h_{t-1}ᵀ a_t, dW = Σ_t x_tᵀ a_t.
    """
    f, df = ACT[activation]
    xt, w, proj, order, m = _prepare(x, kernel, bias, mask, go_backwards)
    u = value_of(recurrent_kernel)
    steps, n, k = proj.shape
    dt = proj.dtype
    y = xp.empty((steps, n, k), dt)
    hprev = xp.empty((steps, n, k), dt)
    new = xp.empty((steps, n, k), dt)
    h = xp.asarray(value_of(h0), dt)
    with one_blas_thread():
        for s, t in enumerate(order):
            hprev[t] = h
            z = h @ u
            z += proj[t]
            hn = f(z, new[t])
            h = hn if m is None else h + m[t] * (hn - h)
            y[s] = h

    def vjp(g):
        g = xp.ascontiguousarray(g.transpose(1, 0, 2))
        dproj = xp.empty_like(proj)
        dh = xp.zeros((n, k), dt)
        ut = xp.ascontiguousarray(u.T)
        with one_blas_thread():
            for s in range(steps - 1, -1, -1):
                t = order[s]
                total = g[s] + dh
                if m is None:
                    dnew, carry = total, None
                else:
                    dnew, carry = total * m[t], total * (1.0 - m[t])
                a = dproj[t]
                xp.multiply(dnew, df(new[t]), out=a)
                dh = a @ ut
                if carry is not None:
                    dh += carry
        flat = dproj.reshape(steps * n, k)
        du = hprev.reshape(steps * n, k).T @ flat if needs(recurrent_kernel) else None
        dx, dw, db = _input_grads(x, xt, w, dproj, kernel, bias is not None)
        return dx, dh, dw, du, db

    return node(_batch_major(y), (x, h0, kernel, recurrent_kernel, bias), vjp)
