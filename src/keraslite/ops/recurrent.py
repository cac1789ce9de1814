"""Whole-sequence recurrent primitives: SimpleRNN, LSTM and GRU as one op each, with BPTT.

Running a recurrent layer as plain ops would record ~10 tape nodes per time step. Here each
layer kind is ONE op: the inputs of all time steps are projected in one matrix product
(X·W + b for the whole batch and sequence), the time loop writes into preallocated time-major
buffers (each step's slice is contiguous) with in-place activations, and the vector-Jacobian
product backpropagates through time with the gate gradients fused, then forms the weight
gradients with one matrix product each over all steps. The small per-step products run on one
BLAS thread (threadpoolctl, when installed): on two busy cores, threads only contend there.

Every op returns ``Y`` of shape ``(batch, time, S)``: the states after each processed step
(for an LSTM, ``S = 2·units``: ``[h, c]``; otherwise ``S = units``). With a mask, a masked step
keeps the previous states, as Keras does: s_t = m_t · cell(x_t, s_{t-1}) + (1 - m_t) · s_{t-1}.
With ``go_backwards`` the steps run from the last to the first and ``Y`` is in processing order.
The layers slice outputs and final states out of ``Y`` (slicing has its own gradient).

Activations: ``tanh``, ``sigmoid``, ``relu``, ``linear`` and ``hard_sigmoid`` (derivatives are
taken from the outputs); ``supported(name)`` says whether one is covered.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from keraslite.autodiff import node
from keraslite.backend import xp
from keraslite.ops.core import value_of


def _sigmoid(z, out):
    xp.multiply(z, 0.5, out=out)
    xp.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def _hard_sigmoid(z, out):
    xp.multiply(z, 1.0 / 6.0, out=out)
    out += 0.5
    return xp.clip(out, 0.0, 1.0, out=out)


def _linear(z, out):
    out[...] = z
    return out


# name -> (f(z, out) in place, f'(z) written with y = f(z))
_ACT = {
    "tanh": (lambda z, out: xp.tanh(z, out=out), lambda y: 1.0 - y * y),
    "sigmoid": (_sigmoid, lambda y: y * (1.0 - y)),
    "relu": (lambda z, out: xp.maximum(z, 0.0, out=out), lambda y: (y > 0).astype(y.dtype)),
    "linear": (_linear, lambda y: xp.ones_like(y)),
    "hard_sigmoid": (_hard_sigmoid, lambda y: ((y > 0) & (y < 1)).astype(y.dtype) / 6.0),
}
_CONTROLLER: list = []


def supported(name: Any) -> bool:
    """Whether the fused ops implement the activation called ``name``."""
    return name in _ACT


def _one_blas_thread() -> Any:
    """A context running BLAS on one thread (a no-op without threadpoolctl)."""
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController

            _CONTROLLER.append(ThreadpoolController())
        except ImportError:  # optional: the loop then runs with BLAS's own threads
            _CONTROLLER.append(None)
    controller = _CONTROLLER[0]
    return nullcontext() if controller is None else controller.limit(limits=1, user_api="blas")


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
    if _needs(x):
        dx = (flat @ w.T).reshape(steps, n, -1).transpose(1, 0, 2)
    dw = xt.T @ flat if _needs(kernel) else None
    db = flat.sum(axis=0) if has_bias else None
    return dx, dw, db


def _needs(t):
    return getattr(t, "requires_grad", False)


def _batch_major(y_time):
    return xp.ascontiguousarray(y_time.transpose(1, 0, 2))


def simple_rnn_sequence(x: Any, h0: Any, kernel: Any, recurrent_kernel: Any, bias: Any = None,
                        mask: Any = None, activation: str = "tanh",
                        go_backwards: bool = False) -> Any:
    """h_t = act(x_t·W + b + h_{t-1}·U) over all steps; returns Y = [h_1 ... h_T].

    Backward, with a_t = g_t ⊙ act'(h_t) the pre-activation gradient:
    dh_{t-1} = a_t·Uᵀ (+ the masked carry), dU = Σ_t h_{t-1}ᵀ a_t, dW = Σ_t x_tᵀ a_t.
    """
    f, df = _ACT[activation]
    xt, w, proj, order, m = _prepare(x, kernel, bias, mask, go_backwards)
    u = value_of(recurrent_kernel)
    steps, n, k = proj.shape
    dt = proj.dtype
    y = xp.empty((steps, n, k), dt)
    hprev = xp.empty((steps, n, k), dt)
    new = xp.empty((steps, n, k), dt)
    h = xp.asarray(value_of(h0), dt)
    with _one_blas_thread():
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
        with _one_blas_thread():
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
        du = hprev.reshape(steps * n, k).T @ flat if _needs(recurrent_kernel) else None
        dx, dw, db = _input_grads(x, xt, w, dproj, kernel, bias is not None)
        return dx, dh, dw, du, db

    return node(_batch_major(y), (x, h0, kernel, recurrent_kernel, bias), vjp)


def lstm_sequence(x: Any, h0: Any, c0: Any, kernel: Any, recurrent_kernel: Any, bias: Any = None,
                  mask: Any = None, activation: str = "tanh",
                  recurrent_activation: str = "sigmoid", go_backwards: bool = False) -> Any:
    """The LSTM over all steps (Keras' gate order i, f, c, o); returns Y = [h_t, c_t] per step.

    z = x_t·W + b + h_{t-1}·U,  i = σ(z_i), f = σ(z_f), g = act(z_c), o = σ(z_o),
    c_t = f ⊙ c_{t-1} + i ⊙ g,  h_t = o ⊙ act(c_t)  (σ: the recurrent activation).

    Backward (fused): with dh, dc the gradients reaching step t,
    dc̃ = dc + dh ⊙ o ⊙ act'(c_t),  dz = [dc̃ ⊙ g ⊙ σ'(i), dc̃ ⊙ c_{t-1} ⊙ σ'(f),
    dc̃ ⊙ i ⊙ act'(g), dh ⊙ act(c_t) ⊙ σ'(o)],  dh_{t-1} = dz·Uᵀ,  dc_{t-1} = dc̃ ⊙ f.
    """
    fa, dfa = _ACT[activation]
    fr, dfr = _ACT[recurrent_activation]
    xt, w, proj, order, m = _prepare(x, kernel, bias, mask, go_backwards)
    u = value_of(recurrent_kernel)
    steps, n, k4 = proj.shape
    k = k4 // 4
    dt = proj.dtype
    # Buffers in processing order s: y[s] = [h, c] after step s (carried through masks).
    y = xp.empty((steps, n, 2 * k), dt)
    gates = xp.empty((steps, n, 4 * k), dt)  # i, f, g, o after their activations
    act_c = xp.empty((steps, n, k), dt)  # act(c_new) of each step
    h0v = xp.asarray(value_of(h0), dt)
    c0v = xp.asarray(value_of(c0), dt)
    h, c = h0v, c0v
    with _one_blas_thread():
        for s, t in enumerate(order):
            z = h @ u
            z += proj[t]
            gt = gates[s]
            fr(z[:, :2 * k], gt[:, :2 * k])
            fa(z[:, 2 * k:3 * k], gt[:, 2 * k:3 * k])
            fr(z[:, 3 * k:], gt[:, 3 * k:])
            hn, cn = y[s, :, :k], y[s, :, k:]
            xp.multiply(gt[:, k:2 * k], c, out=cn)
            cn += gt[:, :k] * gt[:, 2 * k:3 * k]
            xp.multiply(gt[:, 3 * k:], fa(cn, act_c[s]), out=hn)
            if m is not None:  # a masked step keeps the previous states
                mt = m[t]
                hn -= h
                hn *= mt
                hn += h
                cn -= c
                cn *= mt
                cn += c
            h, c = hn, cn

    def vjp(g):
        g = xp.ascontiguousarray(g.transpose(1, 0, 2))  # processing order, as y
        dzs = xp.empty((steps, n, 4 * k), dt)  # in processing order
        dh = xp.zeros((n, k), dt)
        dc = xp.zeros((n, k), dt)
        ut = xp.ascontiguousarray(u.T)
        with _one_blas_thread():
            for s in range(steps - 1, -1, -1):
                th = g[s, :, :k] + dh
                tc = g[s, :, k:] + dc
                if m is not None:
                    mt = m[order[s]]
                    carry_h, carry_c = th * (1.0 - mt), tc * (1.0 - mt)
                    th *= mt
                    tc *= mt
                gt = gates[s]
                i, f, gg, o = gt[:, :k], gt[:, k:2 * k], gt[:, 2 * k:3 * k], gt[:, 3 * k:]
                ac = act_c[s]
                tc += th * o * dfa(ac)  # dc̃
                dz = dzs[s]
                deriv = dfr(gt)  # σ' of every gate at once, then act' for the cell input
                deriv[:, 2 * k:3 * k] = dfa(gg)
                xp.multiply(tc, gg, out=dz[:, :k])
                xp.multiply(tc, y[s - 1, :, k:] if s else c0v, out=dz[:, k:2 * k])
                xp.multiply(tc, i, out=dz[:, 2 * k:3 * k])
                xp.multiply(th, ac, out=dz[:, 3 * k:])
                dz *= deriv
                dh = dz @ ut
                dc = tc * f
                if m is not None:
                    dh += carry_h
                    dc += carry_c
        flat = dzs.reshape(steps * n, 4 * k)
        du = None
        if _needs(recurrent_kernel):
            hprev = xp.concatenate([h0v[None], y[:-1, :, :k]]).reshape(steps * n, k)
            du = hprev.T @ flat
        dproj = dzs
        if go_backwards:
            dproj = xp.ascontiguousarray(dproj[::-1])
        dx, dw, db = _input_grads(x, xt, w, dproj, kernel, bias is not None)
        return dx, dh, dc, dw, du, db

    return node(_batch_major(y), (x, h0, c0, kernel, recurrent_kernel, bias), vjp)


def gru_sequence(x: Any, h0: Any, kernel: Any, recurrent_kernel: Any, input_bias: Any = None,
                 recurrent_bias: Any = None, mask: Any = None, activation: str = "tanh",
                 recurrent_activation: str = "sigmoid", go_backwards: bool = False) -> Any:
    """The GRU with ``reset_after=True`` (Keras 3's default; gate order z, r, h).

    x_t·W + b_in = [x_z, x_r, x_h],  h_{t-1}·U + b_rec = [r_z, r_r, r_h],
    z = σ(x_z + r_z),  r = σ(x_r + r_r),  ĥ = act(x_h + r ⊙ r_h),  h_t = z ⊙ h_{t-1} + (1-z) ⊙ ĥ.

    Backward: a_h = dh ⊙ (1-z) ⊙ act'(ĥ), a_z = dh ⊙ (h_{t-1} - ĥ) ⊙ σ'(z),
    a_r = a_h ⊙ r_h ⊙ σ'(r); input gradient [a_z, a_r, a_h], recurrent gradient
    [a_z, a_r, a_h ⊙ r];  dh_{t-1} = dh ⊙ z + [a_z, a_r, a_h ⊙ r]·Uᵀ.
    """
    fa, dfa = _ACT[activation]
    fr, dfr = _ACT[recurrent_activation]
    xt, w, proj, order, m = _prepare(x, kernel, input_bias, mask, go_backwards)
    u = value_of(recurrent_kernel)
    rb = None if recurrent_bias is None else value_of(recurrent_bias)
    steps, n, k3 = proj.shape
    k = k3 // 3
    dt = proj.dtype
    # Buffers in processing order s; y[s] = h after step s (carried through masks).
    y = xp.empty((steps, n, k), dt)
    zr = xp.empty((steps, n, 2 * k), dt)
    hh_all = xp.empty((steps, n, k), dt)
    rh_all = xp.empty((steps, n, k), dt)
    h0v = xp.asarray(value_of(h0), dt)
    h = h0v
    with _one_blas_thread():
        for s, t in enumerate(order):
            rec = h @ u
            if rb is not None:
                rec += rb
            p = proj[t]
            rec[:, :2 * k] += p[:, :2 * k]
            gates = fr(rec[:, :2 * k], zr[s])
            rh = rh_all[s]
            rh[...] = rec[:, 2 * k:]
            pre = gates[:, k:] * rh
            pre += p[:, 2 * k:]
            hh = fa(pre, hh_all[s])
            hn = y[s]
            xp.subtract(h, hh, out=hn)
            hn *= gates[:, :k]
            hn += hh
            if m is not None:  # a masked step keeps the previous state
                hn -= h
                hn *= m[t]
                hn += h
            h = hn

    def vjp(g):
        g = xp.ascontiguousarray(g.transpose(1, 0, 2))  # processing order, as y
        drs = xp.empty((steps, n, 3 * k), dt)  # [a_z, a_r, a_h ⊙ r], processing order
        ahs = xp.empty((steps, n, k), dt)  # a_h
        dh = xp.zeros((n, k), dt)
        ut = xp.ascontiguousarray(u.T)
        with _one_blas_thread():
            for s in range(steps - 1, -1, -1):
                dnew = g[s] + dh
                if m is not None:
                    mt = m[order[s]]
                    carry = dnew * (1.0 - mt)
                    dnew *= mt
                z, r = zr[s, :, :k], zr[s, :, k:]
                hh = hh_all[s]
                dr = drs[s]
                ah = ahs[s]
                xp.multiply(dnew * (1.0 - z), dfa(hh), out=ah)
                xp.subtract(y[s - 1] if s else h0v, hh, out=dr[:, :k])
                dr[:, :k] *= dnew
                xp.multiply(ah, rh_all[s], out=dr[:, k:2 * k])
                dr[:, :2 * k] *= dfr(zr[s])  # σ' of both gates at once
                xp.multiply(ah, r, out=dr[:, 2 * k:])
                dh = dr @ ut
                dh += dnew * z
                if m is not None:
                    dh += carry
        hprev = xp.concatenate([h0v[None], y[:-1]])
        flat = drs.reshape(steps * n, 3 * k)
        du = hprev.reshape(steps * n, k).T @ flat if _needs(recurrent_kernel) else None
        drb = flat.sum(axis=0) if recurrent_bias is not None else None
        dproj = xp.concatenate([drs[:, :, :2 * k], ahs], axis=2)
        if go_backwards:
            dproj = xp.ascontiguousarray(dproj[::-1])
        dx, dw, db = _input_grads(x, xt, w, dproj, kernel, input_bias is not None)
        return dx, dh, dw, du, db, drb

    return node(_batch_major(y), (x, h0, kernel, recurrent_kernel, input_bias, recurrent_bias),
                vjp)
