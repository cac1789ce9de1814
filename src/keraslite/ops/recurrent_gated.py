"""The GRU whole-sequence op and the helpers it shares with the LSTM's (recurrent_lstm.py).

See :mod:`keraslite.ops.recurrent` for the ops' contract.

Layout: inside the op everything is feature-major ("transposed"): a state is ``(units, batch)``
and a step's gate pre-activations ``(gates·units, batch)``, the product Uᵀ·hᵀ. Each gate is then
a contiguous block of rows, so every element-wise NumPy call of the time loop runs on a
contiguous array (on a column slice of a batch-major array the same call is 2-5 times slower
at these sizes). The loop writes into preallocated per-step buffers with ``out=``.

With the default activations (``tanh`` and a ``sigmoid`` recurrent activation), the rows of
the sigmoid gates in W, U and b are halved once per call (exact in floating point), so that
σ(z) = ½·tanh(½z) + ½ takes one ``tanh`` over all gates at once and one affine step. The LSTM's
gates are reordered once per call from Keras' i, f, c, o to i, f, o, c (sigmoid gates first).

Backward: per step only the fused gate gradients and dhᵀ = U·dzᵀ; the weight and input
gradients come after the loop from one matrix product each over all (steps × batch) columns.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff import node
from keraslite.backend import xp
from keraslite.ops.core import value_of
from keraslite.ops.recurrent_base import ACT, _sigmoid_from_tanh, needs, one_blas_thread
from keraslite.ops.workspace import WORKSPACE as WS


def _columns(seq, dtype):
    """``(rows, steps, batch)``-ordered copy of a view, from the workspace (give it back)."""
    out = WS.take(seq.shape, dtype)
    xp.copyto(out, seq)
    return out


def _project(wt, xv, bias_col, out=None, backwards=False):
    """Wᵀ·x_tᵀ + b for every step at once: ``(steps, gates·units, batch)``, time order
    (``backwards``: reversed), into ``out`` or an array from the workspace.
    """
    xs = xv.transpose(1, 2, 0)  # (steps, d, n), a view
    if backwards:
        xs = xs[::-1]
    steps, d, n = xs.shape
    proj = WS.take((steps, wt.shape[0], n), xp.result_type(wt, xv)) if out is None else out
    if d == 1:  # one feature: an outer product (BLAS is slow at K = 1)
        xp.multiply(wt[None, :, :], xs, out=proj)
    else:
        xp.matmul(wt, xs, out=proj)
    if bias_col is not None:
        proj += bias_col
    return proj


def _mask_rows(mask, dt):
    """The mask as ``(steps, 1, batch)`` in time order (or None)."""
    if mask is None:
        return None
    return xp.asarray(value_of(mask)).T.astype(dt)[:, None, :]


def _stack_prev(first, seq):
    """``(units, steps, batch)``: the state before each step, processing order (workspace)."""
    steps, k, n = seq.shape
    out = WS.take((k, steps, n), seq.dtype)
    out[:, 0] = first
    out[:, 1:] = seq[:-1].transpose(1, 0, 2)
    return out


def _to_batch_major(seq):
    """``(steps, units, batch)`` -> ``(batch, steps, units)`` (a view)."""
    return seq.transpose(2, 0, 1)


def _input_grads(x, kernel, xv, w, dcols, go_backwards):
    """dx, dW and db from the gate gradients ``dcols`` ``(gates·units, steps·batch)``."""
    dw = None
    if needs(kernel):
        xs = xv.transpose(2, 1, 0)
        xcols = _columns(xs[:, ::-1] if go_backwards else xs, dcols.dtype)
        dw = xcols.reshape(xs.shape[0], -1) @ dcols.T
        WS.give(xcols)
    dx = None
    if needs(x):
        n, steps, d = xv.shape
        dxt = (w @ dcols).reshape(d, steps, n)
        if go_backwards:
            dxt = dxt[:, ::-1]
        dx = dxt.transpose(2, 1, 0)
    return dx, dw, dcols.sum(axis=1)


def gru_sequence(x: Any, h0: Any, kernel: Any, recurrent_kernel: Any, input_bias: Any = None,
                 recurrent_bias: Any = None, mask: Any = None, activation: str = "tanh",
                 recurrent_activation: str = "sigmoid", go_backwards: bool = False,
                 last_only: bool = False) -> Any:
    """The GRU with ``reset_after=True`` (Keras 3's default; gate order z, r, h).

    Returns Y = [h_1 ... h_T], or with ``last_only`` only h_T as ``(batch, 1, units)``.

    x_t·W + b_in = [x_z, x_r, x_h],  h_{t-1}·U + b_rec = [r_z, r_r, r_h],
    z = σ(x_z + r_z),  r = σ(x_r + r_r),  ĥ = act(x_h + r ⊙ r_h),  h_t = z ⊙ h_{t-1} + (1-z) ⊙ ĥ.

    Backward: a_h = dh ⊙ (1-z) ⊙ act'(ĥ), a_z = dh ⊙ (h_{t-1} - ĥ) ⊙ σ'(z),
    a_r = a_h ⊙ r_h ⊙ σ'(r); input gradient [a_z, a_r, a_h], recurrent gradient
    [a_z, a_r, a_h ⊙ r];  dh_{t-1} = dh ⊙ z + [a_z, a_r, a_h ⊙ r]·Uᵀ.
    """
    fa, dfa = ACT[activation]
    fr, dfr = ACT[recurrent_activation]
    fast = recurrent_activation == "sigmoid"
    xv = value_of(x)
    u = value_of(recurrent_kernel)
    w = value_of(kernel)
    k = u.shape[0]
    ut, wt = u.T.copy(), w.T.copy()  # copies (halved below)
    # The z and r rows of the recurrent bias join the input side; r_h's stays in the loop.
    bvec = None if input_bias is None else xp.array(value_of(input_bias))
    rbh = None
    if recurrent_bias is not None:
        rb = value_of(recurrent_bias)
        bvec = xp.zeros(3 * k, rb.dtype) if bvec is None else bvec
        bvec[:2 * k] += rb[:2 * k]
        rbh = rb[2 * k:][:, None]
    if fast:  # halve the z and r rows: σ(z) = ½·tanh(½z) + ½
        ut[:2 * k] *= 0.5
        wt[:2 * k] *= 0.5
        if bvec is not None:
            bvec[:2 * k] *= 0.5
    with one_blas_thread():  # one small product per step: BLAS threads would only wait
        proj = _project(wt, xv, None if bvec is None else bvec[:, None])
    steps, _, n = proj.shape
    dt = proj.dtype
    m = _mask_rows(mask, dt)
    order = list(range(steps - 1, -1, -1) if go_backwards else range(steps))
    gates = WS.take((steps, 3 * k, n), dt)  # z, r after σ; then r_h = (h·U)_h + b_h
    hh_all, hs = WS.take((steps, k, n), dt), WS.take((steps, k, n), dt)  # ĥ_t, h_t
    h0t = xp.ascontiguousarray(xp.asarray(value_of(h0), dt).T)
    h = h0t
    with one_blas_thread():
        for s, t in enumerate(order):
            gt = gates[s]
            p = proj[t]
            xp.matmul(ut, h, out=gt)
            zr = gt[:2 * k]
            zr += p[:2 * k]
            if fast:
                xp.tanh(zr, out=zr)
                _sigmoid_from_tanh(zr)
            else:
                fr(zr, zr)
            rh = gt[2 * k:]
            if rbh is not None:
                rh += rbh
            hh = hh_all[s]
            xp.multiply(gt[k:2 * k], rh, out=hh)
            hh += p[2 * k:]
            fa(hh, hh)
            hn = hs[s]
            xp.subtract(h, hh, out=hn)
            hn *= gt[:k]
            hn += hh
            if m is not None:  # a masked step keeps the previous state
                hn -= h
                hn *= m[t]
                hn += h
            h = hn
    WS.give(proj)
    y = xp.empty((n, 1 if last_only else steps, k), dt)  # a copy: hs returns to the workspace
    y[...] = _to_batch_major(hs[-1:] if last_only else hs)

    def vjp(g):
        # (steps, k, n) in processing order; with last_only the gradient enters once, as dh
        g_all = None if last_only else _columns(g.transpose(1, 2, 0), dt)
        drs = WS.take((steps, 3 * k, n), dt)  # [a_z, a_r, a_h ⊙ r]
        ahs = WS.take((steps, k, n), dt)
        dh = xp.array(g[:, 0].T, dtype=dt, order="C") if last_only else xp.zeros((k, n), dt)
        dn, t1 = xp.empty((k, n), dt), xp.empty((k, n), dt)
        t2 = xp.empty((2 * k, n), dt)
        with one_blas_thread():
            for s in range(steps - 1, -1, -1):
                if g_all is None:
                    dn, dh = dh, dn  # the incoming gradient; dh's buffer is free
                else:
                    xp.add(g_all[s], dh, out=dn)
                if m is not None:
                    mt = m[order[s]]
                    carry = dn * (1.0 - mt)
                    dn *= mt
                gt = gates[s]
                z, r = gt[:k], gt[k:2 * k]
                hh = hh_all[s]
                dr, ah = drs[s], ahs[s]
                if activation == "tanh":
                    xp.multiply(hh, hh, out=ah)
                    xp.subtract(1.0, ah, out=ah)
                else:
                    ah[...] = dfa(hh)
                xp.subtract(1.0, z, out=t1)
                t1 *= dn
                ah *= t1
                xp.subtract(hs[s - 1] if s else h0t, hh, out=dr[:k])
                dr[:k] *= dn
                xp.multiply(ah, gt[2 * k:], out=dr[k:2 * k])
                if fast:
                    xp.subtract(1.0, gt[:2 * k], out=t2)
                    t2 *= gt[:2 * k]
                    dr[:2 * k] *= t2
                else:
                    dr[:2 * k] *= dfr(gt[:2 * k])
                xp.multiply(ah, r, out=dr[2 * k:])
                xp.matmul(u, dr, out=dh)
                xp.multiply(dn, z, out=t1)
                dh += t1
                if m is not None:
                    dh += carry
        rec3 = _columns(drs.transpose(1, 0, 2), dt)
        rec = rec3.reshape(3 * k, steps * n)
        du = None
        if needs(recurrent_kernel):
            prev = _stack_prev(h0t, hs)
            du = prev.reshape(k, steps * n) @ rec.T
            WS.give(prev)
        drb = rec.sum(axis=1) if recurrent_bias is not None else None
        rec3[2 * k:] = ahs.transpose(1, 0, 2)  # the input side takes a_h, not a_h ⊙ r
        dx, dw, db = _input_grads(x, kernel, xv, w, rec, go_backwards)
        WS.give(drs, ahs, rec3, *([] if g_all is None else [g_all]))
        return dx, dh.T, dw, du, db if input_bias is not None else None, drb

    WS.give_when_dead(vjp, gates, hh_all, hs)
    return node(y, (x, h0, kernel, recurrent_kernel, input_bias, recurrent_bias), vjp)
