"""compile / fit / evaluate / predict: behaviour, data handling, errors and learning."""

import io
import re

import numpy as np
import pytest

import keraslite as keras


def titanic_like(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 9)).astype("float32")
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype("int64")
    return x, y


def small_model(units=8, out_activation="sigmoid", optimizer="adam", loss="binary_crossentropy"):
    model = keras.Sequential([keras.Input(shape=(9,)), keras.layers.Dense(units, activation="relu"),
                              keras.layers.Dense(1, activation=out_activation)])
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    return model


def test_lecture_example_runs_100_epochs():
    x = np.random.rand(25, 3)
    y = np.random.randint(0, 2, 25)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(5, activation="sigmoid"),
                              keras.layers.Dense(1, activation="softmax")])
    with pytest.warns(keras.diagnostics.DiagnosticWarning, match="one-unit-softmax"):
        model.compile(loss="mean_squared_error", optimizer="sgd", metrics=["accuracy"])
    history = model.fit(x, y, epochs=100, batch_size=5, verbose=0)
    assert len(history.history["loss"]) == 100
    assert sorted(history.history) == ["accuracy", "loss"]
    # a 1-unit softmax always outputs exactly 1.0
    np.testing.assert_array_equal(model.predict(x, verbose=0), 1.0)


def test_same_seed_gives_identical_weights():
    x, y = titanic_like()

    def run():
        keras.utils.set_random_seed(42)
        model = small_model()
        model.fit(x, y, epochs=3, batch_size=16, verbose=0)
        return model.get_weights()

    for a, b in zip(run(), run()):
        np.testing.assert_array_equal(a, b)


def test_binary_model_learns():
    x, y = titanic_like(400)
    model = small_model(optimizer=keras.optimizers.Adam(0.01))
    history = model.fit(x[:300], y[:300], epochs=20, batch_size=32, verbose=0)
    assert history.history["accuracy"][-1] > 0.9
    loss, acc = model.evaluate(x[300:], y[300:], verbose=0)
    assert acc > 0.9 and loss < 0.3


def test_digits_multiclass_reaches_95_percent():
    datasets = pytest.importorskip("sklearn.datasets")
    digits = datasets.load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target
    rng = np.random.default_rng(0)
    order = rng.permutation(len(x))
    x, y = x[order], y[order]
    model = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[:1400], y[:1400], epochs=30, batch_size=32, verbose=0)
    _, acc = model.evaluate(x[1400:], y[1400:], verbose=0)
    assert acc >= 0.95


