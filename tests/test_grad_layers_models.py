"""Numerical gradient checks for layers and whole models, and the GradientTape API.

Everything runs in float64 (the ``float64`` fixture) with weights set from the test's arrays.
Model checks compare the gradients of the compiled loss w.r.t. all trainable variables that
``train_on_batch`` and ``fit`` apply (one SGD step with learning rate 1 moves each weight by
minus its gradient), the GradientTape one, and central differences of the loss that
``test_on_batch`` reports.
"""

from __future__ import annotations

import numpy as np
import pytest

import keraslite
from keraslite import activations, layers, losses, ops, optimizers, regularizers
from keraslite.autodiff import backward, recording
from keraslite.autodiff.gradcheck import check_gradients
from keraslite.ops.nn import dense as fused_dense

R = np.random.default_rng(11)


def set_weights(layer_or_model, rng, scale=0.7):
    """Give every trainable variable random values (biases too, to move relu kinks off 0)."""
    for v in layer_or_model.trainable_variables:
        v.assign(rng.normal(size=v.shape) * scale)


# -- Dense: every activation, fused and composite paths -----------------------------------
DENSE_ACTIVATIONS = [
    ("linear", True), (None, True), ("relu", True), ("sigmoid", True), ("tanh", True),
    ("softmax", True), (activations.relu, True), (activations.softmax, True),
    ("softplus", False), ("silu", False), ("swish", False), ("log_softmax", False),
    (lambda x: activations.relu(x, negative_slope=0.1), False),
    (lambda x: activations.relu(x, max_value=0.8), False),
    (lambda x: ops.multiply(ops.tanh(x), ops.sigmoid(x)), False),
]


def _act_id(a):
    name, fused = a
    label = name if isinstance(name, str) or name is None else getattr(name, "__name__", "fn")
    return f"{label}-{'fused' if fused else 'composite'}"


@pytest.mark.parametrize("use_bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 3)], ids=["2d", "3d"])
@pytest.mark.parametrize("activation", DENSE_ACTIVATIONS,
                         ids=[_act_id(a) for a in DENSE_ACTIVATIONS])
def test_dense_gradients_wrt_inputs_and_weights(float64, activation, shape, use_bias):
    act, fused = activation
    rng = np.random.default_rng(3)
    layer = layers.Dense(4, activation=act, use_bias=use_bias)
    layer.build((None, shape[-1]))
    set_weights(layer, rng)
    assert layer._fused is fused
    assert len(layer.trainable_variables) == (2 if use_bias else 1)
    check_gradients(layer, [rng.normal(size=shape)], variables=layer.trainable_variables)


@pytest.mark.parametrize("activation", ["linear", "relu", "sigmoid", "tanh", "softmax"])
@pytest.mark.parametrize("shape", [(5, 3), (2, 2, 3), (3,)], ids=["2d", "3d", "1d"])
def test_fused_dense_op_gradients(activation, shape):
    rng = np.random.default_rng(4)
    x, k, b = rng.normal(size=shape), rng.normal(size=(3, 4)), rng.normal(size=4)
    check_gradients(lambda x, k, b: fused_dense(x, k, b, activation), [x, k, b])
    check_gradients(lambda x, k: fused_dense(x, k, None, activation), [x, k])
    check_gradients(lambda k, b: fused_dense(x, k, b, activation), [k, b])


@pytest.mark.parametrize("use_bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize("shape", [(5, 3), (2, 4, 3)], ids=["2d", "3d"])
@pytest.mark.parametrize("activation", ["linear", "relu", "sigmoid", "tanh", "softmax"])
def test_fused_dense_matches_composition(activation, shape, use_bias):
    """ops.nn.dense gives the values and gradients of activation(add(matmul(x, W), b))."""
    rng = np.random.default_rng(5)
    arrays = [rng.normal(size=shape), rng.normal(size=(3, 4))]
    if use_bias:
        arrays.append(rng.normal(size=4))
    seed = rng.normal(size=shape[:-1] + (4,))

    def run(fn):
        tensors = [keraslite.Tensor(a.copy(), requires_grad=True) for a in arrays]
        with recording():
            out = fn(*tensors)
        return out.value, backward(out, tensors, seed)

    def composed(x, k, b=None):
        z = ops.matmul(x, k)
        return activations.get(activation)(z if b is None else ops.add(z, b))

    fused_out, fused_grads = run(lambda x, k, b=None: fused_dense(x, k, b, activation))
    ref_out, ref_grads = run(composed)
    np.testing.assert_allclose(fused_out, ref_out, rtol=1e-12, atol=1e-14)
    for g, r in zip(fused_grads, ref_grads):
        assert g.shape == r.shape
        np.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-13)


def test_dense_layer_paths_agree(float64):
    """A fused Dense("relu") and a composite Dense(lambda: relu) give the same gradients."""
    rng = np.random.default_rng(6)
    x = rng.normal(size=(6, 3))
    fused = layers.Dense(4, activation="relu")
    composite = layers.Dense(4, activation=lambda z: ops.relu(z))
    fused.build((None, 3))
    composite.build((None, 3))
    set_weights(fused, rng)
    composite.set_weights(fused.get_weights())
    assert fused._fused and not composite._fused
    results = []
    for layer in (fused, composite):
        with keraslite.GradientTape() as tape:
            loss = ops.sum(ops.square(layer(x)))
        results.append([g.numpy() for g in tape.gradient(loss, layer.trainable_variables)])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12)


