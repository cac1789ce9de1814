"""Toolbox layers: noise (Dropout & co.), reshaping, merging, Dot, Lambda and Identity.

Gradients are checked numerically in float64 (noise layers in training mode, with the mask
fixed by re-seeding the global generator before each call); values against closed forms that
match Keras 3 (checked against Keras 3 + JAX when these tests were written); shapes through
Functional graphs; configs through from_config and through saving.
"""

import json
import math

import numpy as np
import pytest

import keraslite as keras
from keraslite.autodiff.gradcheck import check_gradients

L = keras.layers

NOISE = [
    lambda: L.Dropout(0.4),
    lambda: L.Dropout(0.5, noise_shape=(None, 1, 3)),
    lambda: L.SpatialDropout1D(0.5),
    lambda: L.AlphaDropout(0.3),
    lambda: L.GaussianNoise(0.5),
    lambda: L.GaussianDropout(0.4),
]


def _seeded(layer, seed=7):
    """The layer in training mode with the same noise on every call (fixed for gradcheck)."""
    def fn(x):
        keras.utils.set_random_seed(seed)
        return layer(x, training=True)
    return fn


# -- gradients -----------------------------------------------------------------------------
@pytest.mark.parametrize("make", NOISE, ids=["dropout", "dropout_noise_shape", "spatial1d",
                                             "alpha", "gaussian_noise", "gaussian_dropout"])
def test_noise_layer_gradients_in_training(float64, rng, make):
    layer = make()
    x = rng.standard_normal((2, 4, 3))
    out = _seeded(layer)(x).numpy()
    assert out.dtype == np.float64 and not np.allclose(out, x)  # the noise is active
    check_gradients(_seeded(layer), [x])


@pytest.mark.parametrize("layer, shape", [
    (lambda: L.Flatten(), (2, 3, 4)),
    (lambda: L.Flatten(data_format="channels_first"), (2, 3, 2, 2)),
    (lambda: L.Reshape((-1, 2)), (2, 3, 4)),
    (lambda: L.Permute((3, 1, 2)), (2, 2, 3, 4)),
    (lambda: L.RepeatVector(3), (2, 4)),
    (lambda: L.Identity(), (2, 5)),
    (lambda: L.Lambda(lambda t: keras.ops.tanh(t) * 2.0), (2, 5)),
], ids=["flatten", "flatten_cf", "reshape", "permute", "repeat", "identity", "lambda"])
def test_reshaping_and_lambda_gradients(float64, rng, layer, shape):
    check_gradients(layer(), [rng.standard_normal(shape)])


@pytest.mark.parametrize("layer, shapes", [
    (lambda: L.Add(), [(2, 3), (2, 3), (2, 3)]),
    (lambda: L.Add(), [(2, 3), (2, 4, 3)]),          # lower rank: axes inserted after batch
    (lambda: L.Subtract(), [(2, 1, 3), (2, 4, 3)]),  # broadcasting a size-1 axis
    (lambda: L.Multiply(), [(2, 3), (2, 3), (2, 1)]),
    (lambda: L.Average(), [(2, 3), (2, 3)]),
    (lambda: L.Maximum(), [(2, 4), (2, 4), (2, 4)]),
    (lambda: L.Minimum(), [(2, 4), (2, 4)]),
    (lambda: L.Concatenate(), [(2, 3), (2, 2)]),
    (lambda: L.Concatenate(axis=1), [(2, 1, 3), (2, 2, 3)]),
    (lambda: L.Dot(axes=1), [(2, 4), (2, 4)]),
    (lambda: L.Dot(axes=(1, 2)), [(2, 3, 2), (2, 2, 3)]),
    (lambda: L.Dot(axes=-1, normalize=True), [(2, 2, 3), (2, 3)]),
], ids=["add", "add_rank", "subtract", "multiply", "average", "maximum", "minimum",
        "concat", "concat_axis1", "dot", "dot_12", "dot_normalize"])
