"""Activations, activation ops and activation layers: values against Keras 3, gradients, configs.

Reference values were computed once with real Keras 3.15 (JAX backend, float32) on the inputs
below and pasted here; closed forms in float64 check the precision beyond float32.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import keraslite as keras
from keraslite import activations, layers, ops
from keraslite.autodiff.gradcheck import check_gradients

X = np.array([-8.0, -3.5, -3.0, -1.2, -0.3, 0.0, 0.4, 1.0, 2.9, 3.0, 6.0, 7.5], "float32")
XR = np.array([-10, -5, 0.0, 5, 10, -1.5, 0.5, 2.0], "float32")
M = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 4.0]], "float32")
MASK = np.array([[True, False, True], [True, True, False]])

# keras.activations.<name>(X) (or the call named by the key), as float32.
KERAS = {
    'elu': [-0.99966455, -0.9698026, -0.95021296, -0.6988058, -0.25918177, 0, 0.4, 1, 2.9, 3, 6,
        7.5],
    'selu': [-1.7575095, -1.7050093, -1.6705688, -1.22857, -0.4556673, 0, 0.42028043, 1.050701,
        3.047033, 3.152103, 6.304206, 7.8802576],
    'softplus': [0.00033540637, 0.029750418, 0.048587352, 0.26328245, 0.55435526, 0.6931472,
        0.91301525, 1.3132617, 2.953563, 3.0485873, 6.0024757, 7.500553],
    'softsign': [-0.8888889, -0.7777778, -0.75, -0.54545456, -0.23076925, 0, 0.2857143, 0.5,
        0.74358976, 0.75, 0.85714287, 0.88235295],
    'leaky_relu': [-1.6, -0.7, -0.6, -0.24000001, -0.060000002, 0, 0.4, 1, 2.9, 3, 6, 7.5],
    'relu6': [0, 0, 0, 0, 0, 0, 0.4, 1, 2.9, 3, 6, 6],
    'gelu': [-4.9767772e-15, -0.0008142018, -0.004049696, -0.13808365, -0.11462659, 0, 0.2621687,
        0.8413447, 2.8945892, 2.9959502, 6, 7.5],
    'silu': [-0.002682801, -0.10259281, -0.14227763, -0.27777028, -0.12766725, 0, 0.23947506,
        0.7310586, 2.748755, 2.8577223, 5.9851646, 7.495854],
    'swish': [-0.002682801, -0.10259281, -0.14227763, -0.27777028, -0.12766725, 0, 0.23947506,
        0.7310586, 2.748755, 2.8577223, 5.9851646, 7.495854],
    'exponential': [0.00033546262, 0.030197384, 0.049787067, 0.3011942, 0.7408182, 1, 1.4918246,
        2.7182817, 18.174147, 20.085537, 403.4288, 1808.0425],
    'hard_sigmoid': [0, 0, 0, 0.3, 0.45000002, 0.5, 0.5666667, 0.6666667, 0.98333335, 1, 1, 1],
    'hard_silu': [-0, -0, -0, -0.36, -0.135, 0, 0.22666669, 0.6666667, 2.8516667, 3, 6, 7.5],
    'hard_swish': [-0, -0, -0, -0.36, -0.135, 0, 0.22666669, 0.6666667, 2.8516667, 3, 6, 7.5],
    'mish': [-0.002683251, -0.10409574, -0.14564745, -0.30883577, -0.15113318, 0, 0.28903055,
        0.8650985, 2.884267, 2.9865355, 5.999927, 7.499995],
    'log_sigmoid': [-8.000336, -3.5297503, -3.0485873, -1.4632825, -0.8543553, -0.6931472,
        -0.5130153, -0.3132617, -0.05356277, -0.048587352, -0.0024756852, -0.00055293145],
    'sigmoid': [0.00033535014, 0.02931223, 0.047425874, 0.23147522, 0.4255575, 0.5, 0.59868765,
        0.7310586, 0.9478465, 0.95257413, 0.9975274, 0.99944717],
    'tanh': [-1, -0.99817795, -0.9950547, -0.8336546, -0.2913126, 0, 0.379949, 0.7615942,
        0.9939633, 0.9950547, 0.9999876, 0.9999994],
    'linear': [-8, -3.5, -3, -1.2, -0.3, 0, 0.4, 1, 2.9, 3, 6, 7.5],
    'relu': [0, 0, 0, 0, 0, 0, 0.4, 1, 2.9, 3, 6, 7.5],
    'gelu(approximate=True)': [-0, -0.0006161481, -0.0036373436, -0.1382972, -0.11462908, 0,
        0.2621612, 0.841192, 2.8950334, 2.9963627, 6, 7.5],
    'elu(alpha=0.5)': [-0.49983227, -0.4849013, -0.47510648, -0.3494029, -0.12959088, 0, 0.4, 1,
        2.9, 3, 6, 7.5],
    'leaky_relu(negative_slope=0.1)': [-0.8, -0.35, -0.3, -0.120000005, -0.030000001, 0, 0.4, 1,
        2.9, 3, 6, 7.5],
    'relu(negative_slope=0.5)': [-5, -2.5, 0, 5, 10, -0.75, 0.5, 2],
    'relu(max_value=5.0)': [0, 0, 0, 5, 5, 0, 0.5, 2],
    'relu(threshold=5.0)': [0, 0, 0, 0, 10, 0, 0, 0],
    'relu(negative_slope=0.2, max_value=3.0, threshold=-1.0)': [-1.8000001, -0.8, 0, 3, 3, -0.1,
        0.5, 2],
    'relu(negative_slope=0.3, max_value=6.0, threshold=1.0)': [-3.3000002, -1.8000001, -0.3, 5, 6,
        -0.75, -0.15, 2],
    'relu(negative_slope=0.1, max_value=6.0)': [-1, -0.5, 0, 5, 6, -0.15, 0.5, 2],
    'softmax(axis=0)': [0.880797, 0.81757444, 0.26894143, 0.11920291, 0.18242551, 0.7310586],
    'log_softmax': [-2.407606, -1.4076059, -0.40760595, -5.0362697, -3.5362697, -0.036269564],
    'softmax': [0.09003057, 0.24472848, 0.66524094, 0.0064979433, 0.029121762, 0.9643803],
    'layer:ReLU(max_value=5.0, negative_slope=0.5, threshold=1.0)': [-5.5, -3, -0.5, 5, 5, -1.25,
        -0.25, 2],
    'layer:LeakyReLU()': [-3, -1.5, 0, 5, 10, -0.45000002, 0.5, 2],
    'layer:ELU(alpha=2.0)': [-1.9999092, -1.9865241, 0, 5, 10, -1.5537397, 0.5, 2],
    'layer:Softmax(axis=[0, 1])': [0.031313855, 0.08511989, 0.23137984, 0.0042378698, 0.018992815,
        0.6289556],
    'layer:Softmax()+mask': [0.11920291, 0, 0.880797, 0.18242551, 0.81757444, 0],
    'layer:PReLU(alpha_initializer=Constant(0.25))': [-2.5, -1.25, 0, 5, 10, -0.375, 0.5, 2],
}


def _ours(key: str):
    """Evaluate the call a KERAS key names, with keraslite."""
    if key.startswith("layer:"):
        return {
            "layer:ReLU(max_value=5.0, negative_slope=0.5, threshold=1.0)":
                lambda: layers.ReLU(max_value=5.0, negative_slope=0.5, threshold=1.0)(XR),
            "layer:LeakyReLU()": lambda: layers.LeakyReLU()(XR),
            "layer:ELU(alpha=2.0)": lambda: layers.ELU(alpha=2.0)(XR),
            "layer:Softmax(axis=[0, 1])": lambda: layers.Softmax(axis=[0, 1])(M),
            "layer:Softmax()+mask": lambda: layers.Softmax()(M, mask=MASK),
            "layer:PReLU(alpha_initializer=Constant(0.25))":
                lambda: layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25))(
                    XR.reshape(2, 4)),
        }[key]()
    if "(" not in key:
        return activations.get(key)(M if "softmax" in key else X)
    name, args = key.split("(", 1)
    kwargs = eval(f"dict({args[:-1]})")  # noqa: S307 - literal keyword arguments from the table
    inputs = M if "softmax" in name else XR if name == "relu" else X
    return getattr(activations, name)(inputs, **kwargs)


@pytest.mark.parametrize("key", sorted(KERAS))
def test_matches_keras(key):
    out = _ours(key)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy().ravel(), KERAS[key], rtol=1e-5, atol=1e-12)


def test_every_activation_is_compared_with_keras():
    compared = {k.split("(")[0] for k in KERAS if not k.startswith("layer:")}
    assert set(activations.ALL) <= compared


# -- float64 closed forms -----------------------------------------------------------------
def _exact(name: str, x: float) -> float:
    sig = 1 / (1 + math.exp(-x))
    sp = math.log1p(math.exp(x))
    return {
        "elu": x if x > 0 else math.expm1(x),
        "selu": 1.0507009873554805 * (x if x > 0 else 1.6732632423543772 * math.expm1(x)),
        "softsign": x / (1 + abs(x)),
        "leaky_relu": x if x >= 0 else 0.2 * x,
        "relu6": min(max(x, 0.0), 6.0),
        "gelu": 0.5 * x * math.erfc(-x / math.sqrt(2)),
        "silu": x * sig,
        "exponential": math.exp(x),
        "hard_sigmoid": min(max(x / 6 + 0.5, 0.0), 1.0),
        "hard_silu": x * min(max(x / 6 + 0.5, 0.0), 1.0),
        "mish": x * math.tanh(sp),
        "log_sigmoid": -math.log1p(math.exp(-x)),
        "softplus": sp,
    }[name]


CLOSED = ["elu", "selu", "softsign", "leaky_relu", "relu6", "gelu", "silu", "exponential",
          "hard_sigmoid", "hard_silu", "mish", "log_sigmoid", "softplus"]
XS = np.linspace(-9.0, 9.0, 181)


@pytest.mark.parametrize("name", CLOSED)
def test_float64_closed_form(name):
    got = activations.get(name)(XS).numpy()
    assert got.dtype == np.float64
    want = np.array([_exact(name, float(x)) for x in XS])
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-300)


def test_gelu_tails_keep_relative_precision():
    x = np.array([-30.0, -20.0, -12.0, -5.0, 5.0, 12.0])
    want = np.array([0.5 * v * math.erfc(-v / math.sqrt(2)) for v in x])
    np.testing.assert_allclose(activations.gelu(x).numpy(), want, rtol=1e-12)
    approx = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    np.testing.assert_allclose(ops.gelu(x).numpy(), approx, rtol=1e-14)  # ops default: tanh


@pytest.mark.parametrize("name", sorted(activations.ALL))
def test_extreme_inputs_are_finite_and_warning_free(name):
    x = np.array([-1e4, -700.0, -80.0, -1e-30, 0.0, 1e-30, 80.0, 700.0], "float32")
    if name == "exponential":
        x = x[:-2]  # e^80 overflows float32, as it must
    fn = activations.get(name)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        with keras.GradientTape() as tape:
            t = keras.Tensor(x, requires_grad=True)
            tape.watch(t)
            y = fn(t)
            total = ops.sum(y)
        g = tape.gradient(total, t)
    assert np.isfinite(y.numpy()).all(), y
    assert np.isfinite(g.numpy()).all(), g


def test_relu_options_match_keras_docstring():
    x = np.array([-10, -5, 0.0, 5, 10], "float32")
    np.testing.assert_array_equal(activations.relu(x).numpy(), [0, 0, 0, 5, 10])
    np.testing.assert_array_equal(activations.relu(x, negative_slope=0.5).numpy(),
                                  [-5, -2.5, 0, 5, 10])
    np.testing.assert_array_equal(activations.relu(x, max_value=5.0).numpy(), [0, 0, 0, 5, 5])
    np.testing.assert_array_equal(activations.relu(x, threshold=5.0).numpy(), [0, 0, 0, 0, 10])


def test_names_aliases_and_serialization():
    assert activations.get("swish") is activations.silu
    assert activations.get("hard_swish") is activations.hard_silu
    assert activations.serialize(activations.swish) == "silu"
    assert activations.serialize(activations.hard_swish) == "hard_silu"
    for name, fn in activations.ALL.items():
        assert activations.deserialize(activations.serialize(fn)) is fn, name
    np.testing.assert_array_equal(ops.swish(X).numpy(), ops.silu(X).numpy())
    np.testing.assert_array_equal(ops.hard_swish(X).numpy(), ops.hard_silu(X).numpy())
    with pytest.raises(ValueError, match="Did you mean 'gelu'"):
        activations.get("gleu")


def test_int_inputs_become_floatx():
    assert ops.elu([-1, 2]).dtype == np.float32
    assert activations.gelu(np.array([1, 2])).dtype == np.float32


# -- gradients (float64) ------------------------------------------------------------------
R = np.random.default_rng(5)
# |x| in [0.2, 2.8]: away from the kinks at 0 and ±3 (and 6).
AWAY = R.uniform(0.2, 2.8, (3, 4)) * R.choice([-1.0, 1.0], (3, 4))
SPREAD = np.array([[-7.0, -4.5, -3.4, -2.5], [-0.4, 0.3, 1.7, 2.9], [3.2, 5.5, 6.5, 9.0]])
GRADS = {
    "elu(alpha=0.5)": lambda x: activations.elu(x, alpha=0.5),
    "leaky_relu(negative_slope=0.01)": lambda x: activations.leaky_relu(x, 0.01),
    "gelu(approximate=True)": lambda x: activations.gelu(x, approximate=True),
    "relu(max_value=6.0, negative_slope=0.1)":
        lambda x: activations.relu(x, max_value=6.0, negative_slope=0.1),
    "relu(threshold=1.0, negative_slope=0.3)":
        lambda x: activations.relu(x, threshold=1.0, negative_slope=0.3),
    "relu(max_value=2.0, threshold=-1.0, negative_slope=0.2)":
        lambda x: activations.relu(x, max_value=2.0, threshold=-1.1, negative_slope=0.2),
    "relu(threshold=0.5)": lambda x: activations.relu(x, threshold=0.5),
    **{name: activations.get(name) for name in activations.ALL},
}


@pytest.mark.parametrize("key", sorted(GRADS))
@pytest.mark.parametrize("inputs", ["away", "spread"])
def test_activation_gradients(key, inputs):
    x = AWAY if inputs == "away" else SPREAD
    if inputs == "spread" and key.startswith("relu(") and "threshold" in key:
        x = SPREAD + 0.05  # keep away from the threshold
    check_gradients(GRADS[key], [x])


def test_mish_op_gradient_far_out():
    from keraslite.ops.activations import mish

    check_gradients(mish, [np.array([-40.0, -15.0, -0.7, 0.9, 15.0, 40.0])])


LAYERS = {
    "ReLU": lambda: layers.ReLU(),
    "ReLU(options)": lambda: layers.ReLU(max_value=2.5, negative_slope=0.2, threshold=0.5),
    "LeakyReLU": lambda: layers.LeakyReLU(),
    "ELU": lambda: layers.ELU(alpha=0.7),
    "Softmax": lambda: layers.Softmax(),
    "Softmax(axis=1)": lambda: layers.Softmax(axis=1),
    "Softmax(axis=[1, 2])": lambda: layers.Softmax(axis=[1, 2]),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_gradients(name, float64):
    layer = LAYERS[name]()
    x = R.uniform(0.1, 2.3, (2, 3, 4)) * R.choice([-1.0, 1.0], (2, 3, 4))
    x[np.abs(x - 0.5) < 0.1] += 0.25  # away from ReLU(options)' threshold
    check_gradients(layer, [x])


def test_softmax_layer_mask_gradient(float64):
    layer = layers.Softmax()
    check_gradients(lambda x: layer(x, mask=MASK), [R.standard_normal((2, 3))])


@pytest.mark.parametrize("shared_axes", [None, [1], [1, 2]])
def test_prelu_gradients_wrt_input_and_alpha(shared_axes, float64):
    layer = layers.PReLU(alpha_initializer=keras.initializers.RandomUniform(0.1, 0.5, seed=1),
                         shared_axes=shared_axes)
    x = AWAY.reshape(1, 3, 4).repeat(2, axis=0)
    layer(x)
    check_gradients(layer, [x], variables=[layer.alpha])


# -- layers: shapes, configs, validation ----------------------------------------------------
def test_prelu_alpha_shape_and_keras_formula():
    layer = layers.PReLU(shared_axes=[1, 2])
    layer.build((None, 5, 6, 3))
    assert layer.alpha.shape == (1, 1, 3)
    assert layer.alpha.path.endswith("alpha") and layer.name.startswith("p_re_lu")
    np.testing.assert_array_equal(layer.alpha.numpy(), 0.0)  # Keras' default "Zeros"
    layer.alpha.assign(np.full((1, 1, 3), 0.5))
    x = np.array([[[[-2.0, 1.0, -4.0]] * 6] * 5], "float32")
    np.testing.assert_allclose(layer(x).numpy()[0, 0, 0], [-1.0, 1.0, -2.0])


def test_prelu_trains_its_alpha():
    model = keras.Sequential([keras.Input((4,)),
                              layers.Dense(4, use_bias=False, kernel_initializer="identity",
                                           trainable=False),
                              layers.PReLU()])
    x = -np.abs(np.random.default_rng(0).standard_normal((64, 4))).astype("float32")
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit(x, 0.5 * x, epochs=30, batch_size=16, verbose=0)
    np.testing.assert_allclose(model.layers[-1].alpha.numpy(), 0.5, atol=0.05)


CONFIGS = {
    "ReLU": (layers.ReLU, {"max_value": 6.0, "negative_slope": 0.1, "threshold": 0.5},
             {"max_value": None, "negative_slope": 0.0, "threshold": 0.0}),
    "LeakyReLU": (layers.LeakyReLU, {"negative_slope": 0.1}, {"negative_slope": 0.3}),
    "ELU": (layers.ELU, {"alpha": 0.5}, {"alpha": 1.0}),
    "Softmax": (layers.Softmax, {"axis": [1, 2]}, {"axis": -1}),
    "PReLU": (layers.PReLU, {"shared_axes": [1], "alpha_regularizer": "l2",
                             "alpha_constraint": "non_neg", "alpha_initializer": "he_normal"},
              {"alpha_initializer": {"module": "keras.initializers", "class_name": "Zeros",
                                     "config": {}, "registered_name": None},
               "alpha_regularizer": None, "alpha_constraint": None, "shared_axes": None}),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_layer_config_defaults_and_round_trip(name):
    cls, kwargs, defaults = CONFIGS[name]
    config = cls().get_config()
    for key, value in defaults.items():
        assert config[key] == value, key
    config = cls(**kwargs).get_config()
    assert cls.from_config(config).get_config() == config


def test_prelu_config_serializes_its_parts():
    config = layers.PReLU(alpha_regularizer=keras.regularizers.L2(0.1),
                          alpha_constraint="max_norm").get_config()
    assert config["alpha_regularizer"] == {"module": "keras.regularizers", "class_name": "L2",
                                           "config": {"l2": 0.1}, "registered_name": None}
    assert config["alpha_constraint"]["class_name"] == "MaxNorm"
    clone = layers.PReLU.from_config(config)
    assert isinstance(clone.alpha_constraint, keras.constraints.MaxNorm)
    assert clone.alpha_regularizer.l2 == 0.1


@pytest.mark.parametrize(("cls", "kwargs", "match"), [
    (layers.ReLU, {"max_value": -1.0}, "max_value"),
    (layers.ReLU, {"negative_slope": -0.1}, "negative_slope"),
    (layers.ReLU, {"threshold": None}, "threshold"),
    (layers.LeakyReLU, {"negative_slope": -1}, "negative_slope"),
])
def test_layer_argument_validation(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


def test_leaky_relu_keras2_alpha_is_accepted_with_a_note():
    with pytest.warns(keras.KerasliteDeprecationWarning, match="negative_slope"):
        layer = layers.LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1


def test_activation_layers_in_a_functional_model():
    inputs = keras.Input((4,))
    h = layers.Dense(8)(inputs)
    h = layers.LeakyReLU(negative_slope=0.1)(h)
    h = layers.PReLU()(h)
    h = layers.ELU()(h)
    h = layers.ReLU(max_value=6.0)(h)
    outputs = layers.Softmax()(layers.Dense(3)(h))
    model = keras.Model(inputs, outputs)
    assert model.output_shape == (None, 3)
    x = np.random.default_rng(0).standard_normal((16, 4)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0).sum(-1), 1.0, rtol=1e-6)
    assert model.count_params() == 4 * 8 + 8 + 8 + 8 * 3 + 3


@pytest.mark.parametrize("name", ["gelu", "selu", "mish", "hard_silu", "elu", "swish"])
def test_dense_with_new_activations_trains(name):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((128, 2)).astype("float32")
    y = (x[:, :1] * x[:, 1:] > 0).astype("float32")
    model = keras.Sequential([keras.Input((2,)), layers.Dense(16, activation=name),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=40, batch_size=32, verbose=0)
    assert history.history["accuracy"][-1] > 0.85
    assert model.layers[0].get_config()["activation"] == name.replace("swish", "silu")


@pytest.mark.parametrize("key", sorted(GRADS))
def test_activations_on_symbolic_inputs_build_a_model(key):
    fn = GRADS[key]
    inputs = keras.Input((4,))
    model = keras.Model(inputs, fn(layers.Dense(4)(inputs)))
    x = np.random.default_rng(2).standard_normal((3, 4)).astype("float32")
    want = fn(model.layers[1](x)).numpy()
    np.testing.assert_allclose(model.predict(x, verbose=0), want, rtol=1e-6)
