"""Values, dtypes and edge cases of the NumPy-like ops added beyond the core set.

Gradients are checked in ``test_grad_ops.py``; here the forward results are compared with
NumPy (the reference Keras 3 follows), dtypes with what Keras 3 returns, and the ops are used
on symbolic inputs of a Functional model.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import keraslite as keras
from keraslite import ops

R = np.random.default_rng(7)
X = R.standard_normal((3, 4)).astype("float32")
X3 = R.standard_normal((2, 3, 4)).astype("float32")
XI = np.array([[1, 2, 3], [4, 5, 6]], dtype="int32")
POS = R.uniform(0.5, 2.0, (3, 4)).astype("float32")
UNIT = R.uniform(-0.9, 0.9, (3, 4)).astype("float32")


def val(t):
    return t.numpy() if hasattr(t, "numpy") else np.asarray(t)


SAME_AS_NUMPY = {
    "einsum": (lambda: ops.einsum("bij,bjk->bik", X3, X3.transpose(0, 2, 1)),
               lambda: np.einsum("bij,bjk->bik", X3, X3.transpose(0, 2, 1))),
    "einsum-implicit": (lambda: ops.einsum("ij,kj", X, X), lambda: np.einsum("ij,kj", X, X)),
    "outer": (lambda: ops.outer(X[0], X[1]), lambda: np.outer(X[0], X[1])),
    "tensordot": (lambda: ops.tensordot(X3, X, axes=([1, 2], [0, 1])),
                  lambda: np.tensordot(X3, X, axes=([1, 2], [0, 1]))),
    "norm": (lambda: ops.norm(X3), lambda: np.linalg.norm(X3)),
    "norm-nuc": (lambda: ops.norm(X, "nuc"), lambda: np.linalg.norm(X, "nuc")),
    "norm-2": (lambda: ops.norm(X, 2), lambda: np.linalg.norm(X, 2)),
    "norm-inf-rows": (lambda: ops.norm(X, np.inf), lambda: np.linalg.norm(X, np.inf)),
    "norm-p": (lambda: ops.norm(X, 3, axis=1), lambda: np.linalg.norm(X, 3, axis=1)),
    "norm-0": (lambda: ops.norm(X, 0, axis=0), lambda: np.linalg.norm(X, 0, axis=0)),
    "eye": (lambda: ops.eye(3, 4, k=1), lambda: np.eye(3, 4, 1)),
    "linspace": (lambda: ops.linspace(np.zeros(2), np.ones(2), 5, axis=1),
                 lambda: np.linspace(np.zeros(2), np.ones(2), 5, axis=1)),
    "cumsum": (lambda: ops.cumsum(X, axis=1), lambda: np.cumsum(X, axis=1)),
    "cumprod": (lambda: ops.cumprod(X), lambda: np.cumprod(X)),
    "prod": (lambda: ops.prod(X3, axis=(0, 2)), lambda: np.prod(X3, axis=(0, 2))),
    "sort": (lambda: ops.sort(X, axis=0), lambda: np.sort(X, axis=0)),
    "argsort": (lambda: ops.argsort(X), lambda: np.argsort(X)),
    "median": (lambda: ops.median(X3, axis=(0, 2)), lambda: np.median(X3, axis=(0, 2))),
    "pad-reflect": (lambda: ops.pad(X, ((2, 1), (0, 3)), "reflect"),
                    lambda: np.pad(X, ((2, 1), (0, 3)), "reflect")),
    "pad-circular": (lambda: ops.pad(X, 2, "circular"), lambda: np.pad(X, 2, "wrap")),
    "reciprocal": (lambda: ops.reciprocal(POS), lambda: 1 / POS),
    "rsqrt": (lambda: ops.rsqrt(POS), lambda: 1 / np.sqrt(POS)),
    "mod": (lambda: ops.mod(X, 0.7), lambda: np.mod(X, np.float32(0.7))),
    "floor_divide": (lambda: ops.floor_divide(-XI, 4), lambda: -XI // 4),
    "arctan2": (lambda: ops.arctan2(X, X[::-1]), lambda: np.arctan2(X, X[::-1])),
    "arccos": (lambda: ops.arccos(UNIT), lambda: np.arccos(UNIT)),
    "tril": (lambda: ops.tril(X3, -1), lambda: np.tril(X3, -1)),
    "diag": (lambda: ops.diag(X, -1), lambda: np.diag(X, -1)),
    "trace": (lambda: ops.trace(X3, 1, 0, 2), lambda: np.trace(X3, 1, 0, 2)),
    "roll": (lambda: ops.roll(X3, (1, -1), (0, 2)), lambda: np.roll(X3, (1, -1), (0, 2))),
    "moveaxis": (lambda: ops.moveaxis(X3, [0, 1], [2, 0]), lambda: np.moveaxis(X3, [0, 1], [2, 0])),
    "hstack": (lambda: ops.hstack([X, X]), lambda: np.hstack([X, X])),
    "vstack": (lambda: ops.vstack([X[0], X]), lambda: np.vstack([X[0], X])),
    "cross": (lambda: ops.cross(X3[..., :3], X3[..., 1:]), lambda: np.cross(X3[..., :3],
                                                                          X3[..., 1:])),
    "cross-2d": (lambda: ops.cross(X[:, :2], X[:, 2:]),
                 lambda: X[:, 0] * X[:, 3] - X[:, 1] * X[:, 2]),
    "average": (lambda: ops.average(X, 1, weights=POS[0]), lambda: np.average(X, 1, POS[0])),
    "isclose": (lambda: ops.isclose(X, X + 1e-6), lambda: np.isclose(X, X + 1e-6)),
    "round": (lambda: ops.round(X, 2), lambda: np.round(X, 2)),
    "slice": (lambda: ops.slice(X3, (0, 1, 1), (2, -1, 2)), lambda: X3[0:2, 1:, 1:3]),
    "max-initial": (lambda: ops.max(X, axis=1, initial=0.5),
                    lambda: np.max(X, axis=1, initial=0.5)),
}


@pytest.mark.parametrize("name", sorted(SAME_AS_NUMPY))
def test_values_match_numpy(name):
    ours, reference = SAME_AS_NUMPY[name]
    np.testing.assert_allclose(val(ours()), reference(), rtol=2e-5, atol=1e-6)


def test_erf_matches_math_erf_to_relative_precision():
    x = np.array([-30.0, -2.5, -0.5, -1e-6, 0.0, 1e-9, 0.2, 0.49, 0.51, 1.5, 6.0])
    expected = np.array([math.erf(t) for t in x])
    ours = ops.erf(x).numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-15, atol=0)
    assert ops.erf(XI).dtype == np.float32


@pytest.mark.parametrize(("fn", "kind"), [
    (lambda: ops.reciprocal(XI), "float32"), (lambda: ops.log2(XI), "float32"),
    (lambda: ops.tan(XI), "float32"), (lambda: ops.norm(XI), "float32"),
    (lambda: ops.median(XI), "float32"), (lambda: ops.average(XI), "float32"),
    (lambda: ops.var(XI), "float32"), (lambda: ops.floor(XI), "float32"),
    (lambda: ops.mod(XI, 2.5), "float32"), (lambda: ops.linspace(0, 1, 3), "float32"),
    (lambda: ops.eye(2), "float32"), (lambda: ops.identity(2), "float32"),
    (lambda: ops.mod(XI, 4), "i"), (lambda: ops.floor_divide(XI, 4), "i"),
    (lambda: ops.cumsum(XI), "i"), (lambda: ops.prod(XI), "i"), (lambda: ops.round(XI, -1), "i"),
    (lambda: ops.einsum("ij,kj->ik", XI, XI), "i"), (lambda: ops.sort(XI), "i"),
    (lambda: ops.top_k(XI, 2)[0], "i"), (lambda: ops.count_nonzero(XI), "i"),
    (lambda: ops.full_like(XI, 2.5), "i"), (lambda: ops.all(XI), "b"),
    (lambda: ops.isinf(X), "b"), (lambda: ops.in_top_k(np.array([0]), X[:1], 1), "b"),
])
def test_output_dtypes_follow_keras(fn, kind):
    dtype = fn().dtype
    assert dtype == kind if len(kind) > 1 else dtype.kind == kind


def test_top_k_and_in_top_k():
    x = np.array([[1.0, 3.0, 3.0, 0.5], [4.0, -1.0, 2.0, 2.0]])
    values, indices = ops.top_k(x, 2)
    np.testing.assert_array_equal(values.numpy(), [[3.0, 3.0], [4.0, 2.0]])
    np.testing.assert_array_equal(indices.numpy(), [[1, 2], [0, 2]])  # ties: lower index first
    # Ties at the boundary count as in the top k; a NaN prediction never does.
    np.testing.assert_array_equal(ops.in_top_k(np.array([2, 3]), x, 2).numpy(), [True, True])
    np.testing.assert_array_equal(ops.in_top_k(np.array([0, 1]), x, 2).numpy(), [False, False])
    nan = np.array([[np.nan, 1.0, 2.0]])
    assert not ops.in_top_k(np.array([0]), nan, 2).numpy()[0]


def test_multi_hot():
    np.testing.assert_array_equal(ops.multi_hot(np.array([[0, 2], [1, 1]]), 4).numpy(),
                                  [[1, 0, 1, 0], [0, 1, 0, 0]])
    np.testing.assert_array_equal(ops.multi_hot(np.array([3, 0]), num_classes=4).numpy(),
                                  [1, 0, 0, 1])
    with pytest.raises(ValueError, match="num_classes"):
        ops.multi_hot(np.array([1]))


def test_linspace_retstep_and_integers():
    samples, step = ops.linspace(0.0, 1.0, 5, retstep=True)
    np.testing.assert_allclose(samples.numpy(), np.linspace(0, 1, 5))
    assert float(step) == pytest.approx(0.25)
    np.testing.assert_array_equal(ops.linspace(0, 10, 5, dtype="int32").numpy(), [0, 2, 5, 7, 10])


def test_inspection_ops():
    assert ops.ndim(X3) == 3 and ops.size(X3) == 24
    assert ops.is_tensor(ops.convert_to_tensor(X)) and not ops.is_tensor(X)
    a = keras.Input(shape=(3, 4))
    assert ops.ndim(a) == 3 and ops.size(a) is None


def test_unstack_split_and_copy():
    parts = ops.unstack(X3, axis=-1)
    assert len(parts) == 4 and parts[1].shape == (2, 3)
    np.testing.assert_array_equal(parts[1].numpy(), X3[..., 1])
    with pytest.raises(ValueError, match="num"):
        ops.unstack(X3, num=3)
    c = ops.copy(X)
    assert c.numpy() is not X and np.array_equal(c.numpy(), X)


def test_pad_errors_name_the_fix():
    with pytest.raises(ValueError, match="mode"):
        ops.pad(X, 1, mode="mean")
    with pytest.raises(ValueError, match="constant_values"):
        ops.pad(X, 1, mode="edge", constant_values=1.0)


def test_norm_rejects_bad_arguments():
    with pytest.raises(ValueError, match="axis"):
        ops.norm(X3, ord=1)
    with pytest.raises(ValueError, match="ord"):
        ops.norm(X, ord=3)
    with pytest.raises(ValueError, match="matrix norm"):
        ops.norm(X[0], ord="nuc")


def test_max_min_initial():
    np.testing.assert_allclose(ops.min(X, initial=10.0).numpy(), X.min())
    np.testing.assert_allclose(ops.max(np.zeros((0, 2)), axis=0, initial=1.0).numpy(), [1, 1])
    x = keras.Tensor(np.array([0.1, 0.2]), requires_grad=True)
    with keras.GradientTape() as tape:
        y = ops.max(x, initial=1.0)  # initial wins: no gradient reaches x
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 0.0])


def test_new_ops_on_symbolic_inputs_build_a_functional_model():
    inputs = keras.Input(shape=(4,))
    hidden = keras.layers.Dense(4)(inputs)
    mixed = ops.einsum("bi,bj->bij", hidden, inputs)
    feats = ops.concatenate([ops.norm(mixed, axis=(1, 2))[:, None], ops.cumsum(hidden, axis=1),
                             ops.flip(ops.sort(inputs, axis=-1), axis=-1)], axis=-1)
    values, _ = ops.top_k(feats, 3)
    outputs = keras.layers.Dense(1)(ops.tanh(values))
    model = keras.Model(inputs, outputs)
    data = R.standard_normal((5, 4)).astype("float32")
    prediction = model.predict(data, verbose=0)
    assert prediction.shape == (5, 1) and np.all(np.isfinite(prediction))
    np.testing.assert_allclose(model(data).numpy(), prediction, rtol=1e-5)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(data, np.zeros((5, 1), "float32"), epochs=1, verbose=0)
