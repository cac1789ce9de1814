"""The engine's replayed step against the tape, for every layer of the catalogue and every loss.

Each check builds a small model around the layer (a trainable Dense before it, so that the
gradient w.r.t. the layer's input is checked too, and a Dense after it), takes one SGD step of
learning rate 1 with the engine and one with the tape (``run_eagerly=True``) from the same
weights and the same random state, in float64: the weights after the step (w - ∇L) and the
layer's state (moving statistics) must agree. The layers are read from ``keraslite.layers``,
so a new layer is covered when it arrives: give it an entry in SPECS if its constructor needs
arguments or its input is not a batch of vectors.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import keraslite as keras
from keraslite import layers, ops
from keraslite.losses import registry
from keraslite.training.engine import PlanStep

IMAGE = (6, 6, 3)
WORDS = np.array(["a b", "b c", "c a d", "d", "a", "b b"])


def _words(rng, n):
    return WORDS[rng.integers(0, len(WORDS), n)]


def _ids(rng, n):
    return rng.integers(0, 5, (n, 3))


def _ints(rng, n):
    return rng.integers(0, 4, (n, 1))


# name -> list of (constructor kwargs, sample shape, number of inputs[, options]); options:
# "raw": the layer reads the model's input directly (no trainable Dense before it, for layers
# that take strings or integer ids), "dtype" the Input's dtype, "data"(rng, n) the inputs.
SPECS: dict = {
    "CategoryEncoding": [({"num_tokens": 4, "output_mode": "one_hot"}, (1,), 1,
                          {"raw": True, "dtype": "int64", "data": _ints})],
    "Hashing": [({"num_bins": 5}, (1,), 1, {"raw": True, "dtype": "int64", "data": _ints})],
    "IntegerLookup": [({"vocabulary": [1, 2, 3]}, (1,), 1,
                       {"raw": True, "dtype": "int64", "data": _ints})],
    "StringLookup": [({"vocabulary": ["a", "b", "c"], "output_mode": "multi_hot"}, (), 1,
                      {"raw": True, "dtype": "string", "data": _words})],
    "TextVectorization": [({"vocabulary": ["a", "b", "c"], "output_mode": "tf_idf",
                            "idf_weights": [1.0, 1.5, 2.0]}, (), 1,
                           {"raw": True, "dtype": "string", "data": _words})],
    "Embedding": [({"input_dim": 5, "output_dim": 4}, (3,), 1,
                   {"raw": True, "dtype": "int64", "data": _ids}),
                  ({"input_dim": 5, "output_dim": 4, "mask_zero": True}, (3,), 1,
                   {"raw": True, "dtype": "int64", "taped": True, "data": _ids})],
    "SimpleRNN": [({"units": 4}, (3, 5), 1), ({"units": 4, "return_sequences": True}, (3, 5), 1)],
    "LSTM": [({"units": 4}, (3, 5), 1), ({"units": 4, "return_sequences": True}, (3, 5), 1)],
    "GRU": [({"units": 4}, (3, 5), 1), ({"units": 4, "reset_after": False}, (3, 5), 1)],
    "RNN": [(lambda: {"cell": layers.LSTMCell(4)}, (3, 5), 1),
            (lambda: {"cell": layers.StackedRNNCells([layers.GRUCell(3),
                                                      layers.SimpleRNNCell(4)])}, (3, 5), 1)],
    "Bidirectional": [(lambda: {"layer": layers.LSTM(3, return_sequences=True)}, (3, 5), 1)],
    "TimeDistributed": [(lambda: {"layer": layers.Dense(3, activation="relu")}, (3, 5), 1)],
    "CenterCrop": [({"height": 4, "width": 4}, IMAGE, 1)],
    # at inference keraslite's RandomCrop returns the image uncropped (a model built on
    # (6, 6, 3) then fails), so the crop is checked on images of the crop's size
    "RandomCrop": [({"height": 4, "width": 4}, (4, 4, 3), 1)],
    "Resizing": [({"height": 4, "width": 5}, IMAGE, 1)],
    "RandomFlip": [({}, IMAGE, 1)],
    "RandomBrightness": [({"factor": 0.2, "value_range": (-3, 3)}, IMAGE, 1)],
    "RandomContrast": [({"factor": 0.2}, IMAGE, 1)],
    "RandomRotation": [({"factor": 0.1}, IMAGE, 1)],
    "RandomTranslation": [({"height_factor": 0.1, "width_factor": 0.1}, IMAGE, 1)],
    "RandomZoom": [({"height_factor": 0.1}, IMAGE, 1)],
    "Activation": [({"activation": a}, (5,), 1) for a in
                   ("relu", "sigmoid", "tanh", "softmax", "linear", "elu", "gelu")],
    "Dense": [({"units": 4, "activation": a}, (5,), 1) for a in
              ("relu", "sigmoid", "tanh", "softmax", None, "softplus")] +
             [({"units": 4, "activation": "relu"}, (3, 5), 1)],
    "Dropout": [({"rate": 0.3}, (5,), 1), ({"rate": 0.3, "noise_shape": (None, 1)}, (5,), 1)],
    "AlphaDropout": [({"rate": 0.3}, (5,), 1)],
    "GaussianDropout": [({"rate": 0.3}, (5,), 1)],
    "GaussianNoise": [({"stddev": 0.3}, (5,), 1)],
    "SpatialDropout1D": [({"rate": 0.3}, (3, 5), 1)],
    "BatchNormalization": [({}, (5,), 1), ({"momentum": 0.5}, (3, 5), 1),
                           ({"center": False, "scale": False}, (5,), 1)],
    "LayerNormalization": [({}, (5,), 1)],
    "Normalization": [({"mean": 0.5, "variance": 2.0}, (5,), 1)],
    "LeakyReLU": [({}, (5,), 1), ({"negative_slope": 0.05}, (3, 5), 1)],
    "ReLU": [({}, (5,), 1), ({"max_value": 0.5, "negative_slope": 0.1}, (5,), 1)],
    "PReLU": [({}, (5,), 1)],
    "ELU": [({}, (5,), 1)],
    "Softmax": [({}, (5,), 1)],
    "Flatten": [({}, (3, 5), 1)],
    "Identity": [({}, (5,), 1)],
    "Lambda": [({"function": lambda x: ops.tanh(x)}, (5,), 1)],
    "Permute": [({"dims": (2, 1)}, (3, 5), 1)],
    "RepeatVector": [({"n": 2}, (5,), 1)],
    "Rescaling": [({"scale": 0.5, "offset": 0.1}, (5,), 1)],
    "Reshape": [({"target_shape": (5, 1)}, (5,), 1)],
    "Add": [({}, (5,), 2)], "Subtract": [({}, (5,), 2)], "Multiply": [({}, (5,), 2)],
    "Average": [({}, (5,), 2)], "Maximum": [({}, (5,), 2)], "Minimum": [({}, (5,), 2)],
    "Concatenate": [({}, (5,), 2)], "Dot": [({"axes": 1}, (5,), 2)],
}
# cells run inside RNN (checked there); they take (inputs, states), not a batch
SPATIAL = {1: (6, 2), 2: (5, 5, 2), 3: (4, 4, 4, 2)}
for _d, _shape in SPATIAL.items():
    SPECS.update({
        f"Conv{_d}D": [({"filters": 3, "kernel_size": 2, "activation": "relu"}, _shape, 1)],
        f"Conv{_d}DTranspose": [({"filters": 3, "kernel_size": 2}, _shape, 1)],
        f"AveragePooling{_d}D": [({"pool_size": 2}, _shape, 1)],
        f"MaxPooling{_d}D": [({"pool_size": 2}, _shape, 1)],
        f"GlobalAveragePooling{_d}D": [({}, _shape, 1)],
        f"GlobalMaxPooling{_d}D": [({}, _shape, 1)],
        f"Cropping{_d}D": [({"cropping": 1}, _shape, 1)],
        f"UpSampling{_d}D": [({}, _shape, 1)],
        f"ZeroPadding{_d}D": [({}, _shape, 1)],
        f"SpatialDropout{_d}D": [({"rate": 0.3}, (3, 5) if _d == 1 else _shape, 1)],
    })
for _d in (1, 2):
    SPECS[f"DepthwiseConv{_d}D"] = [({"kernel_size": 2}, SPATIAL[_d], 1)]
    SPECS[f"SeparableConv{_d}D"] = [({"filters": 3, "kernel_size": 2}, SPATIAL[_d], 1)]

SKIP = {"Layer", "InputLayer", "KerasTensor", "SimpleRNNCell", "LSTMCell", "GRUCell",
        "StackedRNNCells"}
MASK_MAKERS = {"Masking"}


def _catalogue() -> list:
    params, seen = [], set()
    for name in sorted(dir(layers)):
        cls = getattr(layers, name)
        if name.startswith("_") or name in SKIP or cls in seen \
                or not (inspect.isclass(cls) and issubclass(cls, layers.Layer)):
            # private names are not layers of the catalogue; an alias (MaxPool2D) is checked once
            continue
        seen.add(cls)
        specs = SPECS.get(name) or SPECS.get(cls.__name__) or [({}, (5,), 1)]
        for i, spec in enumerate(specs):
            params.append(pytest.param(cls, spec, id=f"{name}-{i}"))
    return params


def _model(cls, spec):
    kwargs, shape, n_inputs = spec[:3]
    options = spec[3] if len(spec) > 3 else {}
    inputs = [keras.Input(shape, dtype=options.get("dtype")) for _ in range(n_inputs)]
    pre = inputs if options.get("raw") else [
        layers.Dense(shape[-1], activation="tanh")(t) for t in inputs]
    try:
        out = cls(**(kwargs() if callable(kwargs) else kwargs))(pre if n_inputs > 1 else pre[0])
    except (TypeError, ValueError) as err:
        pytest.skip(f"{cls.__name__} needs an entry in SPECS ({err})")
    if len(out.shape) > 2:
        out = layers.Flatten()(out)
    return keras.Model(inputs, layers.Dense(3, activation="softmax")(out))


def _step(model, x, y, loss, eager):
    keras.utils.set_random_seed(7)
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss=loss, run_eagerly=eager)
    model.train_on_batch(x, y)
    return [w.copy() for w in model.get_weights()]


def _compare(build, x, y, loss):
    """One step of two identical models (``build()`` after the same seed, so that layers
    with random streams of their own draw alike): the engine's, then the tape's.
    """
    results, plans = [], []
    for eager in (False, True):
        keras.utils.set_random_seed(1)
        model = build()
        start = [w.copy() for w in model.get_weights()]
        results.append(_step(model, x, y, loss, eager))
        if not eager:
            plans = list(model._engine.plans.values())
    engine, tape = results
    for a, b in zip(engine, tape):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-10)
    assert any(not np.allclose(a, w) for a, w in zip(engine, start))  # it did train
    return plans


@pytest.mark.parametrize(("cls", "spec"), _catalogue())
@pytest.mark.parametrize("batch", [6, 1])
def test_engine_step_equals_tape_step_for_every_layer(float64, cls, spec, batch):
    rng = np.random.default_rng(2)
    data = (spec[3] if len(spec) > 3 else {}).get("data")
    x = [rng.normal(size=(batch,) + spec[1]) if data is None else data(rng, batch)
         for _ in range(spec[2])]
    y = rng.integers(0, 3, batch)
    plans = _compare(lambda: _model(cls, spec), x if len(x) > 1 else x[0], y,
                     "sparse_categorical_crossentropy")
    taped = (spec[3] if len(spec) > 3 else {}).get("taped")
    if cls.__name__ not in MASK_MAKERS and not taped:  # a graph with masks: the whole tape
        assert all(isinstance(p, PlanStep) for p in plans)


def _losses() -> list:
    seen, out = set(), []
    for name, value in sorted(registry.ALL.items()):
        if inspect.isclass(value) or id(value) in seen:
            continue
        seen.add(id(value))
        out.append(name)
    return out


@pytest.mark.parametrize("loss", _losses())
@pytest.mark.parametrize("weighted", [False, True], ids=["plain", "weighted"])
def test_engine_step_equals_tape_step_for_every_loss(float64, loss, weighted):
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((4,)), layers.Dense(6, activation="relu"),
                              layers.Dropout(0.2), layers.BatchNormalization(),
                              layers.Dense(3, activation="softmax")])
    rng = np.random.default_rng(4)
    x = rng.normal(size=(8, 4))
    if loss.startswith("sparse"):
        y = rng.integers(0, 3, 8)
    else:
        y = rng.dirichlet(np.ones(3), 8)
        if "binary" in loss or "hinge" in loss:
            y = (y > 0.3).astype("float64")
    sample_weight = np.linspace(0.5, 1.5, 8) if weighted else None
    start = [w.copy() for w in model.get_weights()]
    results = []
    for eager in (False, True):
        model.set_weights(start)
        keras.utils.set_random_seed(7)
        model.compile(optimizer=keras.optimizers.SGD(1.0), loss=loss, run_eagerly=eager,
                      metrics=["accuracy"])
        logs = model.train_on_batch(x, y, sample_weight=sample_weight, return_dict=True)
        results.append(([w.copy() for w in model.get_weights()], logs))
    (w_engine, logs_engine), (w_tape, logs_tape) = results
    for a, b in zip(w_engine, w_tape):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-10)
    assert logs_engine.keys() == logs_tape.keys()
    for key in logs_engine:
        np.testing.assert_allclose(logs_engine[key], logs_tape[key], rtol=1e-9, err_msg=key)


def test_a_custom_layer_written_with_ops_runs_as_a_tape_segment(float64):
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return ops.multiply(ops.tanh(x), self.w)

    def build():
        return keras.Sequential([keras.Input((4,)), layers.Dense(5), Scale(),
                                 layers.Dropout(0.3), layers.Dense(1, activation="sigmoid")])

    rng = np.random.default_rng(6)
    x, y = rng.normal(size=(7, 4)), rng.integers(0, 2, 7).astype("float64")
    plans = _compare(build, x, y, "binary_crossentropy")
    assert all(isinstance(p, PlanStep) for p in plans)


def test_a_subclass_overriding_call_does_not_inherit_the_kernel(float64):
    class Doubled(layers.Dense):
        def call(self, x):
            return ops.multiply(super().call(x), 2.0)

    def build():
        return keras.Sequential([keras.Input((3,)), Doubled(4, activation="relu"),
                                 layers.Dense(2, activation="softmax")])

    rng = np.random.default_rng(7)
    _compare(build, rng.normal(size=(5, 3)), rng.integers(0, 2, 5),
             "sparse_categorical_crossentropy")


def test_regularizers_and_subclassed_models_run_the_whole_step_on_the_tape(float64):
    def build():
        return keras.Sequential([keras.Input((3,)),
                                 layers.Dense(4, kernel_regularizer="l2", activation="relu"),
                                 layers.Dense(1)])

    rng = np.random.default_rng(8)
    plans = _compare(build, rng.normal(size=(5, 3)), rng.normal(size=5), "mse")
    assert not any(isinstance(p, PlanStep) for p in plans)

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.a, self.b = layers.Dense(4, activation="relu"), layers.Dense(1)

        def call(self, x):
            return self.b(self.a(x))

    def build_net():
        net = Net()
        net(np.zeros((1, 3)))
        return net

    plans = _compare(build_net, rng.normal(size=(5, 3)), rng.normal(size=5), "mse")
    assert not any(isinstance(p, PlanStep) for p in plans)


def test_distribution_hooks_are_called_once_per_step():
    from keraslite.training import distribute

    calls = {"shard": 0, "reduce": 0}

    class Recorder:
        def shard_rows(self, order):
            calls["shard"] += 1
            return order[::2]  # this worker's half

        def reduce_gradients(self, flat):
            calls["reduce"] += 1

    model = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    distribute.set_strategy(Recorder())
    try:
        model.fit(np.zeros((20, 3)), np.zeros(20), batch_size=5, epochs=2, verbose=0)
    finally:
        distribute.set_strategy(None)
    assert calls["reduce"] == 4  # 10 rows per worker: 2 steps per epoch
    assert calls["shard"] >= 2  # each epoch's order


def test_predict_through_the_kernels_equals_calling_the_model():
    from keraslite.training.replay import inference_kernels

    keras.utils.set_random_seed(9)
    model = keras.Sequential([keras.Input((5,)), layers.Dense(8, activation="relu"),
                              layers.BatchNormalization(), layers.Dropout(0.5),
                              layers.Dense(6), layers.LeakyReLU(),
                              layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(10)
    x = rng.normal(size=(50, 5)).astype("float32")
    model.fit(x, rng.integers(0, 3, 50), epochs=2, verbose=0)  # moving statistics move
    assert inference_kernels(model) is not None
    np.testing.assert_allclose(model.predict(x, batch_size=16, verbose=0),
                               model(x, training=False).numpy(), rtol=1e-5, atol=1e-6)