def test_merge_gradients(float64, rng, layer, shapes):
    check_gradients(lambda *xs: layer()(list(xs)), [rng.standard_normal(s) for s in shapes])


def test_dot_normalize_gradient_is_finite_for_zero_vectors(float64):
    x = keras.ops.convert_to_tensor(np.zeros((1, 3)))
    y = np.ones((1, 3))
    with keras.GradientTape() as tape:
        tape.watch(x)
        out = L.Dot(axes=1, normalize=True)([x, y])
    assert out.numpy()[0, 0] == 0.0
    assert np.all(np.isfinite(tape.gradient(out, x).numpy()))


# -- noise layers: values --------------------------------------------------------------------
@pytest.mark.parametrize("make", NOISE)
def test_noise_layers_are_identity_at_inference(make):
    layer = make()
    x = np.random.default_rng(0).standard_normal((3, 4, 3)).astype("float32")
    np.testing.assert_array_equal(layer(x).numpy(), x)
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    assert layer.built and layer.weights == []


def test_dropout_scales_kept_units_and_preserves_the_mean():
    x = np.full((400, 500), 3.0, "float32")
    out = L.Dropout(0.3)(x, training=True).numpy()
    kept = out != 0
    np.testing.assert_allclose(out[kept], 3.0 / 0.7, rtol=1e-6)
    assert abs(1 - kept.mean() - 0.3) < 0.005
    assert abs(out.mean() - 3.0) < 0.02
    np.testing.assert_array_equal(L.Dropout(0.0)(x, training=True).numpy(), x)
    np.testing.assert_array_equal(L.Dropout(1.0)(x, training=True).numpy(), 0 * x)


def test_dropout_noise_shape_and_spatial_dropout_share_the_mask():
    x = np.ones((50, 6, 8), "float32")
    out = L.Dropout(0.5, noise_shape=(None, 1, None))(x, training=True).numpy()
    assert np.all(out == out[:, :1, :]) and 0 < (out == 0).mean() < 1
    out = L.SpatialDropout1D(0.5)(x, training=True).numpy()
    assert np.all(out == out[:, :1, :]) and set(np.unique(out)) == {0.0, 2.0}
    out = L.Dropout(0.5, noise_shape=(1, 6, 1))(x, training=True).numpy()
    assert np.all(out == out[:1, :, :1])


def test_dropout_repeatable_with_global_seed_and_with_layer_seed():
    x = np.ones((8, 10), "float32")
    keras.utils.set_random_seed(3)
    a = L.Dropout(0.5)(x, training=True).numpy()
    keras.utils.set_random_seed(3)
    b = L.Dropout(0.5)(x, training=True).numpy()
    np.testing.assert_array_equal(a, b)
    first, second = L.Dropout(0.5, seed=11), L.Dropout(0.5, seed=11)
    masks = [first(x, training=True).numpy() for _ in range(2)]
    np.testing.assert_array_equal(masks[0], second(x, training=True).numpy())
    assert not np.array_equal(masks[0], masks[1])  # the layer's generator moves on


def test_alpha_dropout_closed_form_and_self_normalization():
    rate = 0.2
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
    b = -a * alpha_p * rate
    x = np.random.default_rng(0).standard_normal((500, 400)).astype("float32")
    out = L.AlphaDropout(rate)(x, training=True).numpy()
    kept = np.isclose(out, a * x + b, atol=1e-5)
    dropped = np.isclose(out, a * alpha_p + b, atol=1e-5)
    assert np.all(kept | dropped)
    assert abs(dropped.mean() - rate) < 0.005
    assert abs(out.mean()) < 0.01 and abs(out.std() - 1) < 0.01


def test_gaussian_noise_and_gaussian_dropout_statistics():
    x = np.full((500, 400), 2.0, "float32")
    noise = L.GaussianNoise(0.3)(x, training=True).numpy() - x
    assert abs(noise.mean()) < 0.005 and abs(noise.std() - 0.3) < 0.005
    factor = L.GaussianDropout(0.2)(x, training=True).numpy() / x
    assert abs(factor.mean() - 1) < 0.005 and abs(factor.std() - math.sqrt(0.25)) < 0.005


