"""Nothing lost: atomic saves survive SIGKILL, BackupAndRestore resumes an interrupted fit to
the same weights, Ctrl-C returns a usable model, ModelCheckpoint saves what it should.
"""

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import keraslite as keras
from keraslite.naming import KerasliteWarning

pytest.importorskip("h5py")

SRC = str(Path(keras.__file__).resolve().parents[1])


def spawn(script, *args):
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def small_model(optimizer="adam"):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def regression_data(n=64):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5], [3.0]], "float32")).astype("float32")


def test_a_failed_save_leaves_the_previous_file(tmp_path, monkeypatch):
    model = small_model()
    path = tmp_path / "m.keras"
    model.save(path)
    before = path.read_bytes()
    from keraslite.saving import archive

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(archive, "write_archive", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        model.save(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.keras"]  # no temporary file left


def save_forever(model, path, first, ack_fd):
    """The child: save `model` over and over, each time with every weight set to k."""
    k = first
    while True:
        for v in model.weights:
            v.assign(np.full(v.shape, k, "float32"))
        model.save(path)
        os.write(ack_fd, f"{k}\n".encode())
        k += 1


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_sigkill_during_save_never_damages_the_previous_file(tmp_path):
    """Kill a child process that saves a 4 MB model in a loop, at 20 random moments."""
    model = keras.Sequential([keras.Input((512,))] + [keras.layers.Dense(512) for _ in range(4)])
    path = tmp_path / "big.keras"
    rng = random.Random(0)
    for round_ in range(20):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                os.close(read_fd)
                save_forever(model, path, round_ * 1000, write_fd)
            finally:
                os._exit(1)
        os.close(write_fd)
        with os.fdopen(read_fd) as acks:
            first = acks.readline()  # one complete save by this child
            time.sleep(rng.uniform(0.0, 0.15))  # a save takes about 0.1 s
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            acknowledged = max(int(v) for v in (first + acks.read()).split())
        loaded = keras.models.load_model(path)
        values = {float(v) for w in loaded.get_weights() for v in np.unique(w)}
        assert len(values) == 1, f"round {round_}: a mix of two saves: {sorted(values)[:4]}"
        assert values.pop() >= acknowledged, "a save that had returned was lost"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "big.keras"]
    assert all(name.startswith(".big.keras.") and name.endswith(".tmp") for name in leftovers)


TRAIN = """
    import sys
    import numpy as np
    import keraslite as keras
    import time
    backup, out, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    pause = len(sys.argv) > 4  # stop partway through the third epoch, to be killed there
    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(64, activation="tanh"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2048, 8)).astype("float32")
    y = np.sin(x.sum(axis=1, keepdims=True)).astype("float32")

    class Report(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_epoch_end(self, epoch, logs=None):
            print(epoch, flush=True)

        def on_train_batch_end(self, batch, logs=None):
            if pause and self.epoch == 2 and batch == 10:
                print("paused", flush=True)
                time.sleep(600)

    callbacks = [keras.callbacks.BackupAndRestore(backup)] if backup != "-" else []
    model.fit(x, y, batch_size=32, epochs=epochs, verbose=0, callbacks=callbacks + [Report()])
    np.savez(out, *model.get_weights())
"""


@pytest.mark.slow
def test_backup_and_restore_after_sigkill_ends_with_the_same_weights(tmp_path):
    epochs = 5
    reference = spawn(TRAIN, "-", tmp_path / "ref.npz", epochs)
    killed = spawn(TRAIN, tmp_path / "backup", tmp_path / "never.npz", epochs, "pause")
    # two epochs complete, then it waits partway through the third, where it is killed
    lines = [killed.stdout.readline().strip() for _ in range(3)]
    assert lines == ["0", "1", "paused"], killed.stderr.read()
    killed.send_signal(signal.SIGKILL)
    killed.communicate()
    assert (tmp_path / "backup" / "latest.weights.h5").exists()
    resumed = spawn(TRAIN, tmp_path / "backup", tmp_path / "resumed.npz", epochs)
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    assert int(out.split()[0]) >= 2, "the resumed run should start after the backed-up epochs"
    assert reference.wait(timeout=120) == 0
    ref, res = np.load(tmp_path / "ref.npz"), np.load(tmp_path / "resumed.npz")
    for key in ref.files:
        np.testing.assert_array_equal(ref[key], res[key])
    assert not (tmp_path / "backup").exists()  # deleted once training completed


def run_fit(backup=None, interrupt=None, epochs=5):
    keras.utils.clear_session()
    keras.utils.set_random_seed(3)
    model = small_model()
    x, y = regression_data()

    class CtrlC(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if (self.epoch, batch) == interrupt:
                raise KeyboardInterrupt

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

    callbacks = ([keras.callbacks.BackupAndRestore(backup)] if backup else []) + \
        ([CtrlC()] if interrupt else [])
    history = model.fit(x, y, batch_size=16, epochs=epochs, verbose=0, callbacks=callbacks)
    return model, history


def test_ctrl_c_then_resume_matches_an_uninterrupted_run(tmp_path, capsys):
    reference, _ = run_fit()
    model, history = run_fit(tmp_path / "b", interrupt=(2, 1))
    assert history.epoch == [0, 1]  # the completed epochs
    assert "interrupted" in capsys.readouterr().err
    assert model.predict(regression_data()[0], verbose=0).shape == (64, 1)
    assert (tmp_path / "b" / "latest.weights.h5").exists()  # kept: training did not finish
    resumed, history = run_fit(tmp_path / "b")
    assert history.epoch == [2, 3, 4]
    for a, b in zip(reference.get_weights(), resumed.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not (tmp_path / "b").exists()


def test_a_backup_write_killed_midway_leaves_no_trace_once_training_completes(tmp_path):
    backup = tmp_path / "b"
    backup.mkdir()
    (backup / ".latest.weights.h5.x1y2.tmp").write_bytes(b"half a file")  # a killed save
    (backup / "notes.txt").write_text("the user's")
    run_fit(backup)
    assert sorted(p.name for p in backup.iterdir()) == ["notes.txt"]
    (backup / "notes.txt").unlink()
    (backup / ".latest.weights.h5.x1y2.tmp").write_bytes(b"half a file")
    run_fit(backup)
    assert not backup.exists()


def test_backup_and_restore_arguments(tmp_path):
    with pytest.raises(ValueError, match="save_freq='epoch'"):
        keras.callbacks.BackupAndRestore(tmp_path, save_freq=10)
    (tmp_path / "latest.weights.h5").write_bytes(b"")
    model = small_model()
    with pytest.raises(ValueError, match="not a valid HDF5"):
        model.fit(*regression_data(), epochs=1, verbose=0,
                  callbacks=[keras.callbacks.BackupAndRestore(tmp_path)])


def test_model_checkpoint_save_best_only(tmp_path):
    x, y = regression_data()
    saves = []

    class Spy(keras.callbacks.ModelCheckpoint):
        def _maybe_save(self, epoch, batch, logs):
            before = self.best
            super()._maybe_save(epoch, batch, logs)
            saves.append(self.best != before)

    model = small_model(keras.optimizers.SGD(0.05))
    checkpoint = Spy(tmp_path / "best.keras", monitor="val_loss", save_best_only=True)
    history = model.fit(x, y, validation_split=0.25, epochs=6, verbose=0, callbacks=[checkpoint])
    losses = history.history["val_loss"]
    assert saves == [v == min(losses[: i + 1]) for i, v in enumerate(losses)]
    best = keras.models.load_model(tmp_path / "best.keras")
    assert best.evaluate(x[48:], y[48:], verbose=0) == pytest.approx(min(losses), rel=1e-5)


def test_model_checkpoint_weights_only_formatting_and_modes(tmp_path):
    x, y = regression_data()
    model = small_model()
    checkpoint = keras.callbacks.ModelCheckpoint(
        tmp_path / "w-{epoch:02d}-{loss:.2f}.weights.h5", monitor="loss", save_weights_only=True)
    model.fit(x, y, epochs=2, verbose=0, callbacks=[checkpoint])
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2 and names[0].startswith("w-01-") and names[1].startswith("w-02-")
    other = small_model()
    other.load_weights(tmp_path / names[1])
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))
    with pytest.raises(ValueError, match="must end in `.weights.h5`"):
        keras.callbacks.ModelCheckpoint(tmp_path / "w.keras", save_weights_only=True)
    with pytest.raises(ValueError, match="must end in `.keras`"):
        keras.callbacks.ModelCheckpoint(tmp_path / "m.hdf5")  # Keras 3 accepts .keras, .h5
    acc = keras.callbacks.ModelCheckpoint(tmp_path / "a.keras", monitor="val_accuracy")
    acc.set_model(model)
    assert acc._direction() is True
    with pytest.warns(KerasliteWarning) as record:
        model.fit(x, y, epochs=1, verbose=0, callbacks=[keras.callbacks.ModelCheckpoint(
            tmp_path / "m.keras", save_best_only=True)])
    assert any("with `val_loss` in the logs" in str(w.message) for w in record)
    every = keras.callbacks.ModelCheckpoint(tmp_path / "b{batch}.keras", monitor="loss",
                                            save_freq=2)
    model.fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[every])
    assert (tmp_path / "b1.keras").exists() and (tmp_path / "b3.keras").exists()


def test_model_checkpoint_messages_as_keras(tmp_path, capsys):
    model = small_model()
    x, y = regression_data()
    path = tmp_path / "best.keras"
    checkpoint = keras.callbacks.ModelCheckpoint(path, monitor="loss", save_best_only=True,
                                                 verbose=1)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[checkpoint])
    out = capsys.readouterr().out
    assert "Epoch 1: loss improved from None to " in out
    assert f"Epoch 1: finished saving model to {path}" in out