def test_categorical_with_to_categorical():
    x, y = titanic_like(300)
    model = keras.Sequential([keras.Input(shape=(9,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, keras.utils.to_categorical(y), epochs=10, verbose=0)
    assert history.history["accuracy"][-1] > 0.85
    np.testing.assert_array_equal(keras.utils.to_categorical([0, 2]), [[1, 0, 0], [0, 0, 1]])


def test_validation_split_takes_the_last_samples_and_reports_val_metrics():
    x, y = titanic_like(100)
    model = small_model()
    seen = []

    class Spy(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)

    history = model.fit(x, y, validation_split=0.2, batch_size=10, epochs=2, verbose=0,
                        callbacks=[Spy()])
    assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert max(seen) == 7  # 80 training samples in batches of 10
    val = model.evaluate(x[80:], y[80:], verbose=0, return_dict=True)
    assert val["loss"] == pytest.approx(history.history["val_loss"][-1], rel=1e-6)


def test_validation_data_and_history_object():
    x, y = titanic_like(60)
    model = small_model()
    history = model.fit(x, y, validation_data=(x[:20], y[:20]), epochs=3, initial_epoch=1,
                        verbose=0)
    assert history.epoch == [1, 2]
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 2}  # as Keras 3
    assert len(history.history["val_accuracy"]) == 2
    assert model.history is history


def test_sample_weight_zero_means_ignored():
    x, y = titanic_like(64)
    keras.utils.set_random_seed(1)
    a = small_model(optimizer="sgd")
    weights = np.r_[np.ones(32), np.zeros(32)]
    a.fit(x, y, sample_weight=weights, epochs=2, batch_size=64, shuffle=False, verbose=0)
    keras.utils.set_random_seed(1)
    b = small_model(optimizer="sgd")
    # Loss is a mean over the batch: half the samples with weight 0 halves the gradient.
    b.fit(x[:32], y[:32], sample_weight=np.full(32, 0.5), epochs=2, batch_size=32, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-6)


def test_class_weight_changes_the_loss():
    x, y = titanic_like(64)
    model = small_model()
    plain = model.evaluate(x, y, verbose=0)[0]
    model.fit(x, y, class_weight={0: 1.0, 1: 0.0}, epochs=1, verbose=0)
    logs = model.train_on_batch(x, y, class_weight={0: 0.0, 1: 0.0}, return_dict=True)
    assert logs["loss"] == 0.0
    assert plain > 0


def test_on_batch_methods_and_evaluate_forms():
    x, y = titanic_like(32)
    model = small_model()
    before = model.test_on_batch(x, y)
    assert isinstance(before, list) and len(before) == 2
    assert model.train_on_batch(x, y) == pytest.approx(before)
    assert model.predict_on_batch(x).shape == (32, 1)
    as_dict = model.evaluate(x, y, verbose=0, return_dict=True)
    assert sorted(as_dict) == ["accuracy", "loss"]
    only_loss = keras.Sequential([keras.Input((9,)), keras.layers.Dense(1)])
    only_loss.compile(optimizer="sgd", loss="mse")
    assert isinstance(only_loss.evaluate(x, y, verbose=0), float)


def test_inputs_as_dataframe_lists_and_dicts():
    pd = pytest.importorskip("pandas")
    x, y = titanic_like(40)
    model = small_model()
    frame = pd.DataFrame(x, columns=[f"c{i}" for i in range(9)])
    model.fit(frame, pd.Series(y), epochs=1, verbose=0)
    model.fit(x.tolist(), y.tolist(), epochs=1, verbose=0)
    model.fit(x, y.astype(bool), epochs=1, verbose=0)
    inp = keras.Input(shape=(9,), name="features")
    functional = keras.Model(inp, keras.layers.Dense(1, activation="sigmoid")(inp))
    functional.compile(optimizer="sgd", loss="binary_crossentropy")
    functional.fit({"features": x}, y, epochs=1, verbose=0)


def test_float64_mode():
    keras.config.set_floatx("float64")
    x, y = titanic_like(40)
    model = small_model()
    model.fit(x, y, epochs=1, verbose=0)
    assert all(w.dtype == np.float64 for w in model.get_weights())
    assert model.predict(x, verbose=0).dtype == np.float64


def test_ctrl_c_returns_history_of_completed_epochs(capsys):
    x, y = titanic_like(40)
    model = small_model()

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                raise KeyboardInterrupt

    history = model.fit(x, y, epochs=5, verbose=0, callbacks=[Interrupt()])
    assert history.epoch == [0, 1]
    assert "interrupted" in capsys.readouterr().err
    assert model.predict(x, verbose=0).shape == (40, 1)


def test_stop_training_and_callback_hooks():
    x, y = titanic_like(40)
    model = small_model()
    calls = []

    class Stop(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            calls.append("begin")

        def on_epoch_end(self, epoch, logs=None):
            calls.append(("epoch", epoch, sorted(logs)))
            self.model.stop_training = True

        def on_train_end(self, logs=None):
            calls.append("end")

    model.fit(x, y, epochs=10, verbose=0, callbacks=[Stop()])
    assert calls == ["begin", ("epoch", 0, ["accuracy", "loss"]), "end"]


# -- the status display ------------------------------------------------------------------
LINE = re.compile(r"^\s*(\d+)/\1 ━{20} \d+s \d+(s|ms|us)/step - accuracy: \d\.\d{4} - "
                  r"loss: \d\.\d{4}(e[-+]\d+)?$")


def test_progress_display_when_not_a_terminal(capsys):
    x, y = titanic_like(640)
    model = small_model()
    model.fit(x, y, epochs=3, batch_size=25, verbose=1)
    out = capsys.readouterr().out
    assert "\r" not in out and "\b" not in out and "\x1b" not in out
    lines = out.splitlines()
    assert lines[0::2] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    assert all(LINE.match(line) for line in lines[1::2]), lines
    assert lines[1].startswith("26/26 ")


def test_progress_verbose_2_and_0(capsys):
    x, y = titanic_like(100)
    model = small_model()
    model.fit(x, y, epochs=2, batch_size=25, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2"
    assert re.match(r"^4/4 - \d+s - \d+(ms|us)/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}$",
                    lines[1])
    model.fit(x, y, epochs=2, verbose=0)
    model.predict(x, verbose=0)
    model.evaluate(x, y, verbose=0)
    assert capsys.readouterr().out == ""


def test_progress_redraws_in_place_on_a_terminal():
    from keraslite.display.progbar import Progbar

    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    bar = Progbar(4, stream=stream, interval=0.0)
    for step in range(1, 5):
        bar.update(step, [("loss", 0.5)])
    text = stream.getvalue()
    assert text.count("\r") == 4 and text.endswith("\n") and text.count("\n") == 1
    assert "━" in text and "loss: 0.5000" in text


def test_progbar_value_and_time_formats():
    from keraslite.display.progbar import format_step_time, format_value

    assert format_value(0.46301) == "0.4630"
    assert format_value(1.2e-5) == "1.2000e-05"
    assert format_step_time(0.0021) == "2ms/step"
    assert format_step_time(0.000512) == "512us/step"
    assert format_step_time(1.4) == "1s/step"


# -- clear errors -----------------------------------------------------------------------
def test_error_feature_count_mismatch_names_shapes():
    x, y = titanic_like(20)
    model = small_model()
    with pytest.raises(ValueError, match=r"expects samples of shape \(9,\).*\(8,\)"):
        model.fit(x[:, :8], y, verbose=0)


def test_error_different_lengths_names_both():
    x, y = titanic_like(20)
    with pytest.raises(ValueError, match="x has 20, y has 15"):
        small_model().fit(x, y[:15], verbose=0)


def test_error_strings_in_x():
    x = np.array([["a"] * 9] * 4)
    with pytest.raises(TypeError, match="non-numeric values such as 'a'"):
        small_model().fit(x, np.zeros(4), verbose=0)


def test_error_string_columns_in_dataframe_are_named():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"age": [1.0, 2.0], "sex": ["male", "female"]})
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match=r"non-numeric columns \['sex'\]"):
        model.fit(frame, np.zeros(2), verbose=0)


@pytest.mark.parametrize("kwargs, suggestion", [
    ({"loss": "mean_square_error"}, "mean_squared_error"),
    ({"loss": "binary_crossentropy", "optimizer": "adamm"}, "adam"),
    ({"loss": "mse", "metrics": ["acuracy"]}, None),
])
def test_error_unknown_names_suggest_the_closest(kwargs, suggestion):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="Unknown") as info:
        model.compile(**kwargs)
    if suggestion:
        assert f"Did you mean '{suggestion}'?" in str(info.value)


