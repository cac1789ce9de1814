"""The engine on Dense stacks computes what the tape computes, in reused buffers."""

import numpy as np
import pytest

import keraslite as keras
from keraslite.autodiff import backward, recording
from keraslite.training.engine import Engine, PlanStep

CASES = [
    # hidden activations, output activation, units, loss
    (("sigmoid", "relu"), "sigmoid", 1, "binary_crossentropy"),
    (("tanh",), "linear", 1, keras.losses.BinaryCrossentropy(from_logits=True)),
    (("relu",), "linear", 2, "mse"),
    (("sigmoid",), "softmax", 3, "categorical_crossentropy"),
    (("relu",), "linear", 3, keras.losses.CategoricalCrossentropy(from_logits=True)),
    (("tanh", "relu"), "softmax", 4, "sparse_categorical_crossentropy"),
    (("relu",), "linear", 4, keras.losses.SparseCategoricalCrossentropy(from_logits=True)),
    (("linear",), "sigmoid", 2, "mse"),
    (("softplus",), "tanh", 1, "mae"),  # Dense(softplus) and mae: on the tape, in the plan
]


def build(hidden, out, units, loss):
    layers = [keras.Input(shape=(5,))] + [keras.layers.Dense(6, activation=a) for a in hidden]
    model = keras.Sequential(layers + [keras.layers.Dense(units, activation=out)])
    model.compile(optimizer="sgd", loss=loss)
    return model


def data(units, loss, n=7, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5))
    name = loss if isinstance(loss, str) else loss.name
    if "sparse" in name:
        y = rng.integers(0, units, n)
    elif "categorical" in name:
        y = keras.utils.to_categorical(rng.integers(0, units, n), units)
    elif "binary" in name:
        y = rng.integers(0, 2, (n, units)).astype(float)
    else:
        y = rng.normal(size=(n, units))
    return x, y


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{c[3]}")
@pytest.mark.parametrize("weighted", [False, True])
def test_plan_gradients_equal_tape_gradients(float64, case, weighted):
    model = build(*case)
    x, y = data(case[2], case[3])
    sw = np.linspace(0.5, 2.0, len(x)) if weighted else None
    model._ensure_compiled([x], "single", [y], [] if sw is None else [sw])
    variables = model.trainable_variables
    with recording():
        total, *_ = model._forward_loss(x, [y], [] if sw is None else [sw], True)
    tape = backward(total, variables)
    engine = Engine(model)
    engine.prepare()
    plan = engine._trace([x])
    assert isinstance(plan, PlanStep)
    model.optimizer.learning_rate = 0.0  # the gradients only
    pred = plan.run([x], [y], [] if sw is None else [sw])
    if case[3] == "mae":
        assert pred is None  # no closed-form kernel: the tape's loss, tracked at once
    else:
        np.testing.assert_allclose(pred, model.predict(x, verbose=0), rtol=1e-12)
    for f, t in zip(plan.params.grad_views, tape):
        np.testing.assert_allclose(f, t, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("case", CASES[:7], ids=lambda c: f"{c[1]}-{c[3]}")
def test_fit_fast_and_eager_paths_agree(case):
    x, y = data(case[2], case[3], n=40, seed=1)
    results = []
    for eager in (False, True):
        keras.utils.clear_session()
        keras.utils.set_random_seed(3)
        model = build(*case)
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss=case[3], metrics=["accuracy"],
                      run_eagerly=eager)
        history = model.fit(x, y, batch_size=8, epochs=3, verbose=0, validation_split=0.25)
        results.append((model.get_weights(), history.history))
    (w_fast, h_fast), (w_tape, h_tape) = results
    for a, b in zip(w_fast, w_tape):
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-5)
    assert sorted(h_fast) == sorted(h_tape)
    for key in h_fast:
        np.testing.assert_allclose(h_fast[key], h_tape[key], rtol=2e-4, atol=2e-5, err_msg=key)


def test_weights_live_in_one_flat_buffer_after_fit():
    model = build(("relu",), "sigmoid", 1, "binary_crossentropy")
    x, y = data(1, "binary_crossentropy", n=16)
    model.fit(x, y, epochs=1, verbose=0)
    params = model._flat_parameters
    assert all(v.value.base is params.flat for v in model.trainable_variables)
    slots = model.optimizer._flat["slots"] if model.optimizer._flat else {}
    assert isinstance(slots, dict)
    # set_weights writes through to the buffer
    model.set_weights([np.zeros_like(w) for w in model.get_weights()])
    assert not params.flat.any()


def test_predict_fast_path_equals_calling_the_model():
    model = build(("relu", "tanh"), "softmax", 3, "categorical_crossentropy")
    x = np.random.default_rng(2).normal(size=(70, 5)).astype("float32")
    np.testing.assert_allclose(model.predict(x, batch_size=16, verbose=0), model(x).numpy(),
                               rtol=1e-6, atol=1e-7)


def test_large_data_is_shuffled_per_batch_with_the_same_result(monkeypatch):
    from keraslite.training import sources as loop

    x, y = data(3, "sparse_categorical_crossentropy", n=48, seed=4)
    weights = []
    for limit in (loop.GATHER_ONCE_BYTES, 0):  # one gather per epoch, then one per batch
        monkeypatch.setattr(loop, "GATHER_ONCE_BYTES", limit)
        for eager in (False, True):
            keras.utils.clear_session()
            keras.utils.set_random_seed(5)
            model = build(("relu",), "softmax", 3, "sparse_categorical_crossentropy")
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                          run_eagerly=eager)
            model.fit(x.astype("float32"), y, batch_size=10, epochs=2, verbose=0)
            weights.append(model.get_weights())
    for other in weights[1:]:
        for a, b in zip(weights[0], other):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("loss", ["sparse_categorical_crossentropy", "binary_crossentropy"])
def test_a_steady_state_step_allocates_no_arrays(monkeypatch, loss):
    """Batches, activations, deltas and the loss gradient live in reused buffers."""
    import tracemalloc

    from keraslite.training import sources as loop

    monkeypatch.setattr(loop, "GATHER_ONCE_BYTES", 0)  # the batch gather of a large x, too
    units = 3 if loss.startswith("sparse") else 1
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64 * 30, 5)).astype("float32")
    x = np.ascontiguousarray(np.repeat(x, 64, axis=1))  # 320 features: a batch is 80 KiB
    output = "softmax" if units > 1 else "sigmoid"
    model = keras.Sequential([keras.Input((320,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(units, activation=output)])
    model.compile(optimizer="adam", loss=loss)
    y = rng.integers(0, units + (units == 1), size=len(x))
    sw = rng.random(len(x)).astype("float32")
    model.fit(x[:128], y[:128], sample_weight=sw[:128], batch_size=64, verbose=0)

    peaks = []

    class Probe(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            current, peak = tracemalloc.get_traced_memory()
            peaks.append(peak - current)
            tracemalloc.reset_peak()

    tracemalloc.start()
    try:
        model.fit(x, y, sample_weight=sw, batch_size=64, verbose=0, callbacks=[Probe()])
    finally:
        tracemalloc.stop()
    # NumPy's broadcasting ufuncs (the bias add) use one internal 8192-element buffer: 32 KiB
    assert np.median(peaks[5:]) < 40 * 1024, peaks