# -- custom layers written only with keraslite.ops ----------------------------------------
class ScaleShift(keraslite.Layer):
    """y = x · scale + shift, with a per-feature scale and a scalar shift."""

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")
        self.shift = self.add_weight(shape=(), initializer="zeros", name="shift")

    def call(self, x):
        return ops.add(ops.multiply(x, self.scale), self.shift)


class GatedUnit(keraslite.Layer):
    """y = σ(x W_g + b_g) ⊙ tanh(x W_v): a small gated unit."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        d = input_shape[-1]
        self.w_gate = self.add_weight(shape=(d, self.units), name="w_gate")
        self.b_gate = self.add_weight(shape=(self.units,), initializer="zeros", name="b_gate")
        self.w_value = self.add_weight(shape=(d, self.units), name="w_value")

    def call(self, x):
        gate = ops.sigmoid(ops.add(ops.matmul(x, self.w_gate), self.b_gate))
        return ops.multiply(gate, ops.tanh(ops.matmul(x, self.w_value)))


class Standardize(keraslite.Layer):
    """(x - mean) / sqrt(var + ε) over the features, then a learned gain (reductions inside)."""

    def build(self, input_shape):
        self.gain = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="gain")

    def call(self, x):
        centered = ops.subtract(x, ops.mean(x, axis=-1, keepdims=True))
        scale = ops.sqrt(ops.add(ops.var(x, axis=-1, keepdims=True), 1e-3))
        return ops.multiply(ops.divide(centered, scale), self.gain)


@pytest.mark.parametrize("make", [lambda: ScaleShift(), lambda: GatedUnit(3),
                                  lambda: Standardize()],
                         ids=["scale_shift", "gated_unit", "standardize"])
def test_custom_layer_gradients(float64, make):
    rng = np.random.default_rng(8)
    layer = make()
    x = rng.normal(size=(4, 3))
    layer(x)
    set_weights(layer, rng)
    check_gradients(layer, [x], variables=layer.trainable_variables)


# -- whole models -------------------------------------------------------------------------
def sequential_mlp():
    model = keraslite.Sequential([
        keraslite.Input((4,)),
        layers.Dense(5, activation="relu", kernel_regularizer=regularizers.L2(0.05)),
        layers.Dense(4, activation="tanh", use_bias=False),
        layers.Dense(3, activation="softmax"),
    ])
    x = R.normal(size=(6, 4))
    y = np.eye(3)[R.integers(0, 3, 6)]
    return model, "categorical_crossentropy", None, x, y, R.uniform(0.5, 2.0, 6)


# Dense stacks with fusable activations and standard losses: the kind of model a fixed fast
# training plan may handle; the checks below hold whichever path fit takes.
def dense_stack_categorical():
    model = keraslite.Sequential([keraslite.Input((4,)), layers.Dense(5, activation="relu"),
                                  layers.Dense(4, activation="tanh"),
                                  layers.Dense(3, activation="softmax")])
    x = R.normal(size=(6, 4))
    y = np.eye(3)[R.integers(0, 3, 6)]
    return model, "categorical_crossentropy", None, x, y, R.uniform(0.5, 2.0, 6)


def dense_stack_binary():
    model = keraslite.Sequential([keraslite.Input((3,)), layers.Dense(4, activation="sigmoid"),
                                  layers.Dense(1, activation="sigmoid")])
    x = R.normal(size=(5, 3))
    return model, "binary_crossentropy", None, x, (R.random((5, 1)) > 0.5) * 1.0, None


def dense_stack_sparse_logits():
    inputs = keraslite.Input((3,))
    hidden = layers.Dense(4, activation="tanh")(inputs)
    model = keraslite.Model(inputs, layers.Dense(3)(hidden))
    x = R.normal(size=(5, 3))
    loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    return model, loss, None, x, R.integers(0, 3, 5), R.uniform(0.5, 2.0, 5)


def dense_stack_regression():
    model = keraslite.Sequential([keraslite.Input((3,)), layers.Dense(3, use_bias=False),
                                  layers.Dense(2, activation="linear")])
    x = R.normal(size=(5, 3))
    return model, "mse", None, x, R.normal(size=(5, 2)), None


def sequential_logits():
    model = keraslite.Sequential([keraslite.Input((3,)), layers.Dense(4, activation="silu"),
                                  layers.Dense(1)])
    x = R.normal(size=(5, 3))
    y = (R.random((5, 1)) > 0.5) * 1.0
    return model, losses.BinaryCrossentropy(from_logits=True), None, x, y, None


def functional_shared():
    a = keraslite.Input((3,), name="a")
    b = keraslite.Input((3,), name="b")
    shared = layers.Dense(4, activation="tanh")
    ha, hb = shared(a), shared(b)
    out1 = layers.Dense(2, name="regression")(ha + hb * 0.5)
    out2 = layers.Dense(3, activation="softmax", name="classes")(ha)
    model = keraslite.Model(inputs=[a, b], outputs=[out1, out2])
    x = [R.normal(size=(5, 3)), R.normal(size=(5, 3))]
    y = [R.normal(size=(5, 2)), R.integers(0, 3, 5)]
    return (model, ["mse", "sparse_categorical_crossentropy"], [1.0, 0.5], x, y, None)


def custom_layers():
    model = keraslite.Sequential([keraslite.Input((3,)), GatedUnit(4), Standardize(),
                                  ScaleShift(), layers.Dense(1)])
    x = R.normal(size=(6, 3))
    return model, "mse", None, x, R.normal(size=(6, 1)), None


MODELS = {"dense_stack_categorical": dense_stack_categorical,
          "dense_stack_binary": dense_stack_binary,
          "dense_stack_sparse_logits": dense_stack_sparse_logits,
          "dense_stack_regression": dense_stack_regression,
          "sequential_mlp": sequential_mlp, "sequential_logits": sequential_logits,
          "functional_two_inputs_shared": functional_shared, "custom_layers": custom_layers}


def _prepared(name):
    model, loss, loss_weights, x, y, sw = MODELS[name]()
    model.compile(optimizer=optimizers.SGD(learning_rate=1.0), loss=loss,
                  loss_weights=loss_weights)
    set_weights(model, np.random.default_rng(9))
    return model, loss, loss_weights, x, y, sw


def _loss_by_hand(model, loss, loss_weights, x, y, sw):
    """The compiled loss, written out with keraslite.losses (for the GradientTape)."""
    preds = model(x, training=True)
    preds = preds if isinstance(preds, list) else [preds]
    ys = y if isinstance(y, list) else [y]
    specs = loss if isinstance(loss, list) else [loss]
    weights = loss_weights or [1.0] * len(preds)
    total = None
    for spec, w, yk, pk in zip(specs, weights, ys, preds):
        fn = losses.get(spec)
        value = fn(yk, pk, sample_weight=sw) if isinstance(fn, losses.Loss) else \
            losses.reduce_values(fn(yk, pk), sw)
        term = ops.multiply(value, w)
        total = term if total is None else ops.add(total, term)
    for penalty in model.losses:
        total = ops.add(total, penalty)
    return total


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_loss_gradient_tape_vs_finite_differences(float64, name):
    model, loss, loss_weights, x, y, sw = _prepared(name)
    check_gradients(lambda: _loss_by_hand(model, loss, loss_weights, x, y, sw), [],
                    variables=model.trainable_variables)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_compiled_loss_gradient_of_a_training_step(float64, name):
    """The gradient a training step applies matches central differences of the compiled loss."""
    model, loss, loss_weights, x, y, sw = _prepared(name)
    variables = model.trainable_variables
    before = [v.value.copy() for v in variables]

    def compiled_loss():
        return model.test_on_batch(x, y, sample_weight=sw, return_dict=True)["loss"]

    base = compiled_loss()
    with keraslite.GradientTape() as tape:
        by_hand = _loss_by_hand(model, loss, loss_weights, x, y, sw)
    tape_grads = [g.numpy() for g in tape.gradient(by_hand, variables)]
    np.testing.assert_allclose(float(by_hand), base, rtol=1e-12)

    def applied_step(train):
        """Run one training step and return minus the change of each weight (SGD(1.0))."""
        loss_value = train()
        step = [b - v.value for b, v in zip(before, variables)]
        for v, b in zip(variables, before):
            v.assign(b)
        return loss_value, step

    loss_value, step = applied_step(lambda: model.train_on_batch(
        x, y, sample_weight=sw, return_dict=True)["loss"])
    np.testing.assert_allclose(loss_value, base, rtol=1e-12)
    loss_value, fit_step = applied_step(lambda: model.fit(
        x, y, sample_weight=sw, batch_size=len(y[0] if isinstance(y, list) else y), epochs=1,
        shuffle=False, verbose=0).history["loss"][0])
    np.testing.assert_allclose(loss_value, base, rtol=1e-12)

    h = 1e-6
    for v, g_step, g_fit, g_tape in zip(variables, step, fit_step, tape_grads):
        np.testing.assert_allclose(g_step, g_tape, rtol=1e-9, atol=1e-12, err_msg=v.path)
        np.testing.assert_allclose(g_fit, g_tape, rtol=1e-9, atol=1e-12, err_msg=v.path)
        numeric = np.zeros_like(g_step)
        for idx in np.ndindex(v.shape):
            old = v.value[idx]
            v.value[idx] = old + h
            plus = compiled_loss()
            v.value[idx] = old - h
            minus = compiled_loss()
            v.value[idx] = old
            numeric[idx] = (plus - minus) / (2 * h)
        np.testing.assert_allclose(g_step, numeric, rtol=1e-5, atol=1e-7, err_msg=v.path)


# -- GradientTape -------------------------------------------------------------------------
def test_custom_training_loop_with_apply_gradients(float64):
    rng = np.random.default_rng(12)
    x = rng.normal(size=(64, 3))
    y = np.sin(x[:, :1]) + x[:, 1:2] * x[:, 2:3]
    model = keraslite.Sequential([keraslite.Input((3,)), layers.Dense(16, activation="tanh"),
                                  GatedUnit(8), layers.Dense(1)])
    optimizer = optimizers.Adam(learning_rate=0.02)
    loss_fn = losses.MeanSquaredError()
    history = []
    for _ in range(150):
        with keraslite.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        assert all(g is not None for g in grads)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        history.append(float(loss))
    assert history[-1] < 0.2 * history[0]


def test_watch_a_converted_tensor():
    x = ops.convert_to_tensor(np.array([1.0, -2.0, 3.0]))
    with keraslite.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(ops.multiply(ops.square(x), 0.5))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), x.numpy())


def test_unwatched_tensor_and_unconnected_source_give_none():
    x = ops.convert_to_tensor(np.array([1.0, 2.0]))
    v = keraslite.Variable(np.array([0.5, 0.5]))
    unused = keraslite.Variable(np.array([1.0]))
    frozen = keraslite.Variable(np.array([2.0, 2.0]), trainable=False)
    with keraslite.GradientTape() as tape:
        y = ops.sum(ops.multiply(ops.multiply(x, v), frozen))
        ops.argmax(v)
    grads = tape.gradient(y, {"x": x, "v": v, "unused": unused, "frozen": frozen})
    assert grads["x"] is None and grads["unused"] is None and grads["frozen"] is None
    np.testing.assert_allclose(grads["v"].numpy(), [2.0, 4.0])


def test_gradient_through_a_non_differentiable_op_is_none():
    v = keraslite.Variable(np.array([0.5, -0.5]))
    with keraslite.GradientTape() as tape:
        y = ops.sum(ops.cast(ops.greater(v, 0.0), "float64"))
    assert tape.gradient(y, v) is None


def test_persistent_tape_allows_several_gradients():
    v = keraslite.Variable(np.array([1.0, 2.0]))
    with keraslite.GradientTape(persistent=True) as tape:
        y = ops.sum(ops.square(v))
        z = ops.sum(ops.exp(v))
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), [2.0, 4.0])
    np.testing.assert_allclose(tape.gradient(z, [v])[0].numpy(), np.exp([1.0, 2.0]))
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), [2.0, 4.0])


def test_non_persistent_tape_allows_one_gradient():
    v = keraslite.Variable(np.array([1.0]))
    with keraslite.GradientTape() as tape:
        y = ops.sum(ops.square(v))
    tape.gradient(y, v)
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(y, v)


def test_tape_output_gradients_and_list_targets():
    v = keraslite.Variable(np.array([1.0, 2.0]))
    with keraslite.GradientTape(persistent=True) as tape:
        y = ops.multiply(v, 3.0)
        z = ops.square(v)
    g = tape.gradient(y, v, output_gradients=np.array([1.0, -1.0]))
    np.testing.assert_allclose(g.numpy(), [3.0, -3.0])
    np.testing.assert_allclose(tape.gradient([y, z], v).numpy(), [5.0, 7.0])


def test_watch_rejects_arrays():
    with keraslite.GradientTape() as tape, pytest.raises(TypeError, match="convert_to_tensor"):
        tape.watch(np.ones(2))


def test_ops_outside_a_tape_record_nothing():
    v = keraslite.Variable(np.array([1.0, 2.0]))
    y = ops.sum(ops.square(v))
    assert y.vjp is None and not y.parents


def test_gradient_tape_stop_recording_and_nested_tapes():
    import warnings

    from keraslite.naming import KerasliteWarning

    w = keraslite.Variable(np.array([1.0, 2.0]))
    with keraslite.GradientTape() as tape:
        y = keraslite.ops.sum(w * w)
        with tape.stop_recording():
            frozen = keraslite.ops.sum(w * 3.0)
        total = y + frozen
        inside = tape.gradient(total, w)  # inside its own block: fine, no warning
    np.testing.assert_allclose(inside.numpy(), [2.0, 4.0])
    with keraslite.GradientTape() as outer:
        with keraslite.GradientTape() as inner:
            cube = keraslite.ops.sum(w ** 3)
        with pytest.warns(KerasliteWarning, match="first-order gradients only"):
            first = inner.gradient(cube, w)
    np.testing.assert_allclose(first.numpy(), [3.0, 12.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with keraslite.GradientTape() as alone:
            square = keraslite.ops.sum(w * w)
        alone.gradient(square, w)
    del outer