def test_error_fit_before_compile_and_bad_batch_size():
    x, y = titanic_like(10)
    model = keras.Sequential([keras.Input((9,)), keras.layers.Dense(1)])
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(x, y)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(x, y, batch_size=0)
    with pytest.raises(ValueError, match="needs data"):
        model.predict()


def test_lr_keras2_spelling_is_accepted_with_a_note():
    with pytest.warns(keras.KerasliteDeprecationWarning, match="learning_rate"):
        opt = keras.optimizers.SGD(lr=0.5)
    assert opt.learning_rate == 0.5


def test_keras_details_steps_verbose_class_weight_keys_and_validation_hooks(capsys):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((40, 3), "float32"), np.ones(40, "float32")
    assert model.predict(x, batch_size=8, steps=2, verbose=0).shape == (16, 1)
    first_two = model.evaluate(x[:16], y[:16], batch_size=8, verbose=0)
    assert model.evaluate(x, y, batch_size=8, steps=2, verbose=0) == first_two
    with pytest.raises(ValueError, match="steps"):
        model.predict(x, steps=0, verbose=0)
    model.fit(x, y, epochs=1, verbose=3, class_weight={"0": 1.0, "1": 2.0})  # as Keras
    assert "2/2 - " in capsys.readouterr().out  # one line per epoch, like verbose=2
    with pytest.raises(ValueError, match="class_weight"):
        model.fit(x, y, verbose=0, class_weight={"one": 2.0})

    events = []

    class Hooks(keras.callbacks.Callback):
        def on_test_begin(self, logs=None):
            events.append("begin")

        def on_test_batch_end(self, batch, logs=None):
            events.append("batch")

        def on_test_end(self, logs=None):
            events.append(sorted(logs))

    model.fit(x, y, epochs=2, verbose=0, validation_split=0.2, batch_size=16,
              callbacks=[Hooks()])
    assert events == ["begin", "batch", ["loss"]] * 2  # fit's validation calls them, as Keras
