"""keras.callbacks.TensorBoard: Keras 3's layout and tags, read back with tensorboard's own
event reader (event_accumulator) and plugin multiplexer (what `tensorboard --logdir` loads)."""

import os

import numpy as np
import pytest

pytest.importorskip("tensorboard")

from tensorboard.backend.event_processing import event_accumulator as ea  # noqa: E402
from tensorboard.backend.event_processing import plugin_event_multiplexer as pem  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402

import keraslite as keras  # noqa: E402


def load(path):
    acc = ea.EventAccumulator(str(path), size_guidance={ea.TENSORS: 0})
    acc.Reload()
    return acc


def values(acc, tag):
    events = acc.Tensors(tag)
    return [e.step for e in events], [tensor_util.make_ndarray(e.tensor_proto) for e in events]


@pytest.fixture
def data(rng):
    x = rng.normal(size=(100, 4)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("float32")
    return x, y


def model():
    m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
    m.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
              metrics=["accuracy"])
    return m


def test_fit_writes_keras_layout_and_tags(tmp_path, data):
    x, y = data
    m = model()
    board = keras.callbacks.TensorBoard(tmp_path, histogram_freq=1, write_images=True,
                                        update_freq=2, write_steps_per_second=True)
    history = m.fit(x, y, batch_size=16, epochs=3, validation_split=0.2, verbose=0,
                    callbacks=[board])
    assert sorted(os.listdir(tmp_path)) == ["train", "validation"]
    train, val = load(tmp_path / "train"), load(tmp_path / "validation")

    steps, loss = values(train, "epoch_loss")
    assert steps == [0, 1, 2]
    np.testing.assert_allclose(np.ravel(loss), history.history["loss"], rtol=1e-6)
    _, acc = values(train, "epoch_accuracy")
    np.testing.assert_allclose(np.ravel(acc), history.history["accuracy"], rtol=1e-6)
    _, lr = values(train, "epoch_learning_rate")
    np.testing.assert_allclose(np.ravel(lr), 0.01, rtol=1e-6)
    assert np.all(np.ravel(values(train, "epoch_steps_per_second")[1]) > 0)
    _, val_loss = values(val, "epoch_loss")
    np.testing.assert_allclose(np.ravel(val_loss), history.history["val_loss"], rtol=1e-6)

    # 80 training rows in batches of 16: 5 batches an epoch, batch_* every 2nd global batch
    batch_steps, _ = values(train, "batch_loss")
    assert batch_steps == list(range(2, 16, 2))
    assert values(train, "batch_steps_per_second")[0] == batch_steps
    eval_steps, _ = values(val, "evaluation_loss_vs_iterations")
    assert eval_steps == [5, 10, 15]  # optimizer.iterations after each epoch

    kernel = m.layers[0].kernel
    tag = f"{kernel.path}/histogram"
    steps, hist = values(train, tag)
    assert steps == [0, 1, 2] and hist[0].shape[1] == 3 and hist[-1][:, 2].sum() == 32
    assert hist[-1][0, 0] == pytest.approx(float(kernel.numpy().min()))
    _, image = values(train, f"{kernel.path}/image")
    width, height, png = image[0]
    assert (int(width), int(height)) == (8, 4) and png.startswith(b"\x89PNG")
    _, graph = values(train, "keras")
    assert b'"class_name": "Sequential"' in graph[0].item()

    multiplexer = pem.EventMultiplexer()
    multiplexer.AddRunsFromDirectory(str(tmp_path))
    multiplexer.Reload()
    scalars = multiplexer.PluginRunToTagToContent("scalars")
    assert {"epoch_loss", "epoch_learning_rate", "batch_loss"} <= set(scalars["train"])
    assert "evaluation_accuracy_vs_iterations" in scalars["validation"]
    assert tag in multiplexer.PluginRunToTagToContent("histograms")["train"]
    assert "keras" in multiplexer.PluginRunToTagToContent("graph_keras_model")["train"]
    assert f"{kernel.path}/image" in multiplexer.PluginRunToTagToContent("images")["train"]


def test_epoch_only_by_default_and_evaluate(tmp_path, data):
    x, y = data
    m = model()
    sched = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    board = keras.callbacks.TensorBoard(str(tmp_path), write_graph=False)
    m.fit(x, y, epochs=2, verbose=0, callbacks=[sched, board])
    train = load(tmp_path / "train")
    assert "batch_loss" not in train.Tags()["tensors"] and "keras" not in train.Tags()["tensors"]
    np.testing.assert_allclose(np.ravel(values(train, "epoch_learning_rate")[1]), [0.1, 0.05],
                               rtol=1e-6)
    m.evaluate(x, y, verbose=0, callbacks=[board])
    steps, acc = values(load(tmp_path / "validation"), "evaluation_accuracy_vs_iterations")
    assert steps == [8] and 0 <= float(acc[0]) <= 1


def test_arguments_it_cannot_honour(tmp_path):
    with pytest.warns(keras.KerasliteWarning, match="profile_batch"):
        keras.callbacks.TensorBoard(tmp_path, profile_batch=(2, 4))
    with pytest.raises(ValueError, match="update_freq"):
        keras.callbacks.TensorBoard(tmp_path, update_freq="step")


def test_served_as_keras_callbacks(served, tmp_path):
    import keras

    from keraslite.callbacks.tensorboard import TensorBoard

    assert keras.callbacks.TensorBoard is TensorBoard


def test_missing_tensorboard_names_the_extra(monkeypatch, tmp_path):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "tensorboard" else real(name, *a))
    with pytest.raises(ImportError, match=r"keraslite\[tensorboard\]"):
        keras.callbacks.TensorBoard(tmp_path)
