"""The one epoch loop: sparse matrices, bad input, and the same hooks for every kind of data."""

from __future__ import annotations

import numpy as np
import pytest

import keraslite as keras
from keraslite import layers

scipy_sparse = pytest.importorskip("scipy.sparse")


def _model(features: int, out: str = "sigmoid"):
    model = keras.Sequential([keras.Input((features,)), layers.Dense(8, activation="relu"),
                              layers.Dense(1, activation=out)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def test_sparse_matrices_train_evaluate_and_predict_one_batch_at_a_time():
    rng = np.random.default_rng(0)
    dense = (rng.random((200, 30)) < 0.1) * rng.random((200, 30))
    y = (dense[:, :5].sum(axis=1) > dense[:, 5:10].sum(axis=1)).astype("float32")
    x = scipy_sparse.csr_matrix(dense)
    keras.utils.set_random_seed(1)
    model = _model(30)
    history = model.fit(x, y, epochs=40, batch_size=16, verbose=0, validation_split=0.2)
    assert history.history["accuracy"][-1] > 0.9  # it learns from the sparse rows
    keras.utils.set_random_seed(1)
    twin = _model(30)
    twin.fit(dense.astype("float32"), y, epochs=40, batch_size=16, verbose=0,
             validation_split=0.2)
    for a, b in zip(model.get_weights(), twin.get_weights()):  # the same as dense data
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict(x.tocsc(), verbose=0),
                               model.predict(dense.astype("float32"), verbose=0), rtol=1e-6)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(
        model.evaluate(dense.astype("float32"), y, verbose=0))


def test_fit_on_empty_data_says_there_are_no_samples():
    model = _model(3)
    with pytest.raises(ValueError, match="no samples"):
        model.fit(np.zeros((0, 3)), np.zeros(0), verbose=0)
    with pytest.raises(ValueError, match="0 samples"):
        model.train_on_batch(np.zeros((0, 3)), np.zeros(0))


def test_ragged_token_lists_name_pad_sequences():
    model = _model(3)
    with pytest.raises(ValueError, match="pad_sequences"):
        model.fit([[1, 2, 3], [4, 5]], [0, 1], verbose=0)


def test_validation_on_a_generator_calls_the_test_hooks():
    events = []

    class Recorder(keras.callbacks.Callback):
        def on_test_begin(self, logs=None):
            events.append("begin")

        def on_test_batch_end(self, batch, logs=None):
            events.append("batch")

        def on_test_end(self, logs=None):
            events.append("end")

    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(40, 3)), rng.integers(0, 2, 40).astype("float32")

    def batches():
        while True:
            for i in range(0, 40, 10):
                yield x[i:i + 10], y[i:i + 10]

    for data in ((x, y), batches()):
        events.clear()
        model = _model(3)
        model.fit(x, y, epochs=2, verbose=0, validation_data=data, validation_steps=4,
                  validation_batch_size=10,
                  callbacks=[Recorder()])
        assert events == (["begin"] + ["batch"] * 4 + ["end"]) * 2


def test_steps_per_execution_says_it_is_ignored():
    model = _model(3)
    with pytest.warns(UserWarning, match="steps_per_execution"):
        model.compile(optimizer="sgd", loss="mse", steps_per_execution=8)


def test_an_overridden_train_step_runs_as_written_and_the_default_step_on_the_engine():
    class Custom(keras.Sequential):
        calls = 0

        def train_step(self, data):
            Custom.calls += 1
            return super().train_step(data)

    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(30, 3)), rng.normal(size=30)
    results = []
    for cls in (Custom, keras.Sequential):
        keras.utils.set_random_seed(4)
        model = cls([keras.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        history = model.fit(x, y, batch_size=10, epochs=3, verbose=0, shuffle=False)
        results.append((model.get_weights(), history.history["loss"]))
    assert Custom.calls == 9
    for a, b in zip(results[0][0], results[1][0]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-5)


@pytest.mark.parametrize("epochs", ["3", -1, 2.5, None])
def test_fit_refuses_epochs_that_are_not_counts(epochs):
    model = _model(3)
    with pytest.raises(ValueError, match="epochs"):
        model.fit(np.zeros((4, 3)), np.zeros(4), epochs=epochs, verbose=0)


def test_a_generator_of_sparse_batches_trains():
    rng = np.random.default_rng(5)
    dense = (rng.random((64, 12)) < 0.2).astype("float32")
    y = dense[:, 0].copy()

    def batches():
        while True:
            for i in range(0, 64, 16):
                yield scipy_sparse.csr_matrix(dense[i:i + 16]), y[i:i + 16]

    keras.utils.set_random_seed(6)
    model = _model(12)
    history = model.fit(batches(), steps_per_epoch=4, epochs=30, verbose=0)
    assert history.history["accuracy"][-1] > 0.9
