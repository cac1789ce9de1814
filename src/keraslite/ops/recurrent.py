"""Whole-sequence recurrent primitives: SimpleRNN, LSTM and GRU as one op each, with BPTT.

Running a recurrent layer as plain ops would record ~10 tape nodes per time step. Here each
layer kind is ONE op: the inputs of all time steps are projected in one matrix product
(X·W + b for the whole batch and sequence), the time loop writes into preallocated buffers,
and the vector-Jacobian product backpropagates through time with the gate gradients fused,
then forms the weight gradients with one matrix product each over all steps.

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


def _sigmoid(z):
    return 0.5 * (xp.tanh(0.5 * z) + 1.0)


def _hard_sigmoid(z):
    return xp.clip(z / 6.0 + 0.5, 0.0, 1.0)


# name -> (f(z), f'(z) written with y = f(z))
_ACT = {
    "tanh": (xp.tanh, lambda y: 1.0 - y * y),
    "sigmoid": (_sigmoid, lambda y: y * (1.0 - y)),
    "relu": (lambda z: xp.maximum(z, 0.0), lambda y: (y > 0).astype(y.dtype)),
    "linear": (lambda z: z, lambda y: xp.ones_like(y)),
    "hard_sigmoid": (_hard_sigmoid,
                     lambda y: ((y > 0) & (y < 1)).astype(y.dtype) / 6.0),
}


def supported(name: Any) -> bool:
    """Whether the fused ops implement the activation called ``name``."""
    return name in _ACT


def _prepare(x, kernel, bias, mask, go_backwards):
    """Project all steps at once; the processing order of time indices; the mask."""
    xv = value_of(x)
    w = value_of(kernel)
    n, steps, d = xv.shape
    proj = (xv.reshape(n * steps, d) @ w).reshape(n, steps, w.shape[1])
    if bias is not None:
        proj += value_of(bias)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    m = None
    if mask is not None:
        m = xp.asarray(value_of(mask)).astype(xv.dtype)[:, :, None]
    return xv, w, proj, list(order), m


def _input_grads(xv, w, dproj, need_x, need_w, need_b):
    """DX = dZ·Wᵀ, dW = Xᵀ·dZ, db = Σ dZ over all samples and steps."""
    n, steps, d = xv.shape
    flat = dproj.reshape(n * steps, -1)
    dx = (flat @ w.T).reshape(xv.shape) if need_x else None
    dw = xv.reshape(n * steps, d).T @ flat if need_w else None
    db = flat.sum(axis=0) if need_b else None
    return dx, dw, db


def _needs(t):
    return getattr(t, "requires_grad", False)


def simple_rnn_sequence(x: Any, h0: Any, kernel: Any, recurrent_kernel: Any, bias: Any = None,
                        mask: Any = None, activation: str = "tanh",
                        go_backwards: bool = False) -> Any:
    """h_t = act(x_t·W + b + h_{t-1}·U) over all steps; returns Y = [h_1 ... h_T].

    Backward, with a_t = g_t ⊙ act'(h_t) the pre-activation gradient:
    dh_{t-1} = a_t·Uᵀ (+ the masked carry), dU = Σ_t h_{t-1}ᵀ a_t, dW = Σ_t x_tᵀ a_t.
    """
    f, df = _ACT[activation]
    xv, w, proj, order, m = _prepare(x, kernel, bias, mask, go_backwards)
    u = value_of(recurrent_kernel)
    n, steps, units = xv.shape[0], xv.shape[1], u.shape[0]
    y = xp.empty((n, steps, units), proj.dtype)
    hprev = xp.empty((n, steps, units), proj.dtype)
    new = xp.empty((n, steps, units), proj.dtype)
    h = xp.asarray(value_of(h0), proj.dtype)
    for s, t in enumerate(order):
        hprev[:, t] = h
        hn = f(proj[:, t] + h @ u)
        new[:, t] = hn
        h = hn if m is None else h + m[:, t] * (hn - h)
        y[:, s] = h

    def vjp(g):
        dproj = xp.empty_like(proj)
        dh = xp.zeros((n, units), proj.dtype)
        for s in range(steps - 1, -1, -1):
            t = order[s]
            total = g[:, s] + dh
            if m is None:
                dnew, carry = total, 0.0
            else:
                dnew, carry = total * m[:, t], total * (1.0 - m[:, t])
            a = dnew * df(new[:, t])
            dproj[:, t] = a
            dh = a @ u.T + carry
        flat = dproj.reshape(n * steps, units)
        du = hprev.reshape(n * steps, units).T @ flat if _needs(recurrent_kernel) else None
        dx, dw, db = _input_grads(xv, w, dproj, _needs(x), _needs(kernel), bias is not None)
        return dx, dh, dw, du, db

    return node(y, (x, h0, kernel, recurrent_kernel, bias), vjp)


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
    xv, w, proj, order, m = _prepare(x, kernel, bias, mask, go_backwards)
    u = value_of(recurrent_kernel)
    n, steps, units = xv.shape[0], xv.shape[1], u.shape[0]
    dt = proj.dtype
    y = xp.empty((n, steps, 2 * units), dt)
    gates = xp.empty((n, steps, 4 * units), dt)  # i, f, g, o after their activations
    act_c = xp.empty((n, steps, units), dt)
    hprev = xp.empty((n, steps, units), dt)
    cprev = xp.empty((n, steps, units), dt)
    h = xp.asarray(value_of(h0), dt)
    c = xp.asarray(value_of(c0), dt)
    k = units
    for s, t in enumerate(order):
        hprev[:, t] = h
        cprev[:, t] = c
        z = proj[:, t] + h @ u
        gt = gates[:, t]
        gt[:, :2 * k] = fr(z[:, :2 * k])
        gt[:, 2 * k:3 * k] = fa(z[:, 2 * k:3 * k])
        gt[:, 3 * k:] = fr(z[:, 3 * k:])
        cn = gt[:, k:2 * k] * c + gt[:, :k] * gt[:, 2 * k:3 * k]
        ac = fa(cn)
        act_c[:, t] = ac
        hn = gt[:, 3 * k:] * ac
        if m is None:
            h, c = hn, cn
        else:
            h = h + m[:, t] * (hn - h)
            c = c + m[:, t] * (cn - c)
        y[:, s, :k] = h
        y[:, s, k:] = c

    def vjp(g):
        dproj = xp.empty_like(proj)
        dh = xp.zeros((n, k), dt)
        dc = xp.zeros((n, k), dt)
        for s in range(steps - 1, -1, -1):
            t = order[s]
            th = g[:, s, :k] + dh
            tc = g[:, s, k:] + dc
            if m is not None:
                mt = m[:, t]
                carry_h, carry_c = th * (1.0 - mt), tc * (1.0 - mt)
                th, tc = th * mt, tc * mt
            gt = gates[:, t]
            i, f, gg, o = gt[:, :k], gt[:, k:2 * k], gt[:, 2 * k:3 * k], gt[:, 3 * k:]
            ac = act_c[:, t]
            dct = tc + th * o * dfa(ac)
            dz = dproj[:, t]
            dz[:, :k] = dct * gg * dfr(i)
            dz[:, k:2 * k] = dct * cprev[:, t] * dfr(f)
            dz[:, 2 * k:3 * k] = dct * i * dfa(gg)
            dz[:, 3 * k:] = th * ac * dfr(o)
            dh = dz @ u.T
            dc = dct * f
            if m is not None:
                dh += carry_h
                dc += carry_c
        flat = dproj.reshape(n * steps, 4 * k)
        du = hprev.reshape(n * steps, k).T @ flat if _needs(recurrent_kernel) else None
        dx, dw, db = _input_grads(xv, w, dproj, _needs(x), _needs(kernel), bias is not None)
        return dx, dh, dc, dw, du, db

    return node(y, (x, h0, c0, kernel, recurrent_kernel, bias), vjp)


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
    xv, w, proj, order, m = _prepare(x, kernel, input_bias, mask, go_backwards)
    u = value_of(recurrent_kernel)
    rb = None if recurrent_bias is None else value_of(recurrent_bias)
    n, steps, k = xv.shape[0], xv.shape[1], u.shape[0]
    dt = proj.dtype
    y = xp.empty((n, steps, k), dt)
    zr = xp.empty((n, steps, 2 * k), dt)
    hh_all = xp.empty((n, steps, k), dt)
    rh_all = xp.empty((n, steps, k), dt)
    hprev = xp.empty((n, steps, k), dt)
    h = xp.asarray(value_of(h0), dt)
    for s, t in enumerate(order):
        hprev[:, t] = h
        rec = h @ u
        if rb is not None:
            rec += rb
        p = proj[:, t]
        gates = fr(p[:, :2 * k] + rec[:, :2 * k])
        zr[:, t] = gates
        rh_all[:, t] = rec[:, 2 * k:]
        hh = fa(p[:, 2 * k:] + gates[:, k:] * rec[:, 2 * k:])
        hh_all[:, t] = hh
        z = gates[:, :k]
        hn = hh + z * (h - hh)
        h = hn if m is None else h + m[:, t] * (hn - h)
        y[:, s] = h

    def vjp(g):
        dproj = xp.empty_like(proj)
        drec = xp.empty_like(proj)
        dh = xp.zeros((n, k), dt)
        for s in range(steps - 1, -1, -1):
            t = order[s]
            total = g[:, s] + dh
            if m is None:
                dnew, carry = total, None
            else:
                dnew, carry = total * m[:, t], total * (1.0 - m[:, t])
            z, r = zr[:, t, :k], zr[:, t, k:]
            hh = hh_all[:, t]
            ah = dnew * (1.0 - z) * dfa(hh)
            az = dnew * (hprev[:, t] - hh) * dfr(z)
            ar = ah * rh_all[:, t] * dfr(r)
            dp = dproj[:, t]
            dp[:, :k] = az
            dp[:, k:2 * k] = ar
            dp[:, 2 * k:] = ah
            dr = drec[:, t]
            dr[:, :2 * k] = dp[:, :2 * k]
            dr[:, 2 * k:] = ah * r
            dh = dnew * z + dr @ u.T
            if carry is not None:
                dh += carry
        flat = drec.reshape(n * steps, 3 * k)
        du = hprev.reshape(n * steps, k).T @ flat if _needs(recurrent_kernel) else None
        drb = flat.sum(axis=0) if recurrent_bias is not None else None
        dx, dw, db = _input_grads(xv, w, dproj, _needs(x), _needs(kernel),
                                  input_bias is not None)
        return dx, dh, dw, du, db, drb

    return node(y, (x, h0, kernel, recurrent_kernel, input_bias, recurrent_bias), vjp)