def test_fit_trains_dropout_predict_and_evaluate_do_not():
    seen = []

    class Spy(L.Dropout):
        def call(self, inputs, training=False):
            seen.append(training)
            return super().call(inputs, training=training)

    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 4)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), L.Dense(32, activation="relu"), Spy(0.5),
                              L.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    history = model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    assert seen.count(True) == 15 * 8  # every training step; a build probe may run first
    assert seen.count(False) <= 1
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]
    seen.clear()
    first = model.predict(x, verbose=0)
    np.testing.assert_array_equal(first, model.predict(x, verbose=0))
    loss = model.evaluate(x, y, verbose=0)
    assert seen and not any(seen)
    assert loss == pytest.approx(model.evaluate(x, y, verbose=0))


# -- reshaping: values and shapes ------------------------------------------------------------
def test_reshaping_values():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_array_equal(L.Flatten()(x).numpy(), x.reshape(2, 12))
    np.testing.assert_array_equal(L.Flatten(data_format="channels_first")(x).numpy(),
                                  x.transpose(0, 2, 1).reshape(2, 12))
    np.testing.assert_array_equal(L.Flatten()(np.arange(3.0)).numpy(), [[0], [1], [2]])
    np.testing.assert_array_equal(L.Reshape((-1, 2))(x).numpy(), x.reshape(2, 6, 2))
    np.testing.assert_array_equal(L.Reshape((4, 3))(x).numpy(), x.reshape(2, 4, 3))
    np.testing.assert_array_equal(L.Permute((2, 1))(x).numpy(), x.transpose(0, 2, 1))
    np.testing.assert_array_equal(L.RepeatVector(2)(x[:, 0]).numpy(),
                                  np.stack([x[:, 0], x[:, 0]], axis=1))


@pytest.mark.parametrize("layer, shape, expected", [
    (lambda: L.Flatten(), (10, 64), (None, 640)),
    (lambda: L.Flatten(), (None, 3), (None, None)),
    (lambda: L.Flatten(data_format="channels_first"), (3, 4, 5), (None, 60)),
    (lambda: L.Reshape((3, 4)), (12,), (None, 3, 4)),
    (lambda: L.Reshape((-1, 2, 2)), (12,), (None, 3, 2, 2)),
    (lambda: L.Reshape((-1, 3)), (None, 3), (None, None, 3)),
    (lambda: L.Permute((2, 1)), (10, 64), (None, 64, 10)),
    (lambda: L.RepeatVector(3), (32,), (None, 3, 32)),
    (lambda: L.Dropout(0.5), (7,), (None, 7)),
    (lambda: L.SpatialDropout1D(0.5), (5, 7), (None, 5, 7)),
    (lambda: L.GaussianNoise(0.1), (None, 2), (None, None, 2)),
    (lambda: L.Identity(), (4,), (None, 4)),
    (lambda: L.Lambda(lambda t: t[:, :2] * 2.0), (5,), (None, 2)),
    (lambda: L.Lambda(lambda t: t, output_shape=(9,)), (5,), (None, 9)),
    (lambda: L.Lambda(lambda t: t, output_shape=lambda s: s[:1] + (1,)), (5,), (None, 1)),
])
def test_single_input_shape_inference(layer, shape, expected):
    x = keras.Input(shape)
    layer = layer()
    y = layer(x)
    assert y.shape == expected and layer.output.shape == expected
    assert layer.compute_output_shape((None,) + shape) == expected


def test_shape_inference_keeps_a_known_batch_size():
    x = keras.Input(batch_shape=(4, 6))
    assert L.Reshape((2, 3))(x).shape == (4, 2, 3)
    assert L.Concatenate()([x, keras.Input((2,))]).shape == (4, 8)


