"""The LSTM whole-sequence op (see :mod:`keraslite.ops.recurrent` for the contract).

Same layout and tricks as :mod:`keraslite.ops.recurrent_gated` (feature-major states, gates
reordered to i, f, o, c, one ``tanh`` for all gates with the default activations). The core
``_lstm`` takes a list of directions and runs them in one time loop over arrays stacked on a
leading direction axis (step s of a backward direction is time step T-1-s). A Bidirectional
LSTM run that way (two directions, half the NumPy calls per step) measured no faster than two
separate calls at the lstm-seq workload's sizes, so the layers use one direction per call.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff import node
from keraslite.backend import xp
from keraslite.ops.core import value_of
from keraslite.ops.recurrent_base import ACT, _sigmoid_from_tanh, needs, one_blas_thread
from keraslite.ops.recurrent_gated import _columns, _project
from keraslite.ops.workspace import WORKSPACE as WS


def _stacked_inputs(xv, params, k, fast, dt):
    """The gate order, U and W per direction (i, f, o, c), the loop's stacked Uᵀ and the
    projections Wᵀ·x_tᵀ + b in processing order, ``(steps, dirs, 4·units, batch)``.
    """
    perm = xp.concatenate([xp.arange(2 * k), xp.arange(3 * k, 4 * k), xp.arange(2 * k, 3 * k)])
    nd = len(params)
    n, steps = xv.shape[:2]
    ut = xp.empty((nd, 4 * k, k), dt)
    proj = WS.take((steps, nd, 4 * k, n), dt)
    ups, wps = [], []
    for j, (_, _, kernel, recurrent_kernel, bias, backwards) in enumerate(params):
        up = value_of(recurrent_kernel)[:, perm]
        wp = value_of(kernel)[:, perm]
        ups.append(up)
        wps.append(wp)
        ut[j] = up.T
        wt = wp.T.astype(dt)  # a copy (halved below)
        bcol = None if bias is None else value_of(bias)[perm][:, None].astype(dt)
        if fast:  # halve the sigmoid gates' rows: tanh(½z) for them, tanh(z) for the cell input
            ut[j, :3 * k] *= 0.5
            wt[:3 * k] *= 0.5
            if bcol is not None:
                bcol[:3 * k] *= 0.5
        _project(wt, xv, bcol, out=proj[:, j], backwards=backwards)
    return perm, ups, wps, ut, proj


def _left_columns(h0, hs, xv, backwards, need_u, need_w, dt):
    """[h_{t-1}; x_t] as ``(units + features, steps, batch)`` (the rows needed, processing
    order, from the workspace): one matrix product with the gate gradients gives dU and dW.
    """
    steps, k, n = hs.shape
    rows = (k if need_u else 0) + (xv.shape[2] if need_w else 0)
    out = WS.take((rows, steps, n), dt)
    if need_u:
        out[:k, 0] = h0
        out[:k, 1:] = hs[:-1].transpose(1, 0, 2)
    if need_w:
        xs = xv.transpose(2, 1, 0)
        out[k if need_u else 0:] = xs[:, ::-1] if backwards else xs
    return out


def _lstm(x: Any, params: list, mask: Any, activation: str, recurrent_activation: str,
          last_only: bool, squeeze: bool) -> Any:
    """The op for ``params`` = [(h0, c0, kernel, recurrent_kernel, bias, go_backwards), ...].

    Y has shape ``(dirs, batch, steps or 1, 2·units)`` (``squeeze``: without the first axis).
    """
    fa, dfa = ACT[activation]
    fr, dfr = ACT[recurrent_activation]
    fast = activation == "tanh" and recurrent_activation == "sigmoid"
    xv = value_of(x)
    dt = xp.result_type(xv, value_of(params[0][2]))
    k = value_of(params[0][3]).shape[0]
    nd = len(params)
    n, steps, _ = xv.shape
    with one_blas_thread():  # one small product per step: BLAS threads would only wait
        perm, ups, wps, ut, proj = _stacked_inputs(xv, params, k, fast, dt)
    m = None
    if mask is not None:
        mt_all = xp.asarray(value_of(mask)).T.astype(dt)  # (steps, n), time order
        m = xp.empty((steps, nd, 1, n), dt)
        for j, p in enumerate(params):
            m[:, j, 0] = mt_all[::-1] if p[5] else mt_all
    gates = WS.take((steps, nd, 4 * k, n), dt)  # i, f, o, c after their activations
    hs, cs, acs = (WS.take((steps, nd, k, n), dt) for _ in range(3))  # h_t, c_t, act(c_t)
    tmp = xp.empty((nd, k, n), dt)
    h0t, c0t = xp.empty((nd, k, n), dt), xp.empty((nd, k, n), dt)
    for j, p in enumerate(params):
        h0t[j] = value_of(p[0]).T
        c0t[j] = value_of(p[1]).T
    h, c = h0t, c0t
    with one_blas_thread():
        for s in range(steps):
            gt = gates[s]
            xp.matmul(ut, h, out=gt)
            gt += proj[s]
            if fast:
                xp.tanh(gt, out=gt)
                _sigmoid_from_tanh(gt[:, :3 * k])
            else:
                fr(gt[:, :3 * k], gt[:, :3 * k])
                fa(gt[:, 3 * k:], gt[:, 3 * k:])
            cn, hn = cs[s], hs[s]
            xp.multiply(gt[:, k:2 * k], c, out=cn)
            xp.multiply(gt[:, :k], gt[:, 3 * k:], out=tmp)
            cn += tmp
            xp.multiply(gt[:, 2 * k:3 * k], fa(cn, acs[s]), out=hn)
            if m is not None:  # a masked step keeps the previous states
                mt = m[s]
                hn -= h
                hn *= mt
                hn += h
                cn -= c
                cn *= mt
                cn += c
            h, c = hn, cn
    WS.give(proj)
    y = xp.empty((nd, n, 1 if last_only else steps, 2 * k), dt)
    y[..., :k] = (hs[-1:] if last_only else hs).transpose(1, 3, 0, 2)
    y[..., k:] = (cs[-1:] if last_only else cs).transpose(1, 3, 0, 2)

    def vjp(g):
        if squeeze:
            g = g[None]
        if last_only:  # the gradient enters at the last step only: th, tc are dh, dc
            g_all = None
            dh = xp.array(g[:, :, 0, :k].transpose(0, 2, 1), dtype=dt, order="C")
            dc = xp.array(g[:, :, 0, k:].transpose(0, 2, 1), dtype=dt, order="C")
            th, tc = dh, dc
        else:
            g_all = _columns(g.transpose(2, 0, 3, 1), dt)  # (steps, dirs, 2k, n)
            dh = xp.zeros((nd, k, n), dt)
            dc = xp.zeros((nd, k, n), dt)
            th, tc = xp.empty((nd, k, n), dt), xp.empty((nd, k, n), dt)
        dzs = WS.take((steps, nd, 4 * k, n), dt)
        t1 = xp.empty((nd, k, n), dt)
        deriv = xp.empty((nd, 4 * k, n), dt)
        upst = xp.stack(ups).astype(dt, copy=False)
        with one_blas_thread():
            for s in range(steps - 1, -1, -1):
                if g_all is not None:
                    xp.add(g_all[s, :, :k], dh, out=th)
                    xp.add(g_all[s, :, k:], dc, out=tc)
                if m is not None:
                    mt = m[s]
                    carry_h, carry_c = th * (1.0 - mt), tc * (1.0 - mt)
                    th *= mt
                    tc *= mt
                gt = gates[s]
                i, f, o, gg = gt[:, :k], gt[:, k:2 * k], gt[:, 2 * k:3 * k], gt[:, 3 * k:]
                ac = acs[s]
                if fast:
                    xp.multiply(ac, ac, out=t1)
                    xp.subtract(1.0, t1, out=t1)
                else:
                    t1[...] = dfa(ac)
                t1 *= o
                t1 *= th
                tc += t1  # dc̃
                dz = dzs[s]
                xp.multiply(tc, gg, out=dz[:, :k])
                xp.multiply(tc, cs[s - 1] if s else c0t, out=dz[:, k:2 * k])
                xp.multiply(th, ac, out=dz[:, 2 * k:3 * k])
                xp.multiply(tc, i, out=dz[:, 3 * k:])
                if fast:  # σ' = s - s² for i, f, o and tanh' = 1 - g² for c, then one product
                    xp.multiply(gt, gt, out=deriv)
                    xp.subtract(gt[:, :3 * k], deriv[:, :3 * k], out=deriv[:, :3 * k])
                    xp.subtract(1.0, deriv[:, 3 * k:], out=deriv[:, 3 * k:])
                    dz *= deriv
                else:
                    dz[:, :3 * k] *= dfr(gt[:, :3 * k])
                    dz[:, 3 * k:] *= dfa(gg)
                xp.matmul(upst, dz, out=dh)
                xp.multiply(tc, f, out=dc)
                if m is not None:
                    dh += carry_h
                    dc += carry_c
        inv = xp.argsort(perm)
        grads, dx = [], None
        for j, (_, _, kernel, recurrent_kernel, bias, backwards) in enumerate(params):
            cols3 = _columns(dzs[:, j].transpose(1, 0, 2), dt)
            cols = cols3.reshape(4 * k, steps * n)
            need_u, need_w = needs(recurrent_kernel), needs(kernel)
            du = dw = None
            if need_u or need_w:  # dU and dW from one product: [h_{t-1}; x_t]·dzᵀ
                left = _left_columns(h0t[j], hs[:, j], xv, backwards, need_u, need_w, dt)
                both = (left.reshape(left.shape[0], steps * n) @ cols.T)[:, inv]
                WS.give(left)
                du = both[:k] if need_u else None
                dw = both[k if need_u else 0:] if need_w else None
            if needs(x):  # dx_t = dz_t·Wᵀ, back in time order
                dxt = (wps[j] @ cols).reshape(-1, steps, n)
                dxj = (dxt[:, ::-1] if backwards else dxt).transpose(2, 1, 0)
                dx = dxj if dx is None else dx + dxj
            db = cols.sum(axis=1)[inv] if bias is not None else None
            WS.give(cols3)
            grads += [dh[j].T.copy(), dc[j].T.copy(), dw, du, db]
        WS.give(dzs, *([] if g_all is None else [g_all]))
        return (dx, *grads)

    WS.give_when_dead(vjp, gates, hs, cs, acs)
    parents = (x, *[t for p in params for t in p[:5]])
    return node(y[0] if squeeze else y, parents, vjp)


def lstm_sequence(x: Any, h0: Any, c0: Any, kernel: Any, recurrent_kernel: Any, bias: Any = None,
                  mask: Any = None, activation: str = "tanh",
                  recurrent_activation: str = "sigmoid", go_backwards: bool = False,
                  last_only: bool = False) -> Any:
    """The LSTM over all steps (Keras' gate order i, f, c, o); returns Y = [h_t, c_t] per step.

    With ``last_only`` Y holds only the final states, shape ``(batch, 1, 2·units)`` (what a
    layer without ``return_sequences`` needs: no per-step output and no per-step gradient).

    z = x_t·W + b + h_{t-1}·U,  i = σ(z_i), f = σ(z_f), g = act(z_c), o = σ(z_o),
    c_t = f ⊙ c_{t-1} + i ⊙ g,  h_t = o ⊙ act(c_t)  (σ: the recurrent activation).

    Backward (fused): with dh, dc the gradients reaching step t,
    dc̃ = dc + dh ⊙ o ⊙ act'(c_t),  dz = [dc̃ ⊙ g ⊙ σ'(i), dc̃ ⊙ c_{t-1} ⊙ σ'(f),
    dc̃ ⊙ i ⊙ act'(g), dh ⊙ act(c_t) ⊙ σ'(o)],  dh_{t-1} = dz·Uᵀ,  dc_{t-1} = dc̃ ⊙ f.
    """
    params = [(h0, c0, kernel, recurrent_kernel, bias, go_backwards)]
    return _lstm(x, params, mask, activation, recurrent_activation, last_only, squeeze=True)

