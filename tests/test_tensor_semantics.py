"""Python and NumPy semantics of eager Tensors and Variables, as in Keras 3 / TF eager / NumPy.

``==`` compares element-wise, f-strings format scalar values, NumPy functions accept Tensors,
and the arithmetic operators (``//``, ``%``, ``divmod`` ...) exist. Tensors stay hashable by
identity, and keraslite's own bookkeeping (layers, tapes, optimizers) must not confuse two
variables that merely hold equal values.
"""

from __future__ import annotations

import numpy as np
import pytest

import keraslite as keras
from keraslite import ops
from keraslite.autodiff import GradientTape, Tensor, Variable
from keraslite.autodiff.gradcheck import check_gradients


def T(values, dtype=None):
    return ops.convert_to_tensor(values, dtype=dtype)


# -- equality -------------------------------------------------------------------------------
def test_eq_and_ne_are_elementwise_boolean_tensors():
    a, b = T([1.0, 2.0, 3.0]), T([1.0, 0.0, 3.0])
    eq, ne = a == b, a != b
    assert isinstance(eq, Tensor) and eq.dtype == bool
    np.testing.assert_array_equal(eq.numpy(), [True, False, True])
    np.testing.assert_array_equal(ne.numpy(), [False, True, False])
    np.testing.assert_array_equal((a == 2).numpy(), [False, True, False])
    np.testing.assert_array_equal((2 == a).numpy(), [False, True, False])
    np.testing.assert_array_equal((a == np.array([1.0, 1.0, 1.0])).numpy(), [True, False, False])
    np.testing.assert_array_equal((np.array([1.0, 1.0, 1.0]) == a).numpy(), [True, False, False])
    np.testing.assert_array_equal((np.float32(3) == a).numpy(), [False, False, True])


