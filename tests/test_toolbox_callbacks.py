"""Callbacks: early stopping, learning-rate control, CSV logging, NaN guard, lambdas."""

import csv

import numpy as np
import pytest

import keraslite as keras


def model_and_data(n=64, lr=0.05):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model, x, y


def scripted(values, key="score"):
    """A callback that writes a scripted value into the epoch logs (before later callbacks)."""
    return keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: logs.__setitem__(key, values[epoch]))


def test_early_stopping_restores_the_best_epoch_weights():
    model, x, y = model_and_data()
    saved = []
    record = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: saved.append(model.get_weights()))
    stop = keras.callbacks.EarlyStopping(monitor="score", mode="min", patience=2,
                                         restore_best_weights=True)
    history = model.fit(x, y, epochs=10, verbose=0,
                        callbacks=[scripted([3, 2, 1, 2, 3, 4, 5, 6, 7, 8]), record, stop])
    assert history.epoch == [0, 1, 2, 3, 4]
    assert stop.stopped_epoch == 4 and stop.best_epoch == 2
    for got, want in zip(model.get_weights(), saved[2]):
        np.testing.assert_array_equal(got, want)


def test_early_stopping_min_delta_baseline_and_start_epoch(capsys):
    model, x, y = model_and_data()
    stop = keras.callbacks.EarlyStopping(monitor="score", mode="max", min_delta=0.5,
                                         patience=1, verbose=1)
    history = model.fit(x, y, epochs=6, verbose=0,
                        callbacks=[scripted([1.0, 1.2, 1.4, 1.6, 1.8, 2.0]), stop])
    assert history.epoch == [0, 1]
    assert "Epoch 2: early stopping" in capsys.readouterr().out
    warm = keras.callbacks.EarlyStopping(monitor="score", mode="max", patience=0,
                                         start_from_epoch=3)
    history = model.fit(x, y, epochs=6, verbose=0,
                        callbacks=[scripted([5, 4, 3, 2, 1, 0]), warm])
    assert history.epoch == [0, 1, 2, 3, 4]
    base = keras.callbacks.EarlyStopping(monitor="score", mode="max", patience=2,
                                         baseline=10)
    history = model.fit(x, y, epochs=6, verbose=0, callbacks=[scripted([1, 1, 1, 1, 1, 1]),
                                                             base])
    assert history.epoch == [0, 1]


def test_early_stopping_on_real_validation_loss():
    model, x, y = model_and_data()
    stop = keras.callbacks.EarlyStopping(patience=1)
    model.fit(x, y, validation_split=0.25, epochs=3, verbose=0, callbacks=[stop])
    assert stop.best is not None and stop._minimize is True
    with pytest.raises(ValueError, match="maximized or minimized"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[
            scripted([1.0], "zork"), keras.callbacks.EarlyStopping(monitor="zork")])
    accuracy_stop = keras.callbacks.EarlyStopping(monitor="accuracy")
    model.fit(x, y, epochs=1, verbose=0, callbacks=[accuracy_stop])
    assert accuracy_stop._minimize is False


def test_reduce_lr_on_plateau_lowers_the_rate():
    model, x, y = model_and_data(lr=0.1)
    reduce = keras.callbacks.ReduceLROnPlateau(monitor="score", mode="min", factor=0.5,
                                               patience=2, min_lr=0.02)
    history = model.fit(x, y, epochs=8, verbose=0, callbacks=[scripted([1.0] * 8), reduce])
    assert history.history["learning_rate"] == pytest.approx(
        [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02])
    with pytest.raises(ValueError, match="factor"):
        keras.callbacks.ReduceLROnPlateau(factor=1.5)


def test_learning_rate_scheduler_sets_each_epoch():
    model, x, y = model_and_data()
    sched = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[sched])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])
    only_epoch = keras.callbacks.LearningRateScheduler(lambda epoch: 0.5)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[only_epoch])
    assert model.optimizer.learning_rate == 0.5


def test_csv_logger_writes_one_row_per_epoch(tmp_path):
    model, x, y = model_and_data()
    path = tmp_path / "log.csv"
    model.fit(x, y, epochs=3, verbose=0, validation_split=0.25,
              callbacks=[keras.callbacks.CSVLogger(path)])
    rows = list(csv.DictReader(path.open()))
    assert [r["epoch"] for r in rows] == ["0", "1", "2"]
    assert list(rows[0]) == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    model.fit(x, y, epochs=2, verbose=0, callbacks=[keras.callbacks.CSVLogger(path,
                                                                              append=True)])
    assert len(list(csv.DictReader(path.open()))) == 5


def test_terminate_on_nan_stops_at_the_first_bad_batch(capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32") * 1e3
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(1e6), loss="mse")
    with pytest.warns(keras.KerasliteWarning, match="loss became"), \
            np.errstate(over="ignore", invalid="ignore"):
        history = model.fit(x, x[:, :1] * 1e3, batch_size=8, epochs=5, verbose=0,
                            callbacks=[keras.callbacks.TerminateOnNaN()])
    assert len(history.epoch) == 1
    assert "Invalid loss, terminating training" in capsys.readouterr().out


def test_lambda_callback_hooks_and_unknown_hook():
    model, x, y = model_and_data()
    seen = []
    cb = keras.callbacks.LambdaCallback(
        on_train_begin=lambda logs: seen.append("begin"),
        on_train_batch_end=lambda batch, logs: seen.append(("batch", batch, "loss" in logs)),
        on_train_end=lambda logs: seen.append("end"))
    model.fit(x, y, batch_size=32, epochs=1, verbose=0, callbacks=[cb])
    assert seen == ["begin", ("batch", 0, True), ("batch", 1, True), "end"]
    with pytest.raises(ValueError, match="unknown hook"):
        keras.callbacks.LambdaCallback(on_nothing=print)
