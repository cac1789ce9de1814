"""Gradient checks (float64) for the recurrent ops and layers, Embedding and Masking.

The fused ops of :mod:`keraslite.ops.recurrent` are checked against central differences and
against the same cell composed from plain ops on the tape (the generic ``RNN`` loop), through
time steps, masks, initial states and ``go_backwards``.
"""

from __future__ import annotations

import gc

import numpy as np
import pytest

from keraslite import layers, ops
from keraslite.autodiff import backward, recording
from keraslite.autodiff.gradcheck import check_gradients
from keraslite.autodiff.tensor import Tensor
from keraslite.ops import recurrent

R = np.random.default_rng(5)
N, T, D, H = 3, 4, 2, 3
MASK = np.array([[1, 1, 1, 1], [1, 1, 0, 0], [0, 1, 1, 0]], bool)


def _rand(*shape, scale=0.6):
    return R.normal(size=shape) * scale


@pytest.mark.parametrize("backwards", [False, True], ids=["fwd", "bwd"])
@pytest.mark.parametrize("mask", [None, MASK], ids=["nomask", "mask"])
def test_simple_rnn_op(backwards, mask):
    args = [_rand(N, T, D), _rand(N, H), _rand(D, H), _rand(H, H), _rand(H)]
    check_gradients(lambda x, h, w, u, b: recurrent.simple_rnn_sequence(
        x, h, w, u, b, mask, "tanh", backwards), args, full=False)


@pytest.mark.parametrize("last_only", [False, True], ids=["all", "last"])
@pytest.mark.parametrize("acts", [("tanh", "sigmoid"), ("relu", "hard_sigmoid")])
@pytest.mark.parametrize("backwards", [False, True], ids=["fwd", "bwd"])
@pytest.mark.parametrize("mask", [None, MASK], ids=["nomask", "mask"])
def test_lstm_op(backwards, mask, acts, last_only):
    args = [_rand(N, T, D), _rand(N, H), _rand(N, H), _rand(D, 4 * H), _rand(H, 4 * H),
            _rand(4 * H)]
    check_gradients(lambda x, h, c, w, u, b: recurrent.lstm_sequence(
        x, h, c, w, u, b, mask, acts[0], acts[1], backwards, last_only), args, full=False)


@pytest.mark.parametrize("last_only", [False, True], ids=["all", "last"])
@pytest.mark.parametrize("features", [D, 1], ids=["d2", "d1"])
@pytest.mark.parametrize("backwards", [False, True], ids=["fwd", "bwd"])
@pytest.mark.parametrize("mask", [None, MASK], ids=["nomask", "mask"])
def test_gru_op(backwards, mask, features, last_only):
    args = [_rand(N, T, features), _rand(N, H), _rand(features, 3 * H), _rand(H, 3 * H),
            _rand(3 * H), _rand(3 * H)]
    check_gradients(lambda x, h, w, u, b, rb: recurrent.gru_sequence(
        x, h, w, u, b, rb, mask, "tanh", "sigmoid", backwards, last_only), args, full=False)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_last_only_is_the_last_step(kind):
    x, h = _rand(N, T, D), _rand(N, H)
    if kind == "lstm":
        args = [x, h, _rand(N, H), _rand(D, 4 * H), _rand(H, 4 * H), _rand(4 * H)]
        op = recurrent.lstm_sequence
    else:
        args = [x, h, _rand(D, 3 * H), _rand(H, 3 * H), _rand(3 * H), _rand(3 * H)]
        op = recurrent.gru_sequence
    full = op(*args, mask=MASK).value
    np.testing.assert_array_equal(op(*args, mask=MASK, last_only=True).value, full[:, -1:])



@pytest.mark.parametrize("batch", [1, 3])
def test_ops_results_do_not_share_reused_buffers(batch):
    """Outputs and gradients stay valid after later calls reuse the ops' scratch buffers."""
    def run(seed):
        rng = np.random.default_rng(seed)
        lstm = [rng.normal(size=s) * 0.6 for s in
                [(batch, T, D), (batch, H), (batch, H), (D, 4 * H), (H, 4 * H), (4 * H,)]]
        gru = [rng.normal(size=s) * 0.6 for s in
               [(batch, T, D), (batch, H), (D, 3 * H), (H, 3 * H), (3 * H,), (3 * H,)]]
        outs = []
        for op, args in ((recurrent.lstm_sequence, lstm), (recurrent.gru_sequence, gru)):
            ts = [Tensor(a, requires_grad=True) for a in args]
            with recording():
                y = op(*ts)
            outs.append([y.value, *y.vjp(np.ones_like(y.value)), op(*args).value])
        return outs

    first = run(0)
    kept = [[None if a is None else a.copy() for a in out] for out in first]
    gc.collect()
    run(1)
    run(2)
    for out, copy in zip(first, kept):
        for a, b in zip(out, copy):
            if a is not None:
                np.testing.assert_array_equal(a, b)


def test_workspace_reuses_buffers_within_its_limits():
    from keraslite.ops.workspace import Workspace

    ws = Workspace(per_key=1, max_bytes=1000)
    a = ws.take((10, 10), "float32")  # 400 bytes
    b = ws.take((10, 10), "float32")
    ws.give(a, b)  # one kept per key
    assert ws.take((10, 10), "float32") is a
    assert ws.take((10, 10), "float32") is not b
    big = ws.take((20, 20), "float32")  # 1600 bytes: over the limit, not kept
    ws.give(big)
    assert ws.take((20, 20), "float32") is not big