def test_handwritten_accuracy_counts_matches():
    probs = T([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    labels = T([0, 1, 1, 1])
    accuracy = ops.mean(ops.cast(ops.argmax(probs, axis=1) == labels, "float32"))
    assert float(accuracy) == pytest.approx(0.75)
    assert float(np.mean(ops.argmax(probs, axis=1) == labels)) == pytest.approx(0.75)


def test_eq_with_non_numbers_falls_back_to_identity():
    t = T([1.0, 2.0])
    assert (t == None) is False  # noqa: E711 - the comparison under test
    assert (t != None) is True  # noqa: E711
    assert (t == "text") is False
    assert (t == object()) is False


def test_variables_compare_elementwise():
    v, w = Variable(np.array([1.0, 2.0])), Variable(np.array([1.0, 5.0]))
    np.testing.assert_array_equal((v == w).numpy(), [True, False])
    np.testing.assert_array_equal((v != 1.0).numpy(), [False, True])


def test_tensors_stay_hashable_by_identity():
    a, b = T(1.0), T(1.0)
    table = {a: "a", b: "b"}
    assert table[a] == "a" and table[b] == "b"
    assert len({a, b}) == 2
    assert hash(a) != hash(b)
    v = Variable(np.zeros(3))
    assert {v: 1}[v] == 1


def test_bool_of_one_element_and_ambiguous_truth():
    assert bool(T(2.0) > 1)
    assert not bool(T([0.0]))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(T([1.0, 2.0]) == T([1.0, 2.0]))
    with pytest.raises(ValueError, match="ambiguous"):
        if T([1.0, 2.0]) > 0:
            pass


# -- keraslite's bookkeeping must not compare variables by value ------------------------------
class TwinScalars(keras.layers.Layer):
    """Two weights that start with equal values (an `in` check by value would merge them)."""

    def build(self, input_shape):
        self.a = self.add_weight(shape=(), initializer="ones", name="a")
        self.b = self.add_weight(shape=(), initializer="ones", name="b")
        self.c = self.add_weight(shape=(1,), initializer="ones", name="c")

    def call(self, x):
        return x * self.a + 2.0 * x * self.b + 3.0 * x * self.c


def test_layer_tracks_equal_valued_weights_separately():
    layer = TwinScalars()
    layer.build((None, 1))
    assert len(layer.trainable_weights) == 3
    assert [w.name for w in layer.weights] == ["a", "b", "c"]


def test_tape_and_optimizer_keep_equal_valued_variables_apart():
    layer = TwinScalars()
    x = T([[1.0], [2.0]])
    layer(x)
    with GradientTape() as tape:
        loss = ops.sum(layer(x))
    grads = tape.gradient(loss, layer.trainable_weights)
    np.testing.assert_allclose([float(ops.sum(g)) for g in grads], [3.0, 6.0, 9.0])
    optimizer = keras.optimizers.SGD(learning_rate=0.1)
    optimizer.apply_gradients(zip(grads, layer.trainable_weights))
    np.testing.assert_allclose([float(ops.sum(w)) for w in layer.trainable_weights],
                               [1 - 0.3, 1 - 0.6, 1 - 0.9], rtol=1e-6)


def test_fit_trains_every_equal_valued_weight():
    model = keras.Sequential([keras.Input((1,)), TwinScalars()])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    x = np.linspace(-1, 1, 16).reshape(-1, 1).astype("float32")
    model.fit(x, 3 * x, epochs=2, verbose=0)
    values = [float(ops.sum(w)) for w in model.layers[-1].weights]
    assert len(set(values)) == 3  # each moved by its own gradient


def test_save_and_load_weights_keep_equal_valued_variables(tmp_path):
    model = keras.Sequential([keras.Input((1,)), TwinScalars()])
    for i, w in enumerate(model.weights):
        w.assign(np.full(w.shape, float(i)))
    path = str(tmp_path / "twins.weights.h5")
    model.save_weights(path)
    clone = keras.Sequential([keras.Input((1,)), TwinScalars()])
    clone.load_weights(path)
    assert [float(ops.sum(w)) for w in clone.weights] == [0.0, 1.0, 2.0]


# -- printing and formatting ------------------------------------------------------------------
def test_format_scalar_like_its_value():
    loss = ops.mean(T([0.25, 0.5]))
    assert f"{loss:.4f}" == "0.3750"
    assert format(loss, ".2e") == format(0.375, ".2e")
    assert f"{T(7, 'int32'):03d}" == "007"
    assert f"{Variable(np.array(1.5)):.1f}" == "1.5"
    assert f"{loss}" == str(loss)


def test_format_of_an_array_with_a_spec_fails_like_numpy():
    with pytest.raises(TypeError):
        format(T([1.0, 2.0]), ".2f")


def test_str_shows_the_value_first_and_repr_is_unchanged():
    loss = T(0.5)
    assert str(loss) == "Tensor(0.5, shape=(), dtype=float32)"
    assert repr(loss) == "<Tensor shape=(), dtype=float32, value=0.5>"
    assert "[[1. 2.]\n [3. 4.]]" in str(T([[1.0, 2.0], [3.0, 4.0]]))
    v = Variable(np.zeros(2), name="kernel")
    assert str(v) == repr(v) and "kernel" in str(v)


# -- NumPy functions on Tensors ---------------------------------------------------------------
X = np.array([[1.0, -2.5, 3.25], [0.5, 4.0, -1.0]], dtype="float32")


@pytest.mark.parametrize("fn", [np.mean, np.sum, np.std, np.var, np.max, np.min, np.argmax,
                                np.argmin])
def test_numpy_reductions_accept_tensors(fn):
    np.testing.assert_allclose(np.asarray(fn(T(X))), fn(X), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(fn(T(X), axis=1)), fn(X, axis=1), rtol=1e-6)


def test_numpy_keywords_and_conversions():
    t = T(X)
    np.testing.assert_allclose(np.asarray(np.mean(t, axis=0, keepdims=True)),
                               np.mean(X, axis=0, keepdims=True))
    assert np.asarray(np.sum(t, dtype="float64")).dtype == np.float64
    np.testing.assert_allclose(np.asarray(np.std(t, ddof=1)), np.std(X, ddof=1), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(np.round(t * 1.2345, 3)), np.round(X * 1.2345, 3))
    np.testing.assert_array_equal(np.array(t), X)
    np.testing.assert_array_equal(np.asarray(t, dtype="float64"), X.astype("float64"))
    assert isinstance(np.mean(t), Tensor)
    with pytest.raises(TypeError, match="out"):
        np.mean(t, out=np.zeros(()))


def test_tensor_methods_keep_gradients():
    check_gradients(lambda x: x.mean(axis=0), [np.random.default_rng(0).normal(size=(3, 2))])
    check_gradients(lambda x: x.std(axis=1, ddof=1), [np.random.default_rng(1).normal(size=(2, 4))])
    check_gradients(lambda x: x.astype("float64").sum(), [np.random.default_rng(2).normal(size=3)])


# -- operators ---------------------------------------------------------------------------------
def test_floor_divide_mod_and_divmod_match_numpy():
    a = np.array([7.0, -7.0, 5.5, -0.5], dtype="float32")
    b = np.array([2.0, 2.0, -2.0, 3.0], dtype="float32")
    np.testing.assert_array_equal((T(a) // T(b)).numpy(), a // b)
    np.testing.assert_array_equal((T(a) % T(b)).numpy(), a % b)
    np.testing.assert_array_equal((T(a) // 2).numpy(), a // 2)
    np.testing.assert_array_equal((7 // T(b)).numpy(), 7 // b)
    np.testing.assert_array_equal((7 % T(b)).numpy(), 7 % b)
    q, r = divmod(T(a), T(b))
    np.testing.assert_array_equal(q.numpy(), a // b)
    np.testing.assert_array_equal(r.numpy(), a % b)
    q, r = divmod(9, T(b))
    np.testing.assert_array_equal(r.numpy(), 9 % b)
    ints = T([7, -7], "int32") // 2
    assert ints.dtype == np.int32
    np.testing.assert_array_equal(ints.numpy(), [3, -4])


def test_mod_gradient_and_floor_divide_has_none():
    rng = np.random.default_rng(3)
    b = rng.uniform(0.5, 2.0, (3, 4))
    a = (rng.integers(-3, 3, (3, 4)) + rng.uniform(0.2, 0.8, (3, 4))) * b  # away from jumps
    check_gradients(lambda x, y: x % y, [a, b])
    check_gradients(lambda x: x % 1.5, [a[0] + 0.1])
    x = Variable(a)
    with GradientTape() as tape:
        out = ops.sum(x // 2.0)
    assert tape.gradient(out, x) is None


def test_common_array_attributes_and_python_protocols():
    t = T(X)
    assert t.ndim == 2 and t.size == 6 and len(t) == 2
    assert t.T.shape == (3, 2) and t.transpose().shape == (3, 2)
    assert t.transpose(1, 0).shape == (3, 2) and t.flatten().shape == (6,)
    assert t.astype("int32").dtype == np.int32
    np.testing.assert_array_equal(abs(t).numpy(), np.abs(X))
    rows = list(t)
    assert len(rows) == 2 and all(isinstance(r, Tensor) for r in rows)
    np.testing.assert_array_equal(rows[1].numpy(), X[1])
    assert 4.0 in t and 9.0 not in t
    assert round(T(2.6)) == 3 and round(T(1.23456), 2) == pytest.approx(1.23)
    np.testing.assert_array_equal(round(t).numpy(), np.round(X))
    assert list(range(T(3, "int32"))) == [0, 1, 2]
    assert ["a", "b", "c"][T(1, "int64")] == "b"
    with pytest.raises(TypeError, match="0-d"):
        iter(T(1.0))


def test_iteration_and_boolean_mask_pass_gradients():
    x = Variable(X.astype("float64"))
    with GradientTape() as tape:
        loss = sum(ops.sum(row * row) for row in x) + ops.sum(x[x > 0])
    np.testing.assert_allclose(tape.gradient(loss, x), 2 * X + (X > 0))
    check_gradients(lambda v: v[np.asarray(X > 0)], [X.astype("float64")])


def test_logical_operators_on_boolean_tensors():
    a, b = T([True, True, False]), T([True, False, False])
    np.testing.assert_array_equal((a & b).numpy(), [True, False, False])
    np.testing.assert_array_equal((a | b).numpy(), [True, True, False])
    np.testing.assert_array_equal((a ^ b).numpy(), [False, True, False])
    np.testing.assert_array_equal((~a).numpy(), [False, False, True])
    t = T([1.0, 5.0, 3.0])
    np.testing.assert_array_equal(((t > 2) & (t < 4)).numpy(), [False, False, True])


# -- symbolic KerasTensors --------------------------------------------------------------------
def test_keras_tensor_equality_stays_identity_and_truth_is_refused():
    x, y = keras.Input((3,)), keras.Input((3,))
    assert (x == y) is False and (x == x) is True and (x != y) is True
    assert x in [y, x] and [y, x].index(x) == 1
    with pytest.raises(TypeError, match="boolean"):
        bool(x > 0)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # shape inference on zeros
def test_keras_tensor_operators_build_layers():
    x = keras.Input((3,))
    outputs = [x ** 2, 2.0 / (x + 3.0), abs(x), ops.cast(x > 0, "float32")]
    if hasattr(ops, "floor_divide") and hasattr(ops, "mod"):
        outputs += [x // 2.0, x % 2.0]
    model = keras.Model(x, outputs)
    data = np.array([[-1.5, 0.5, 3.0]], dtype="float32")
    results = model.predict(data, verbose=0)
    expected = [data ** 2, 2.0 / (data + 3.0), np.abs(data), (data > 0).astype("float32"),
                data // 2.0, data % 2.0]
    for got, want in zip(results, expected):
        np.testing.assert_allclose(got, want, rtol=1e-6)