@pytest.mark.parametrize("layer, shapes, expected", [
    (L.Add, [(3,), (3,)], (None, 3)),
    (L.Add, [(3,), (5, 3)], (None, 5, 3)),
    (L.Subtract, [(1, 3), (4, 3)], (None, 4, 3)),
    (L.Multiply, [(None, 3), (4, 1)], (None, None, 3)),  # None may be 1: unknown, as Keras
    (L.Average, [(3,), (3,), (3,)], (None, 3)),
    (L.Maximum, [(2, 3), (2, 3)], (None, 2, 3)),
    (L.Minimum, [(3,), (3,)], (None, 3)),
    (L.Concatenate, [(3,), (5,)], (None, 8)),
    (lambda: L.Concatenate(axis=1), [(2, 4), (None, 4)], (None, None, 4)),
    (lambda: L.Dot(axes=(1, 2)), [(3, 5), (10, 3)], (None, 5, 10)),
    (lambda: L.Dot(axes=1), [(3,), (3,)], (None, 1)),
    (lambda: L.Dot(axes=-1), [(2, 3), (3,)], (None, 2)),
])
def test_merge_shape_inference_in_a_functional_model(layer, shapes, expected):
    inputs = [keras.Input(s) for s in shapes]
    merge = layer()
    y = merge(inputs)
    assert y.shape == expected and merge.output.shape == expected
    model = keras.Model(inputs, y)
    data = [np.random.default_rng(0).standard_normal((2,) + tuple(d or 4 for d in s))
            for s in shapes]
    predicted = model.predict(data, verbose=0).shape
    assert len(predicted) == len(expected)
    assert all(d is None or d == p for d, p in zip(expected[1:], predicted[1:]))


# -- merging: values -------------------------------------------------------------------------
def test_merge_values_match_closed_forms():
    rng = np.random.default_rng(0)
    a, b, c = (rng.standard_normal((2, 3)).astype("float32") for _ in range(3))
    close = np.testing.assert_allclose
    close(L.Add()([a, b, c]).numpy(), a + b + c, rtol=1e-6)
    close(L.Subtract()([a, b]).numpy(), a - b)
    close(L.Multiply()([a, b, c]).numpy(), a * b * c, rtol=1e-6)
    close(L.Average()([a, b, c]).numpy(), (a + b + c) / 3, rtol=1e-6)
    close(L.Maximum()([a, b, c]).numpy(), np.maximum(np.maximum(a, b), c))
    close(L.Minimum()([a, b, c]).numpy(), np.minimum(np.minimum(a, b), c))
    close(L.Concatenate()([a, b]).numpy(), np.concatenate([a, b], -1))
    close(L.Concatenate(axis=0)([a, b]).numpy(), np.concatenate([a, b], 0))
    x = rng.standard_normal((2, 4, 3)).astype("float32")
    close(L.Add()([a, x]).numpy(), a[:, None, :] + x, rtol=1e-6)  # Keras' rank alignment
    close(L.add([a, b]).numpy(), a + b)
    close(L.concatenate([a, b], axis=0).numpy(), np.concatenate([a, b], 0))


def test_functional_forms_create_the_layers():
    x, y = keras.Input((3,)), keras.Input((3,))
    forms = {L.add: L.Add, L.subtract: L.Subtract, L.multiply: L.Multiply,
             L.average: L.Average, L.maximum: L.Maximum, L.minimum: L.Minimum,
             L.concatenate: L.Concatenate, L.dot: L.Dot}
    for fn, cls in forms.items():
        out = fn([x, y], name=f"my_{cls.__name__.lower()}")
        layer = out.history[0]
        assert type(layer) is cls and layer.name == f"my_{cls.__name__.lower()}"
    assert L.dot([x, y], axes=1, normalize=True).history[0].normalize is True


