"""Initializers, regularizers and constraints: statistics, seeds, configs, and their effect on fit.

Reference numbers marked "Keras 3.15" were computed once with real Keras (JAX backend) on the
same inputs and pasted here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import keraslite as keras
from keraslite import constraints, initializers, regularizers
from keraslite.autodiff.gradcheck import check_gradients

SHAPE = (400, 600)  # fan_in 400, fan_out 600, fan_avg 500
TRUNC = 0.87962566103423978

# name -> (distribution, expected std, bound) for SHAPE; bound None for unbounded normals.
RANDOM = {
    "glorot_uniform": ("uniform", math.sqrt(1 / 500), math.sqrt(3 / 500)),
    "glorot_normal": ("truncated", math.sqrt(1 / 500), 2 * math.sqrt(1 / 500) / TRUNC),
    "he_uniform": ("uniform", math.sqrt(2 / 400), math.sqrt(6 / 400)),
    "he_normal": ("truncated", math.sqrt(2 / 400), 2 * math.sqrt(2 / 400) / TRUNC),
    "lecun_uniform": ("uniform", math.sqrt(1 / 400), math.sqrt(3 / 400)),
    "lecun_normal": ("truncated", math.sqrt(1 / 400), 2 * math.sqrt(1 / 400) / TRUNC),
    "variance_scaling": ("truncated", math.sqrt(1 / 400), 2 * math.sqrt(1 / 400) / TRUNC),
    "random_normal": ("normal", 0.05, None),
    "random_uniform": ("uniform", 0.1 / math.sqrt(12), 0.05),
    "truncated_normal": ("truncated", 0.05 * TRUNC, 0.1),
}


@pytest.mark.parametrize("name", sorted(RANDOM))
def test_random_initializer_statistics(name):
    kind, std, bound = RANDOM[name]
    w = initializers.get(name)(SHAPE)
    assert w.shape == SHAPE and w.dtype == np.float32
    assert abs(w.mean()) < 4 * std / math.sqrt(w.size)
    assert w.std() == pytest.approx(std, rel=0.01)
    if bound is not None:
        assert np.abs(w).max() <= bound * (1 + 1e-6)
        assert np.abs(w).max() > 0.99 * bound  # the draw reaches its bounds
    if kind == "uniform":  # flat: each tenth of the interval holds ~10%
        hist = np.histogram(w, bins=10, range=(-bound, bound))[0] / w.size
        np.testing.assert_allclose(hist, 0.1, atol=0.005)
    if kind == "truncated":  # N(0, σ²) conditioned on [-2σ, 2σ]: 28.5% beyond σ
        sigma = bound / 2
        beyond = 1 - math.erf(1 / math.sqrt(2)) / math.erf(2 / math.sqrt(2))
        assert np.mean(np.abs(w) > sigma) == pytest.approx(beyond, abs=0.005)


@pytest.mark.parametrize(("mode", "n"), [("fan_in", 400), ("fan_out", 600), ("fan_avg", 500)])
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling_modes_and_distributions(mode, n, distribution):
    init = initializers.VarianceScaling(scale=3.0, mode=mode, distribution=distribution, seed=1)
    w = init(SHAPE, dtype="float64")
    assert w.dtype == np.float64
    assert w.std() == pytest.approx(math.sqrt(3.0 / n), rel=0.01)
    if distribution == "uniform":
        assert np.abs(w).max() <= math.sqrt(9.0 / n)


def test_variance_scaling_validation_and_normal_alias():
    assert initializers.VarianceScaling(distribution="normal").distribution == "truncated_normal"
    with pytest.raises(ValueError, match="scale"):
        initializers.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="mode"):
        initializers.VarianceScaling(mode="fan_sum")
    with pytest.raises(ValueError, match="distribution"):
        initializers.VarianceScaling(distribution="cauchy")


def test_fans_of_convolution_kernels_and_explicit_axes():
    assert initializers.compute_fans((3, 3, 16, 32)) == (144, 288)
    assert initializers.compute_fans((7,)) == (7, 7)
    assert initializers.compute_fans(()) == (1, 1)
    assert initializers.compute_fans((2, 3, 4), input_axes=(0, 1), output_axes=(2,)) == (6, 4)
    w = initializers.HeUniform(seed=0)((3, 3, 16, 32))
    assert np.abs(w).max() <= math.sqrt(6 / 144)


@pytest.mark.parametrize("name", sorted(RANDOM) + ["orthogonal"])
def test_seeds_repeat_and_global_rng_follows_set_random_seed(name):
    cls = type(initializers.get(name))
    seeded = cls(seed=7)
    np.testing.assert_array_equal(seeded((5, 4)), seeded((5, 4)))  # Keras: same seed, same draw
    np.testing.assert_array_equal(seeded((5, 4)), cls(seed=7)((5, 4)))
    assert not np.array_equal(seeded((5, 4)), cls(seed=8)((5, 4)))
    unseeded = cls()
    keras.utils.set_random_seed(3)
    first = unseeded((5, 4))
    assert not np.array_equal(first, unseeded((5, 4)))  # the global stream moves on
    keras.utils.set_random_seed(3)
    np.testing.assert_array_equal(first, unseeded((5, 4)))


def test_set_random_seed_makes_model_weights_repeatable():
    def build():
        return keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, kernel_initializer=
                                                                      "he_normal"),
                                 keras.layers.Dense(3, kernel_initializer="orthogonal")])

    keras.utils.set_random_seed(11)
    a = build().get_weights()
    keras.utils.set_random_seed(11)
    b = build().get_weights()
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("shape", [(6, 6), (8, 3), (3, 8), (2, 3, 4, 5)])
def test_orthogonal_is_orthogonal(shape):
    w = initializers.Orthogonal(gain=2.0, seed=0)(shape, "float64")
    assert w.shape == shape
    m = w.reshape(-1, shape[-1])
    small = min(m.shape)
    gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=1e-12)
    with pytest.raises(ValueError, match="rank 2"):
        initializers.Orthogonal()((5,))


def test_identity_constant_ones_zeros():
    np.testing.assert_array_equal(initializers.Identity(gain=3.0)((3, 4)), 3.0 * np.eye(3, 4))
    with pytest.raises(ValueError, match="2-D"):
        initializers.get("identity")((2, 2, 2))
    np.testing.assert_array_equal(initializers.Constant(2.5)((2, 3)), np.full((2, 3), 2.5))
    np.testing.assert_array_equal(initializers.Constant([1.0, 2.0])((3, 2))[2], [1.0, 2.0])
    assert initializers.get("ones")((2,), "float64").dtype == np.float64
    np.testing.assert_array_equal(initializers.get("zeros")((2, 2)), 0.0)
    assert initializers.get("zeros")((3,), "int32").dtype == np.int32


KERAS_CONFIGS = {  # Keras 3.15: keras.initializers.serialize(keras.initializers.get(name))
    "he_normal": ("HeNormal", {"seed": None, "input_axes": None, "output_axes": None}),
    "VarianceScaling": ("VarianceScaling", {"seed": None, "scale": 1.0, "mode": "fan_in",
                                            "distribution": "truncated_normal",
                                            "input_axes": None, "output_axes": None}),
    "random_normal": ("RandomNormal", {"seed": None, "mean": 0.0, "stddev": 0.05}),
    "uniform": ("RandomUniform", {"seed": None, "minval": -0.05, "maxval": 0.05}),
    "truncated_normal": ("TruncatedNormal", {"seed": None, "mean": 0.0, "stddev": 0.05}),
    "orthogonal": ("Orthogonal", {"seed": None, "gain": 1.0}),
    "identity": ("Identity", {"gain": 1.0}),
    "constant": ("Constant", {"value": 0.0}),
    "one": ("Ones", {}),
    "Zeros": ("Zeros", {}),
}


@pytest.mark.parametrize("name", sorted(KERAS_CONFIGS))
def test_serialize_matches_keras_and_round_trips(name):
    class_name, config = KERAS_CONFIGS[name]
    saved = initializers.serialize(initializers.get(name))
    assert saved == {"module": "keras.initializers", "class_name": class_name,
                     "config": config, "registered_name": None}
    again = initializers.deserialize(saved)
    assert type(again).__name__ == class_name and again.get_config() == config


def test_every_keras_initializer_name_resolves():
    names = ["Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity",
             "IdentityInitializer", "LecunNormal", "LecunUniform", "Ones", "Orthogonal",
             "OrthogonalInitializer", "RandomNormal", "RandomUniform", "TruncatedNormal",
             "VarianceScaling", "Zeros", "constant", "glorot_normal", "glorot_uniform",
             "he_normal", "he_uniform", "identity", "lecun_normal", "lecun_uniform", "normal",
             "one", "ones", "orthogonal", "random_normal", "random_uniform", "truncated_normal",
             "uniform", "variance_scaling", "zero", "zeros"]  # Keras 3.15's ALL_OBJECTS_DICT
    for name in names:
        assert isinstance(initializers.get(name), initializers.Initializer), name
    assert initializers.he_normal is initializers.HeNormal
    with pytest.raises(ValueError, match="Did you mean 'he_normal'"):
        initializers.get("he_nromal")


def test_get_accepts_classes_callables_and_arrays():
    assert isinstance(initializers.get(initializers.HeNormal), initializers.HeNormal)

    def fn(shape, dtype=None):
        return np.full(shape, 7.0)

    assert initializers.get(fn) is fn
    value = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(initializers.get(value)((2, 3)), value)
    with pytest.raises(ValueError, match="shape"):
        initializers.get(value)((3, 2))
    seeded = initializers.GlorotNormal(seed=5)
    np.testing.assert_array_equal(seeded.clone()((3, 3)), seeded((3, 3)))


def test_dense_uses_named_initializers():
    layer = keras.layers.Dense(3, kernel_initializer="identity", bias_initializer="ones")
    layer.build((None, 3))
    np.testing.assert_array_equal(layer.kernel.numpy(), np.eye(3))
    np.testing.assert_array_equal(layer.bias.numpy(), 1.0)
    config = layer.get_config()
    assert config["kernel_initializer"]["class_name"] == "Identity"


# -- regularizers ---------------------------------------------------------------------------
W = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-0.3, 0.8, 0.1], [2.0, -0.5, 1.0]],
             "float32")


def test_penalties_match_keras():
    # Keras 3.15 values on W (float32).
    assert float(regularizers.L1L2(0.01, 0.02)(W)) == pytest.approx(0.38929998874664307, 1e-6)
    assert float(regularizers.L1()(W)) == pytest.approx(0.10699999332427979, 1e-6)
    assert float(regularizers.L2()(W)) == pytest.approx(0.14114999771118164, 1e-6)
    assert float(regularizers.OrthogonalRegularizer(0.1)(W)) == \
        pytest.approx(0.04218278452754021, 1e-6)
    assert float(regularizers.OrthogonalRegularizer(0.1, mode="columns")(W)) == \
        pytest.approx(0.049183234572410583, 1e-6)
    assert regularizers.L2()(W).dtype == np.float32
    assert float(regularizers.L1L2()(W)) == 0.0


def test_orthogonal_regularizer_is_zero_for_orthogonal_rows():
    q = initializers.Orthogonal(seed=2)((5, 5))
    assert float(regularizers.OrthogonalRegularizer(1.0)(q)) < 1e-6
    with pytest.raises(ValueError, match="rank-2"):
        regularizers.OrthogonalRegularizer()(np.ones(3))


@pytest.mark.parametrize("reg", [regularizers.L1(0.3), regularizers.L2(0.2),
                                 regularizers.L1L2(0.1, 0.4),
                                 regularizers.OrthogonalRegularizer(0.5),
                                 regularizers.OrthogonalRegularizer(0.5, mode="columns")],
                         ids=lambda r: type(r).__name__ + str(r.get_config()))
def test_penalty_gradients(reg, float64):
    check_gradients(reg, [W.astype("float64")])


def test_string_defaults_and_keras_class_defaults():
    assert regularizers.get("l1").get_config() == {"l1": 0.01}
    assert regularizers.get("l2").get_config() == {"l2": 0.01}
    # Keras documents kernel_regularizer="l1_l2" as l1 = l2 = 0.01 ...
    assert regularizers.get("l1_l2").get_config() == {"l1": 0.01, "l2": 0.01}
    assert regularizers.get("L1L2").get_config() == {"l1": 0.01, "l2": 0.01}
    # ... while the class (also exported as l1_l2) defaults to zero factors, as in Keras 3.
    assert regularizers.l1_l2 is regularizers.L1L2
    assert regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert regularizers.l1_l2(l1=0.1).get_config() == {"l1": 0.1, "l2": 0.0}
    assert regularizers.L1(None).l1 == 0.01
    assert isinstance(regularizers.get("orthogonal_regularizer"),
                      regularizers.OrthogonalRegularizer)
    for bad in (-0.1, float("nan"), "0.1"):
        with pytest.raises(ValueError, match="non-negative"):
            regularizers.L2(bad)


def test_regularizer_serialization_round_trip():
    for reg in (regularizers.L1(0.2), regularizers.L2(0.3), regularizers.L1L2(0.1, 0.0),
                regularizers.OrthogonalRegularizer(0.2, "columns")):
        saved = regularizers.serialize(reg)
        assert saved["module"] == "keras.regularizers"
        assert saved["class_name"] == type(reg).__name__
        again = regularizers.deserialize(saved)
        assert type(again) is type(reg) and again.get_config() == reg.get_config()
    assert regularizers.serialize(None) is None


# The data of a Keras 3.15 run: Dense(2) with fixed weights, SGD, mse.
X = np.array([[0.13, -0.13, 0.64], [0.1, -0.54, 0.36], [1.3, 0.95, -0.7], [-1.27, -0.62, 0.04],
              [-2.33, -0.22, -1.25], [-0.73, -0.54, -0.32], [0.41, 1.04, -0.13],
              [1.37, -0.67, 0.35]], "float32")
Y = np.array([[0.9, 0.09], [-0.74, -0.92], [-0.46, 0.22], [-1.01, -0.21], [-0.16, 0.54],
              [0.21, 0.36], [-0.65, -0.13], [0.78, 1.49]], "float32")
KERNEL = np.array([[0.5, -1.0], [1.5, 0.25], [-0.3, 0.8]], "float32")
BIAS = np.array([0.1, -0.2], "float32")


def _regularized_model(activity: bool, constraints_on: bool = False):
    kwargs = {"kernel_regularizer": regularizers.L2(0.1), "bias_regularizer": regularizers.L1(0.05),
              "activity_regularizer": regularizers.L2(0.01) if activity else None}
    if constraints_on:
        kwargs = {"kernel_constraint": constraints.MinMaxNorm(0.5, 1.0, rate=0.8),
                  "bias_constraint": constraints.NonNeg()}
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, **kwargs)])
    model.set_weights([KERNEL, BIAS])
    return model


@pytest.mark.parametrize(("activity", "reported"), [(False, 2.613523244857788),
                                                    (True, 2.641030788421631)])
def test_reported_loss_includes_penalties(activity, reported):
    model = _regularized_model(activity)
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    history = model.fit(X, Y, batch_size=8, epochs=1, verbose=0)
    data = float(np.mean((model.predict(X, verbose=0) - Y) ** 2))
    penalty = 0.1 * np.sum(KERNEL**2) + 0.05 * np.sum(np.abs(BIAS))
    if activity:
        penalty += 0.01 * np.sum((X @ KERNEL + BIAS) ** 2) / len(X)
    assert data == pytest.approx(2.1692731380462646, rel=1e-6)  # Keras 3.15
    assert history.history["loss"][0] == pytest.approx(data + penalty, rel=1e-6)
    assert history.history["loss"][0] == pytest.approx(reported, rel=1e-6)  # Keras 3.15
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(reported, rel=1e-6)


@pytest.mark.parametrize(("activity", "losses", "kernel", "bias"), [
    (False, [2.4492316246032715, 1.7732266187667847],
     [[0.22583159804344177, -0.570313036441803], [1.0657696723937988, 0.2747233510017395],
      [-0.17117969691753387, 0.7043870091438293]], [0.050075266510248184, -0.03729891777038574]),
    (True, [2.471529245376587, 1.7785260677337646],
     [[0.22115902602672577, -0.5656370520591736], [1.0608673095703125, 0.2758645713329315],
      [-0.16972826421260834, 0.7040110230445862]], [0.05033841356635094, -0.03594082593917847]),
])
def test_penalty_gradients_train_as_in_keras(activity, losses, kernel, bias):
    model = _regularized_model(activity)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(X, Y, batch_size=4, epochs=2, verbose=0, shuffle=False)
    np.testing.assert_allclose(history.history["loss"], losses, rtol=1e-5)  # Keras 3.15
    np.testing.assert_allclose(model.layers[0].kernel.numpy(), kernel, rtol=1e-5)
    np.testing.assert_allclose(model.layers[0].bias.numpy(), bias, rtol=1e-5, atol=1e-7)


def test_string_regularizers_on_a_layer():
    layer = keras.layers.Dense(2, kernel_regularizer="l1_l2", bias_regularizer="l2")
    layer.build((None, 3))
    layer.kernel.assign(KERNEL)
    layer.bias.assign(BIAS)
    want = 0.01 * np.abs(KERNEL).sum() + 0.01 * (KERNEL**2).sum() + 0.01 * (BIAS**2).sum()
    assert sum(float(p) for p in layer.losses) == pytest.approx(want, rel=1e-6)


# -- constraints ----------------------------------------------------------------------------
KERAS_CONSTRAINED = {  # Keras 3.15 on W
    "MaxNorm(1.5)": (constraints.MaxNorm(1.5), [
        [0.2921585, -0.99999994, 1.2708557], [0.8764756, 0.24999999, -0.47657087],
        [-0.17529511, 0.79999995, 0.06354278], [1.168634, -0.49999997, 0.63542783]]),
    "MaxNorm(1.5, axis=1)": (constraints.MaxNorm(1.5, axis=1), [
        [0.32732683, -0.65465367, 1.3093073], [1.3269775, 0.22116292, -0.66348875],
        [-0.29999998, 0.7999999, 0.09999999], [1.3093073, -0.32732683, 0.65465367]]),
    "UnitNorm()": (constraints.UnitNorm(), [
        [0.19477235, -0.7156562, 0.8472371], [0.584317, 0.17891406, -0.31771392],
        [-0.116863415, 0.57252496, 0.042361856], [0.7790894, -0.3578281, 0.42361856]]),
    "MinMaxNorm(1.0, 2.0, rate=0.5)": (constraints.MinMaxNorm(1.0, 2.0, rate=0.5), [
        [0.44477233, -0.99999994, 1.8472371], [1.334317, 0.24999999, -0.6927139],
        [-0.2668634, 0.79999995, 0.09236186], [1.7790893, -0.49999997, 0.92361856]]),
    "NonNeg()": (constraints.NonNeg(), [
        [0.5, 0, 2], [1.5, 0.25, 0], [0, 0.8, 0.1], [2, 0, 1]]),
}


@pytest.mark.parametrize("name", sorted(KERAS_CONSTRAINED))
def test_constraints_match_keras(name):
    constraint, want = KERAS_CONSTRAINED[name]
    got = constraint(W)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    tensor = constraint(keras.ops.convert_to_tensor(W))
    assert isinstance(tensor, keras.Tensor)
    np.testing.assert_allclose(tensor.numpy(), want, rtol=1e-6, atol=1e-7)


def test_norm_constraints_bound_the_norms():
    w = np.random.default_rng(0).standard_normal((6, 4)) * 3
    np.testing.assert_allclose(np.linalg.norm(constraints.UnitNorm()(w), axis=0), 1.0)
    assert np.linalg.norm(constraints.MaxNorm(2.0)(w), axis=0).max() <= 2.0 + 1e-6
    norms = np.linalg.norm(constraints.MinMaxNorm(2.0, 3.0)(w), axis=0)
    assert norms.min() >= 2.0 - 1e-6 and norms.max() <= 3.0 + 1e-6
    np.testing.assert_allclose(np.linalg.norm(constraints.UnitNorm(axis=[0, 1])(w)), 1.0)


def test_constraint_names_configs_and_round_trip():
    names = ["MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "max_norm", "min_max_norm",
             "non_neg", "unit_norm"]  # Keras 3.15's ALL_OBJECTS_DICT (less the base class)
    for name in names:
        assert isinstance(constraints.get(name), constraints.Constraint), name
    assert constraints.MaxNorm().get_config() == {"max_value": 2, "axis": 0}
    assert constraints.MinMaxNorm().get_config() == {"min_value": 0.0, "max_value": 1.0,
                                                     "rate": 1.0, "axis": 0}
    assert constraints.UnitNorm().get_config() == {"axis": 0}
    assert constraints.max_norm is constraints.MaxNorm
    for c in (constraints.MaxNorm(3, axis=1), constraints.MinMaxNorm(0.5, 2.0, 0.3, [0, 1]),
              constraints.UnitNorm(axis=1), constraints.NonNeg()):
        saved = constraints.serialize(c)
        assert saved["module"] == "keras.constraints"
        again = constraints.deserialize(saved)
        assert type(again) is type(c) and again.get_config() == c.get_config()
    with pytest.raises(ValueError, match="Did you mean 'max_norm'"):
        constraints.get("maxnorm")


def test_constraints_apply_after_each_step_as_in_keras():
    model = _regularized_model(False, constraints_on=True)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(X, Y, batch_size=4, epochs=1, verbose=0, shuffle=False)
    # Keras 3.15: MinMaxNorm(0.5, 1.0, rate=0.8) kernel, NonNeg bias, two steps.
    assert history.history["loss"][0] == pytest.approx(1.7527306079864502, rel=1e-6)
    np.testing.assert_allclose(model.layers[0].kernel.numpy(),
                               [[0.26244446635246277, -0.6647719740867615],
                                [0.9520413279533386, 0.23756146430969238],
                                [-0.17419840395450592, 0.6794695258140564]], rtol=1e-6)
    np.testing.assert_allclose(model.layers[0].bias.numpy(),
                               [0.08064711838960648, 0.05642147734761238], rtol=1e-6)


def test_constraint_is_the_projection_of_the_plain_step():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(
        2, kernel_constraint="unit_norm", bias_constraint="non_neg")])
    model.set_weights([KERNEL, BIAS])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    with keras.GradientTape() as tape:
        loss = keras.ops.mean(keras.ops.square(keras.ops.subtract(model(X), Y)))
    gk, gb = tape.gradient(loss, model.trainable_variables)
    model.fit(X, Y, batch_size=8, epochs=1, verbose=0)
    kernel = KERNEL - 0.5 * gk.numpy()
    np.testing.assert_allclose(model.layers[0].kernel.numpy(),
                               kernel / (1e-7 + np.linalg.norm(kernel, axis=0)), rtol=1e-5)
    np.testing.assert_allclose(model.layers[0].bias.numpy(),
                               np.maximum(BIAS - 0.5 * gb.numpy(), 0), rtol=1e-5)