def _grads(layer, x, mask, seed):
    """Outputs and gradients (inputs and weights) of a scalar projection of the outputs."""
    xt = Tensor(x, requires_grad=True)
    with recording():
        out = layer(xt, mask=None if mask is None else Tensor(mask))
        outs = list(out) if isinstance(out, tuple) else [out]
        total = None
        for o in outs:
            term = ops.sum(ops.multiply(o, seed[:o.size].reshape(o.shape)))
            total = term if total is None else ops.add(total, term)
    grads = backward(total, [xt] + layer.trainable_variables)
    return [o.value for o in outs], grads


KINDS = [(layers.SimpleRNN, {}), (layers.LSTM, {}), (layers.GRU, {}),
         (layers.GRU, {"reset_after": False})]


@pytest.mark.parametrize("options", [
    {}, {"return_sequences": True}, {"go_backwards": True, "return_state": True},
    {"return_sequences": True, "zero_output_for_mask": True}])
@pytest.mark.parametrize("masked", [False, True], ids=["nomask", "mask"])
@pytest.mark.parametrize("kind", KINDS, ids=["simple", "lstm", "gru", "gru-reset-before"])
def test_fused_layer_matches_tape_cell(float64, kind, masked, options):
    cls, extra = kind
    layer = cls(H, **extra, **options)
    x = _rand(N, T, D)
    layer.build((N, T, D))
    for v in layer.trainable_variables:
        v.assign(_rand(*v.shape))
    mask = MASK if masked else None
    seed = R.normal(size=N * T * H * 2)
    fused_out, fused_grads = _grads(layer, x, mask, seed)
    layer._fused = lambda *a: None  # the cell on the tape
    tape_out, tape_grads = _grads(layer, x, mask, seed)
    for a, b in zip(fused_out, tape_out):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    for a, b in zip(fused_grads, tape_grads):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("kind", KINDS[:3], ids=["simple", "lstm", "gru"])
def test_layer_gradients_with_initial_state_and_mask(float64, kind):
    cls, extra = kind
    layer = cls(H, return_sequences=True, **extra)
    layer.build((N, T, D))
    for v in layer.trainable_variables:
        v.assign(_rand(*v.shape))
    n_states = 2 if cls is layers.LSTM else 1

    def fn(x, *states):
        return layer(x, initial_state=list(states), mask=Tensor(MASK))

    check_gradients(fn, [_rand(N, T, D)] + [_rand(N, H) for _ in range(n_states)],
                    variables=layer.trainable_variables, full=False)


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave"])
def test_bidirectional_gradients(float64, merge_mode):
    layer = layers.Bidirectional(layers.LSTM(2, return_sequences=True), merge_mode=merge_mode)
    layer.build((N, T, D))
    for v in layer.trainable_variables:
        v.assign(_rand(*v.shape))
    check_gradients(lambda x: layer(x, mask=Tensor(MASK)), [_rand(N, T, D)],
                    variables=layer.trainable_variables, full=False)


def test_custom_cell_on_the_tape_and_stacked_cells(float64):
    class MinimalRNNCell(layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                    name="recurrent_kernel")

        def call(self, inputs, states):
            h = ops.matmul(inputs, self.kernel)
            out = ops.tanh(h + ops.matmul(states[0], self.recurrent_kernel))
            return out, [out]

    layer = layers.RNN([MinimalRNNCell(3), layers.LSTMCell(2)], return_sequences=True)
    layer.build((N, T, D))
    for v in layer.trainable_variables:
        v.assign(_rand(*v.shape))
    assert len(layer.trainable_variables) == 5
    check_gradients(lambda x: layer(x, mask=Tensor(MASK)), [_rand(N, T, D)],
                    variables=layer.trainable_variables, full=False)


def test_embedding_masking_time_distributed_gradients(float64):
    emb = layers.Embedding(6, 3)
    emb.build()
    ids = np.array([[1, 5, 5, 0], [2, 2, 3, 4]])
    check_gradients(lambda: emb(ids), [], variables=emb.trainable_variables)
    mask_layer = layers.Masking(0.0)
    x = _rand(N, T, D)
    check_gradients(mask_layer, [x])  # (a padded step is a kink: perturbing it unmasks it)
    x[1, 2:] = 0.0
    out = mask_layer(x)
    np.testing.assert_array_equal(out._keras_mask.value, np.any(x != 0, axis=-1))
    td = layers.TimeDistributed(layers.Dense(2, activation="tanh"))
    td.build((N, T, D))
    check_gradients(td, [x], variables=td.trainable_variables)


def test_stateful_matches_keras_eager_calls():
    import sys
    from pathlib import Path

    golden = Path(__file__).parent / "golden"
    sys.path.insert(0, str(golden))
    from rnn_specs import lstm_stateful

    import keraslite

    with np.load(golden / "stateful.npz") as f:
        g = {k: f[k] for k in f.files}
    model = lstm_stateful(keraslite)
    model.set_weights([g[f"w_in_{i}"] for i in range(len(model.get_weights()))])
    tol = dict(rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model(g["x"]).value, g["call_0"], **tol)
    np.testing.assert_allclose(model(g["x"]).value, g["call_1"], **tol)
    np.testing.assert_allclose(model.layers[0].states[1].value, g["state_1"], **tol)
    for layer in model.layers[:2]:
        layer.reset_states()
    np.testing.assert_allclose(model(g["x"]).value, g["call_2"], **tol)
    with pytest.raises(ValueError, match="stateful"):
        model(g["x"][:2])
