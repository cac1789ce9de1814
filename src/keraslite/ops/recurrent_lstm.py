"""The LSTM as one op, for one direction or both directions of a Bidirectional layer at once.

The computation (Keras' gate order i, f, c, o; σ the recurrent activation):

    z = x_t·W + b + h_{t-1}·U,  i = σ(z_i), f = σ(z_f), g = act(z_c), o = σ(z_o),
    c_t = f ⊙ c_{t-1} + i ⊙ g,  h_t = o ⊙ act(c_t).

Backward (fused): with dh, dc the gradients reaching step t,
dc̃ = dc + dh ⊙ o ⊙ act'(c_t),  dz = [dc̃ ⊙ g ⊙ σ'(i), dc̃ ⊙ c_{t-1} ⊙ σ'(f),
dc̃ ⊙ i ⊙ act'(g), dh ⊙ act(c_t) ⊙ σ'(o)],  dh_{t-1} = dz·Uᵀ,  dc_{t-1} = dc̃ ⊙ f.

Every buffer has a leading direction axis D (1, or 2 for a Bidirectional LSTM): both
directions advance together, so each NumPy call of a step serves both, and the per-step
products are one stacked ``matmul`` (D, n, k) @ (D, k, 4k). Direction d runs forwards or
backwards in time (``backwards[d]``); its buffers are in its own processing order.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff import node
from keraslite.backend import xp
from keraslite.ops.core import value_of
from keraslite.ops.recurrent import _ACT, _needs, _one_blas_thread


def _core(x, h0, c0, kernels, recurrents, biases, mask, backwards, activation,
          recurrent_activation):
    """Forward pass; returns y (steps, D, n, 2k) in processing order and the vjp."""
    fa, dfa = _ACT[activation]
    fr, dfr = _ACT[recurrent_activation]
    xv = value_of(x)
    n, steps, d = xv.shape
    dirs = len(kernels)
    ws = [value_of(w) for w in kernels]
    u = xp.stack([value_of(r) for r in recurrents])  # (D, k, 4k)
    k = u.shape[1]
    dt = xv.dtype
    xt = xp.ascontiguousarray(xv.transpose(1, 0, 2)).reshape(steps * n, d)
    proj = (xt @ xp.concatenate(ws, axis=1)).reshape(steps, n, dirs, 4 * k)
    proj = proj.transpose(0, 2, 1, 3)  # (steps, D, n, 4k), time order
    if biases[0] is not None:
        proj = proj + xp.stack([value_of(b) for b in biases])[None, :, None, :]
    # each direction's projections and mask in its processing order
    proj = xp.stack([proj[::-1, i] if back else proj[:, i] for i, back in enumerate(backwards)],
                    axis=1)
    m = None
    if mask is not None:
        mt = xp.asarray(value_of(mask)).T.astype(dt)[:, :, None]  # (steps, n, 1)
        m = xp.stack([mt[::-1] if back else mt for back in backwards], axis=1)
    y = xp.empty((steps, dirs, n, 2 * k), dt)
    gates = xp.empty((steps, dirs, n, 4 * k), dt)
    act_c = xp.empty((steps, dirs, n, k), dt)
    h0v = xp.asarray(value_of(h0), dt).reshape(dirs, n, k)
    c0v = xp.asarray(value_of(c0), dt).reshape(dirs, n, k)
    h, c = h0v, c0v
    with _one_blas_thread():
        for s in range(steps):
            z = xp.matmul(h, u)
            z += proj[s]
            gt = gates[s]
            fr(z[..., :2 * k], gt[..., :2 * k])
            fa(z[..., 2 * k:3 * k], gt[..., 2 * k:3 * k])
            fr(z[..., 3 * k:], gt[..., 3 * k:])
            hn, cn = y[s, ..., :k], y[s, ..., k:]
            xp.multiply(gt[..., k:2 * k], c, out=cn)
            cn += gt[..., :k] * gt[..., 2 * k:3 * k]
            xp.multiply(gt[..., 3 * k:], fa(cn, act_c[s]), out=hn)
            if m is not None:  # a masked step keeps the previous states
                hn -= h
                hn *= m[s]
                hn += h
                cn -= c
                cn *= m[s]
                cn += c
            h, c = hn, cn

    def vjp(g):
        """``g``: (steps, D, n, 2k) in processing order; gradients for every input."""
        dzs = xp.empty((steps, dirs, n, 4 * k), dt)
        dh = xp.zeros((dirs, n, k), dt)
        dc = xp.zeros((dirs, n, k), dt)
        ut = xp.ascontiguousarray(u.transpose(0, 2, 1))
        with _one_blas_thread():
            for s in range(steps - 1, -1, -1):
                th = g[s, ..., :k] + dh
                tc = g[s, ..., k:] + dc
                if m is not None:
                    carry_h, carry_c = th * (1.0 - m[s]), tc * (1.0 - m[s])
                    th *= m[s]
                    tc *= m[s]
                gt = gates[s]
                i, f = gt[..., :k], gt[..., k:2 * k]
                gg, o = gt[..., 2 * k:3 * k], gt[..., 3 * k:]
                ac = act_c[s]
                tc += th * o * dfa(ac)  # dc̃
                dz = dzs[s]
                deriv = dfr(gt)  # σ' of every gate at once, then act' for the cell input
                deriv[..., 2 * k:3 * k] = dfa(gg)
                xp.multiply(tc, gg, out=dz[..., :k])
                xp.multiply(tc, y[s - 1, ..., k:] if s else c0v, out=dz[..., k:2 * k])
                xp.multiply(tc, i, out=dz[..., 2 * k:3 * k])
                xp.multiply(th, ac, out=dz[..., 3 * k:])
                dz *= deriv
                dh = xp.matmul(dz, ut)
                dc = tc * f
                if m is not None:
                    dh += carry_h
                    dc += carry_c
        hprev = xp.concatenate([h0v[None], y[:-1, ..., :k]])
        out = {"dh0": dh, "dc0": dc, "dx": None, "dw": [], "du": [], "db": []}
        for i, back in enumerate(backwards):
            dz_i = dzs[::-1, i] if back else dzs[:, i]  # time order
            flat = xp.ascontiguousarray(dz_i).reshape(steps * n, 4 * k)
            out["du"].append(hprev[:, i].reshape(steps * n, k).T @
                             dzs[:, i].reshape(steps * n, 4 * k)
                             if _needs(recurrents[i]) else None)
            out["dw"].append(xt.T @ flat if _needs(kernels[i]) else None)
            out["db"].append(flat.sum(axis=0) if biases[i] is not None else None)
            if _needs(x):
                dx = flat @ ws[i].T
                out["dx"] = dx if out["dx"] is None else out["dx"] + dx
        if out["dx"] is not None:
            out["dx"] = out["dx"].reshape(steps, n, d).transpose(1, 0, 2)
        return out

    return y, vjp


def lstm_sequence(x: Any, h0: Any, c0: Any, kernel: Any, recurrent_kernel: Any, bias: Any = None,
                  mask: Any = None, activation: str = "tanh",
                  recurrent_activation: str = "sigmoid", go_backwards: bool = False) -> Any:
    """The LSTM over all steps; returns Y (batch, time, 2·units) = [h_t, c_t] after each step,
    in processing order (see :mod:`keraslite.ops.recurrent` for the conventions).
    """
    y, grads = _core(x, h0, c0, [kernel], [recurrent_kernel], [bias], mask, [go_backwards],
                     activation, recurrent_activation)

    def vjp(g):
        out = grads(xp.ascontiguousarray(g.transpose(1, 0, 2))[:, None])
        return (out["dx"], out["dh0"][0], out["dc0"][0], out["dw"][0], out["du"][0],
                out["db"][0])

    return node(xp.ascontiguousarray(y[:, 0].transpose(1, 0, 2)),
                (x, h0, c0, kernel, recurrent_kernel, bias), vjp)


def lstm_bidirectional(x: Any, states: list, forward: tuple, backward: tuple, mask: Any = None,
                       activation: str = "tanh", recurrent_activation: str = "sigmoid") -> Any:
    """A forward and a backward LSTM over the same inputs, stepped together.

    Args:
        x: inputs (batch, time, features).
        states: ``[h0_forward, c0_forward, h0_backward, c0_backward]``.
        forward, backward: ``(kernel, recurrent_kernel, bias)`` of each direction (same units).
        mask: booleans (batch, time), or None.

    Returns:
        Y (batch, time, 4·units): ``Y[..., :2u]`` is the forward LSTM's ``lstm_sequence``
        output, ``Y[..., 2u:]`` the backward one's (``go_backwards=True``, processing order).
    """
    h0 = xp.stack([value_of(states[0]), value_of(states[2])])
    c0 = xp.stack([value_of(states[1]), value_of(states[3])])
    y, grads = _core(x, h0, c0, [forward[0], backward[0]], [forward[1], backward[1]],
                     [forward[2], backward[2]], mask, [False, True], activation,
                     recurrent_activation)
    steps, _, n, k2 = y.shape

    def vjp(g):
        g = xp.ascontiguousarray(g.reshape(n, steps, 2, k2).transpose(1, 2, 0, 3))
        out = grads(g)
        k = k2 // 2
        dh, dc = out["dh0"], out["dc0"]
        return (out["dx"], dh[0].reshape(n, k), dc[0], dh[1], dc[1],
                out["dw"][0], out["du"][0], out["db"][0],
                out["dw"][1], out["du"][1], out["db"][1])

    parents = (x, *states, *forward, *backward)
    return node(xp.ascontiguousarray(y.transpose(2, 0, 1, 3)).reshape(n, steps, 2 * k2),
                parents, vjp)