@pytest.mark.parametrize("shapes, axes", [
    ([(2, 3, 5), (2, 10, 3)], (1, 2)),
    ([(2, 4), (2, 4)], 1),
    ([(2, 3, 4), (2, 4)], -1),
    ([(2, 3, 4, 5), (2, 6, 4)], (2, 2)),
    ([(2, 3, 4), (2, 5, 4)], (2, 2)),
])
@pytest.mark.parametrize("normalize", [False, True])
def test_dot_matches_einsum(shapes, axes, normalize):
    rng = np.random.default_rng(1)
    x, y = (rng.standard_normal(s) for s in shapes)
    out = L.Dot(axes=axes, normalize=normalize)([x, y]).numpy()
    a0, a1 = (axes, axes) if isinstance(axes, int) else axes
    a0, a1 = a0 % x.ndim, a1 % y.ndim
    if normalize:
        x = x / np.linalg.norm(x, axis=a0, keepdims=True)
        y = y / np.linalg.norm(y, axis=a1, keepdims=True)
    xm, ym = np.moveaxis(x, a0, -1), np.moveaxis(y, a1, 1)
    expected = np.einsum("bik,bkj->bij", xm.reshape(2, -1, xm.shape[-1]),
                         ym.reshape(2, ym.shape[1], -1))
    expected = expected.reshape((2,) + xm.shape[1:-1] + ym.shape[2:])
    if expected.ndim == 1:
        expected = expected[:, None]
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_dot_cosine_similarity_reference():
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], "float32")
    y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]], "float32")
    out = L.Dot(axes=1, normalize=True)([x, y]).numpy()
    np.testing.assert_allclose(out, [[4 / math.sqrt(14 * 2)], [5 / math.sqrt(77)]], rtol=1e-6)


# -- errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize("make, error, match", [
    (lambda: L.Dropout(1.5), ValueError, "between 0 and 1.*rate=1.5"),
    (lambda: L.Dropout(-0.1), ValueError, "rate=-0.1"),
    (lambda: L.Dropout("half"), ValueError, "rate='half'"),
    (lambda: L.Dropout(0.5, noise_shape="abc"), ValueError, "noise_shape"),
    (lambda: L.Dropout(0.5, noise_shape=(None, 0)), ValueError, "positive"),
    (lambda: L.Dropout(0.5, noise_shape=(None, 1.5)), ValueError, "integers or None"),
    (lambda: L.GaussianNoise(2.0), ValueError, "stddev=2.0"),
    (lambda: L.GaussianDropout(-1), ValueError, "rate=-1"),
    (lambda: L.AlphaDropout(3), ValueError, "rate=3"),
    (lambda: L.Flatten(data_format="nhwc"), ValueError, "channels_first"),
    (lambda: L.Reshape((-1, -1)), ValueError, "at most one unknown"),
    (lambda: L.Reshape((2, -3)), ValueError, "non-negative"),
    (lambda: L.Reshape("ab"), ValueError, "non-negative"),
    (lambda: L.Permute((1, 3)), ValueError, "consecutive and start from 1.*dims=\\(1, 3\\)"),
    (lambda: L.RepeatVector(2.0), TypeError, "integer"),
    (lambda: L.RepeatVector(0), ValueError, "positive.*n=0"),
    (lambda: L.Concatenate(axis=1.0), TypeError, "axis"),
    (lambda: L.Dot(axes="1"), TypeError, "axes='1'"),
    (lambda: L.Dot(axes=(1, 2, 3)), ValueError, "two elements"),
    (lambda: L.Dot(axes=(1, 1.0)), ValueError, "integers"),
    (lambda: L.Lambda("x * 2"), TypeError, "function"),
    (lambda: L.Lambda(abs, arguments=[1]), TypeError, "arguments"),
])
def test_invalid_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize("layer, shapes, match", [
    (L.Add, [(3,), (4,)], r"incompatible shapes\. Received: input shapes \[\(None, 3\), "
                          r"\(None, 4\)\].*Dense"),
    (L.Subtract, [(3,), (3,), (3,)], "exactly 2 inputs. Received: 3 inputs"),
    (L.Concatenate, [(3, 2), (4, 3)], r"axis 1 has sizes \[3, 4\]"),
    (L.Concatenate, [(3,), (4, 3)], "same rank"),
    (lambda: L.Concatenate(axis=3), [(3,), (4,)], "out of range"),
    (lambda: L.Dot(axes=1), [(3,), (4,)], "size 3 but axis 1 of the second has size 4"),
    (lambda: L.Dot(axes=(0, 1)), [(3,), (3,)], "batch axis 0"),
    (lambda: L.Dot(axes=1), [(3,), (3,), (3,)], "exactly 2 inputs"),
    (L.Add, [], "at least 1 inputs"),
])
def test_bad_merge_inputs_fail_while_building_the_model(layer, shapes, match):
    with pytest.raises(ValueError, match=match):
        layer()([keras.Input(s) for s in shapes])


