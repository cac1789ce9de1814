"""``keraslite.random``, as Keras 3's ``keras.random``: draws, seeds and SeedGenerator.

Seeds behave as Keras documents: an int seed gives the same values on every call, a
SeedGenerator new values on each call (a sequence fixed by its seed), and ``seed=None`` the
global generator that ``keras.utils.set_random_seed`` re-seeds.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import keraslite as keras
from keraslite import ops
from keraslite import random as krandom
from keraslite.autodiff import GradientTape, Tensor, Variable
from keraslite.autodiff.gradcheck import check_gradients

SHAPED = [
    lambda seed: krandom.normal((3, 4), seed=seed),
    lambda seed: krandom.uniform((3, 4), seed=seed),
    lambda seed: krandom.truncated_normal((3, 4), seed=seed),
    lambda seed: krandom.randint((3, 4), 0, 1000, seed=seed),
    lambda seed: krandom.gamma((3, 4), 2.0, seed=seed),
    lambda seed: krandom.beta((3, 4), 2.0, 3.0, seed=seed),
    lambda seed: krandom.binomial((3, 4), 10, 0.5, seed=seed),
    lambda seed: krandom.shuffle(np.arange(12.0).reshape(3, 4), seed=seed),
    lambda seed: krandom.dropout(np.ones((3, 4)), 0.5, seed=seed),
    lambda seed: krandom.categorical(np.zeros((3, 5)), 4, seed=seed),
]
NAMES = ["normal", "uniform", "truncated_normal", "randint", "gamma", "beta", "binomial",
         "shuffle", "dropout", "categorical"]


def values(t):
    assert isinstance(t, Tensor)
    return np.asarray(t)


@pytest.mark.parametrize(("name", "draw"), list(zip(NAMES, SHAPED)), ids=NAMES)
def test_int_seed_repeats_and_generator_advances(name, draw):
    first = values(draw(7))
    np.testing.assert_array_equal(values(draw(7)), first)
    assert first.shape[:1] == (3,)
    gen_a, gen_b = krandom.SeedGenerator(11), krandom.SeedGenerator(11)
    a1, a2 = values(draw(gen_a)), values(draw(gen_a))
    np.testing.assert_array_equal(values(draw(gen_b)), a1)  # same seed, same sequence
    np.testing.assert_array_equal(values(draw(gen_b)), a2)
    if name not in ("binomial", "categorical", "dropout"):  # few distinct outcomes
        assert not np.array_equal(a1, a2)  # ...but a new draw on each call


@pytest.mark.parametrize("draw", SHAPED, ids=NAMES)
def test_global_seed_makes_unseeded_draws_repeatable(draw):
    keras.utils.set_random_seed(123)
    first = values(draw(None))
    keras.utils.set_random_seed(123)
    np.testing.assert_array_equal(values(draw(None)), first)


def test_unseeded_draws_differ_between_calls():
    keras.utils.set_random_seed(5)
    assert not np.array_equal(values(krandom.normal((8,))), values(krandom.normal((8,))))


def test_seed_generator_state_config_and_default_seed():
    gen = krandom.SeedGenerator(42, name="noise")
    assert isinstance(gen.state, Variable) and not gen.state.trainable
    assert gen.state.value.tolist() == [42, 0]
    krandom.uniform((2,), seed=gen)
    assert gen.state.value.tolist() == [42, 1]
    assert gen.get_config() == {"seed": 42, "name": "noise"}
    clone = krandom.SeedGenerator.from_config(gen.get_config())
    np.testing.assert_array_equal(values(krandom.normal((3,), seed=clone)),
                                  values(krandom.normal((3,), seed=krandom.SeedGenerator(42))))
    keras.utils.set_random_seed(9)
    a = values(krandom.normal((4,), seed=krandom.SeedGenerator()))
    keras.utils.set_random_seed(9)
    np.testing.assert_array_equal(values(krandom.normal((4,), seed=krandom.SeedGenerator())), a)


@pytest.mark.parametrize("seed", [1.5, "3", [1, 2], True])
def test_bad_seed_is_refused(seed):
    with pytest.raises(ValueError, match="seed"):
        krandom.normal((2,), seed=seed)


def test_dtypes_default_to_floatx_and_are_checked():
    assert krandom.normal((2,)).dtype == np.float32
    assert krandom.uniform((2,), dtype="float64").dtype == np.float64
    assert krandom.binomial((2,), 5, 0.5).dtype == np.float32
    assert krandom.randint((2,), 0, 5).dtype == np.int32
    assert krandom.categorical(np.zeros((2, 3)), 2).dtype == np.int32
    assert krandom.normal(3).shape == (3,)
    with pytest.raises(ValueError, match="floating point"):
        krandom.uniform((2,), dtype="int32")
    with pytest.raises(ValueError, match="None"):
        krandom.normal((None, 2))


def test_distributions_have_the_documented_moments():
    n = 200_000
    x = values(krandom.normal((n,), mean=2.0, stddev=3.0, seed=1))
    assert abs(x.mean() - 2.0) < 0.05 and abs(x.std() - 3.0) < 0.05
    u = values(krandom.uniform((n,), minval=-1.0, maxval=3.0, seed=2))
    assert u.min() >= -1.0 and u.max() < 3.0 and abs(u.mean() - 1.0) < 0.02
    t = values(krandom.truncated_normal((n,), mean=1.0, stddev=0.5, seed=3))
    assert t.min() >= 0.0 and t.max() <= 2.0 and abs(t.std() - 0.5 * 0.8796) < 0.01
    r = values(krandom.randint((n,), 3, 7, seed=4))
    assert set(np.unique(r)) == {3, 4, 5, 6}
    g = values(krandom.gamma((n,), 3.0, seed=5))
    assert abs(g.mean() - 3.0) < 0.05
    b = values(krandom.beta((n,), 2.0, 6.0, seed=6))
    assert 0 <= b.min() and b.max() <= 1 and abs(b.mean() - 0.25) < 0.01
    k = values(krandom.binomial((n,), 10, 0.3, seed=7))
    assert abs(k.mean() - 3.0) < 0.05 and np.all(k == np.round(k))


def test_categorical_follows_softmax_of_logits():
    probs = np.array([[0.7, 0.2, 0.1, 0.0], [0.25, 0.25, 0.25, 0.25]])
    with np.errstate(divide="ignore"):
        logits = np.log(probs)
    samples = values(krandom.categorical(logits, 40_000, seed=8))
    assert samples.shape == (2, 40_000)
    for row, p in zip(samples, probs):
        np.testing.assert_allclose(np.bincount(row, minlength=4) / row.size, p, atol=0.01)


def test_shuffle_permutes_along_an_axis_and_passes_gradients():
    x = np.arange(12.0).reshape(3, 4)
    rows = values(krandom.shuffle(x, seed=1))
    assert sorted(map(tuple, rows)) == sorted(map(tuple, x))
    cols = values(krandom.shuffle(x, axis=1, seed=2))
    np.testing.assert_array_equal(np.sort(cols, axis=1), x)
    weights = np.random.default_rng(0).normal(size=(3, 4))
    check_gradients(lambda v: krandom.shuffle(v, seed=3) * weights, [x.copy()])


def test_dropout_scales_kept_units_and_passes_gradients():
    x = np.ones((400, 50))
    y = values(krandom.dropout(x, 0.25, seed=1))
    assert set(np.unique(y)) <= {0.0, 1.0 / 0.75}
    assert abs((y == 0).mean() - 0.25) < 0.01
    shared = values(krandom.dropout(np.ones((6, 5)), 0.5, noise_shape=(6, 1), seed=2))
    assert all(len(set(row)) == 1 for row in shared)
    with_none = values(krandom.dropout(np.ones((6, 5)), 0.5, noise_shape=(1, None), seed=2))
    assert all(len(set(col)) == 1 for col in with_none.T)
    check_gradients(lambda v: krandom.dropout(v, 0.5, seed=4),
                    [np.random.default_rng(1).normal(size=(4, 3))])
    with pytest.raises(ValueError, match="rate"):
        krandom.dropout(x, 1.0)


class Sampling(keras.layers.Layer):
    """The keras.io VAE example's layer: z = z_mean + exp(z_log_var / 2) * epsilon."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = krandom.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = ops.shape(z_mean)[0]
        dim = ops.shape(z_mean)[1]
        epsilon = krandom.normal(shape=(batch, dim), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


def test_vae_sampling_layer_eager_and_functional():
    z = Sampling()([ops.ones((4, 2)), ops.zeros((4, 2))])
    assert z.shape == (4, 2)
    again = Sampling()([ops.ones((4, 2)), ops.zeros((4, 2))])
    np.testing.assert_array_equal(values(again), values(z))  # SeedGenerator(1337) repeats

    inputs = keras.Input((6,))
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    z_mean, z_log_var = keras.layers.Dense(2)(hidden), keras.layers.Dense(2)(hidden)
    sampled = Sampling()([z_mean, z_log_var])
    assert tuple(sampled.shape) == (None, 2)
    encoder = keras.Model(inputs, [z_mean, z_log_var, sampled])
    x = np.random.default_rng(0).normal(size=(10, 6)).astype("float32")
    m, lv, s = encoder.predict(x, verbose=0)
    assert s.shape == (10, 2) and not np.allclose(s, m)
    with GradientTape() as tape:
        _, _, out = encoder(x)
        loss = ops.mean(out * out)
    grads = tape.gradient(loss, encoder.trainable_weights)
    assert all(g is not None and np.isfinite(g).all() for g in grads)


def test_random_is_lazy_and_served_as_keras_random():
    code = ("import sys, keraslite; assert 'keraslite.random' not in sys.modules; "
            "assert keraslite.random.normal((2,)).shape == (2,)")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_keras_random_and_tf_random_in_scripts(served):
    import keras as served_keras
    import tensorflow as tf
    from keras.random import SeedGenerator, normal

    assert served_keras.random.normal is normal is krandom.normal
    assert SeedGenerator is krandom.SeedGenerator
    assert tf.random.normal((2, 3)).shape == (2, 3)
    np.testing.assert_array_equal(values(tf.random.uniform((5,), seed=4)),
                                  values(tf.random.uniform((5,), seed=4)))
    ints = values(tf.random.uniform((500,), minval=0, maxval=10, dtype=tf.int32, seed=1))
    assert ints.dtype == np.int32 and set(np.unique(ints)) == set(range(10))
    assert values(tf.random.truncated_normal((100,), seed=2)).max() <= 2.0
    assert values(tf.random.categorical(np.zeros((2, 3)), 5)).dtype == np.int64
    assert sorted(values(tf.random.shuffle(np.arange(5.0)))) == [0.0, 1.0, 2.0, 3.0, 4.0]