def test_merge_of_one_input_is_allowed_as_in_keras():
    x = keras.Input((3,))
    assert L.Add()([x]).shape == (None, 3)


@pytest.mark.parametrize("layer, shape, match", [
    (lambda: L.Reshape((4,)), (3,), r"cannot reshape samples of shape \(3,\).*unchanged"),
    (lambda: L.Reshape((-1, 5)), (3,), "unchanged"),
    (lambda: L.Permute((2, 1)), (3,), "expected ndim=3, found ndim=2"),
    (lambda: L.RepeatVector(2), (3, 4), "expected ndim=2, found ndim=3"),
    (lambda: L.SpatialDropout1D(0.5), (4,), "expected ndim=3"),
    (L.Add, (3,), "list of inputs"),
])
def test_bad_input_shapes_fail_while_building_the_model(layer, shape, match):
    with pytest.raises(ValueError, match=match):
        layer()(keras.Input(shape))


def test_errors_on_real_data():
    with pytest.raises(ValueError, match="list of inputs"):
        L.Add()(np.ones((2, 3)))
    with pytest.raises(ValueError, match="different batch sizes"):
        L.Add()([np.ones((2, 3)), np.ones((3, 3))])
    add = L.Add()
    add([np.ones((2, 3)), np.ones((2, 3))])
    with pytest.raises(ValueError, match="incompatible shapes"):  # checked again on new shapes
        add([np.ones((2, 3)), np.ones((2, 4))])
    with pytest.raises(ValueError, match="one entry per input axis"):
        L.Dropout(0.5, noise_shape=(None, 1))(np.ones((2, 3, 4)), training=True)
    with pytest.raises(ValueError, match="None, 1 or the input's size"):
        L.Dropout(0.5, noise_shape=(None, 2))(np.ones((2, 3)), training=True)
    with pytest.raises(ValueError, match="rate=1"):
        L.GaussianDropout(1.0)(np.ones((2, 3)), training=True)
    with pytest.raises(NotImplementedError, match="output_shape="):
        L.Lambda(lambda t: t.no_such_thing)(keras.Input((3,)))


# -- Lambda and Identity ---------------------------------------------------------------------
def test_lambda_passes_arguments_and_training():
    flags = []

    def fn(x, scale, training=None):
        flags.append(training)
        return x * scale

    layer = L.Lambda(fn, arguments={"scale": 3.0})
    np.testing.assert_allclose(layer(np.ones((1, 2))).numpy(), [[3.0, 3.0]])
    layer(np.ones((1, 2)), training=True)
    assert flags == [False, True]
    assert layer.built and layer.count_params() == 0


def test_identity_returns_its_inputs():
    x = np.arange(6.0, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(L.Identity()(x).numpy(), x)
    a, b = keras.Input((3,)), keras.Input((4, 2))
    out = L.Identity()([a, b])
    assert [t.shape for t in out] == [(None, 3), (None, 4, 2)]


# -- configs and saving ----------------------------------------------------------------------
CONFIGURED = [
    L.Dropout(0.25, noise_shape=(None, 1, 4), seed=5, name="drop"),
    L.AlphaDropout(0.1, seed=2), L.GaussianNoise(0.2, seed=1), L.GaussianDropout(0.3),
    L.SpatialDropout1D(0.4, seed=9), L.Flatten(data_format="channels_first"),
    L.Reshape((-1, 2)), L.Permute((2, 3, 1)), L.RepeatVector(4), L.Add(name="plus"),
    L.Subtract(), L.Multiply(), L.Average(), L.Maximum(), L.Minimum(),
    L.Concatenate(axis=1), L.Dot(axes=(1, 2), normalize=True), L.Identity(trainable=False),
]


@pytest.mark.parametrize("layer", CONFIGURED, ids=lambda layer: type(layer).__name__)
def test_config_round_trip(layer):
    config = layer.get_config()
    clone = type(layer).from_config(json.loads(json.dumps(config)))
    assert type(clone) is type(layer)
    assert json.loads(json.dumps(clone.get_config())) == json.loads(json.dumps(config))
    assert clone.name == layer.name and clone.built


def test_keras_config_keys():
    assert set(L.Dropout(0.5).get_config()) >= {"name", "trainable", "dtype", "rate", "seed",
                                                  "noise_shape"}
    assert set(L.SpatialDropout1D(0.5).get_config()) == {"rate", "seed", "name", "dtype"}
    assert L.Dot(axes=1).get_config()["axes"] == 1
    assert L.Reshape([3, -1]).get_config()["target_shape"] == (3, -1)


def test_lambda_config_holds_the_function_and_refuses_serialized_code():
    def double(x):
        return x * 2.0

    layer = L.Lambda(double, output_shape=(3,))
    config = layer.get_config()
    assert config["function"] is double and config["output_shape"] == (3,)
    assert L.Lambda._unsafe_deserialization is True
    clone = L.Lambda.from_config(config)
    np.testing.assert_allclose(clone(np.ones((1, 3))).numpy(), [[2.0, 2.0, 2.0]])
    stored = {**config, "function": {"class_name": "__lambda__", "config": {"value": []}}}
    with pytest.raises(ValueError, match="safe_mode=False"):
        L.Lambda.from_config(stored)


def test_model_with_toolbox_layers_saves_and_loads(tmp_path):
    a, b = keras.Input((6,)), keras.Input((6,))
    h = L.Dense(6)(a)
    merged = L.concatenate([L.add([h, b]), L.subtract([h, b]), L.multiply([h, b]),
                            L.average([h, b]), L.maximum([h, b]), L.minimum([h, b]),
                            L.dot([h, b], axes=1, normalize=True)])
    z = L.Dropout(0.3, noise_shape=(None, 37), seed=3)(merged)
    z = L.SpatialDropout1D(0.2)(L.Reshape((37, 1))(z))
    z = L.RepeatVector(2)(L.Flatten()(L.Permute((2, 1))(z)))
    z = L.Flatten(data_format="channels_first")(z)
    z = L.Identity()(L.AlphaDropout(0.1)(L.GaussianDropout(0.1)(L.GaussianNoise(0.1)(z))))
    model = keras.Model([a, b], L.Dense(1)(z))
    assert model.outputs[0].shape == (None, 1)
    data = [np.random.default_rng(0).random((5, 6)).astype("float32") for _ in range(2)]
    path = tmp_path / "toolbox.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(loaded.predict(data, verbose=0), model.predict(data, verbose=0))
    assert [type(x).__name__ for x in loaded.layers] == [type(x).__name__ for x in model.layers]


def test_lambda_model_loads_only_outside_safe_mode(tmp_path):
    model = keras.Sequential([keras.Input((3,)), L.Lambda(lambda t: t * 2.0), L.Dense(1)])
    path = tmp_path / "lambda.keras"
    with pytest.warns(UserWarning, match="lambda"):
        model.save(path)
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.saving.load_model(path)
    loaded = keras.saving.load_model(path, safe_mode=False)
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
