"""``keras.callbacks.TensorBoard``: training curves, weight histograms and the model graph as
TensorBoard event files.

The layout and tag names are Keras 3's: ``log_dir/train`` holds ``epoch_loss``,
``epoch_<metric>``, ``epoch_learning_rate`` (and ``epoch_steps_per_second``) per epoch,
``batch_<name>`` every ``update_freq`` batches, ``<layer>/<weight>/histogram`` (and
``/image``) every ``histogram_freq`` epochs and the model config under ``keras``;
``log_dir/validation`` holds the ``val_`` values as ``epoch_<name>`` and
``evaluation_<name>_vs_iterations`` after each evaluation. View them with
``tensorboard --logdir log_dir``. Needs ``pip install "keraslite[tensorboard]"``.
"""

from __future__ import annotations

import os
import time
import warnings
from typing import Any

import numpy as np

from keraslite.backend import to_numpy
from keraslite.callbacks.callback import Callback
from keraslite.callbacks.tensorboard_events import SummaryWriter, require_tensorboard
from keraslite.naming import KerasliteWarning


def _check_update_freq(update_freq: Any) -> Any:
    if update_freq == "batch":
        return 1
    if update_freq == "epoch" or (isinstance(update_freq, int) and update_freq > 0):
        return update_freq
    raise ValueError("TensorBoard `update_freq` must be 'epoch', 'batch' or a positive number "
                     f"of batches. Received: update_freq={update_freq!r}")


class TensorBoard(Callback):
    """Write TensorBoard logs during ``fit`` (and ``evaluate``), as Keras 3 does.

    Args:
        log_dir: the directory of the logs (``train`` and ``validation`` go under it).
        histogram_freq: every this many epochs write a histogram of every weight (0: never).
        write_graph: write the model's config for TensorBoard's graph dashboard.
        write_images: with ``histogram_freq``, also write each 1-D/2-D weight as an image.
        write_steps_per_second: log training steps per second (per epoch, and per batch with
            ``update_freq``).
        update_freq: ``"epoch"``, ``"batch"`` or N: also write ``batch_*`` values every N
            batches (the step is the global batch number).
        profile_batch: not available in keraslite (there is no TensorFlow/JAX profiler); a
            non-zero value is ignored with a warning. Use ``python -m cProfile`` instead.
        embeddings_freq: every this many epochs save the weights to
            ``train/keras_embedding.ckpt-<epoch>.weights.h5`` for the projector (h5py needed).
        embeddings_metadata: a metadata file for the projector, or ``{layer_name: file}``.

    Example:
        >>> model.fit(x, y, epochs=10, validation_split=0.2,
        ...           callbacks=[keras.callbacks.TensorBoard("logs", histogram_freq=1)])
        >>> # then, in a shell: tensorboard --logdir logs

    """

    def __init__(self, log_dir: Any = "logs", histogram_freq: int = 0, write_graph: bool = True,
                 write_images: bool = False, write_steps_per_second: bool = False,
                 update_freq: Any = "epoch", profile_batch: Any = 0, embeddings_freq: int = 0,
                 embeddings_metadata: Any = None) -> None:
        super().__init__()
        require_tensorboard("keras.callbacks.TensorBoard")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = int(histogram_freq)
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = _check_update_freq(update_freq)
        self.embeddings_freq = int(embeddings_freq)
        self.embeddings_metadata = embeddings_metadata
        self.profile_batch = profile_batch
        if profile_batch not in (0, None, (0, 0), [0, 0], "0", "0,0"):
            warnings.warn(
                "TensorBoard(profile_batch=...) is ignored: keraslite has no TensorFlow/JAX "
                "profiler to trace batches with. Profile with `python -m cProfile -o prof.out "
                f"train.py` instead. Received: profile_batch={profile_batch!r}",
                KerasliteWarning, stacklevel=2)
        self._writers: dict[str, SummaryWriter] = {}
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._batch_start = 0.0
        self._epoch_start = 0.0
        self._epoch_start_iterations = 0

    # -- writers -------------------------------------------------------------------------------
    def _writer(self, which: str) -> SummaryWriter:
        if which not in self._writers:
            self._writers[which] = SummaryWriter(os.path.join(self.log_dir, which))
        return self._writers[which]

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def set_model(self, model: Any) -> None:
        super().set_model(model)
        self._close_writers()
        if self.write_graph and type(model).__name__ in ("Sequential", "Functional"):
            self._writer("train").keras_model("keras", model.to_json(), step=0)
        if self.embeddings_freq:
            self._configure_embeddings()

    # -- hooks ---------------------------------------------------------------------------------
    def on_train_begin(self, logs: dict | None = None) -> None:
        self._global_train_batch = 0

    def on_train_end(self, logs: dict | None = None) -> None:
        self._close_writers()

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start = time.perf_counter()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        step = self._global_train_batch
        if self.update_freq == "epoch" or step % self.update_freq:
            return
        writer = self._writer("train")
        if self.write_steps_per_second:
            elapsed = max(time.perf_counter() - self._batch_start, 1e-9)
            writer.scalar("batch_steps_per_second", 1.0 / elapsed, step)
        for name, value in (logs or {}).items():
            if np.ndim(value) == 0:
                writer.scalar(f"batch_{name}", value, step)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._global_test_batch += 1

    def on_test_end(self, logs: dict | None = None) -> None:
        iterations = self._iterations()
        if iterations is None or not logs:
            return
        writer = self._writer("validation")
        for name, value in logs.items():
            writer.scalar(f"evaluation_{name}_vs_iterations", value, iterations)
        writer.flush()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if self.write_steps_per_second:
            self._epoch_start = time.perf_counter()
            self._epoch_start_iterations = self._iterations() or 0

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._log_epoch(epoch, dict(logs or {}))
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            path = os.path.join(self.log_dir, "train",
                                f"keras_embedding.ckpt-{epoch}.weights.h5")
            self.model.save_weights(path)

    # -- helpers -------------------------------------------------------------------------------
    def _iterations(self) -> int | None:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "iterations"):
            return None
        return int(to_numpy(getattr(optimizer.iterations, "value", optimizer.iterations)))

    def _log_epoch(self, epoch: int, logs: dict) -> None:
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "learning_rate"):
            train["learning_rate"] = float(optimizer.learning_rate)
        if self.write_steps_per_second:
            elapsed = max(time.perf_counter() - self._epoch_start, 1e-9)
            steps = (self._iterations() or 0) - self._epoch_start_iterations
            train["steps_per_second"] = steps / elapsed
        for which, values in (("train", train), ("validation", val)):
            if values:
                writer = self._writer(which)
                for name, value in values.items():
                    if np.ndim(value) == 0:
                        writer.scalar(f"epoch_{name}", value, epoch)
                writer.flush()

    def _log_weights(self, epoch: int) -> None:
        writer = self._writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                values = np.asarray(weight.numpy())
                writer.histogram(f"{name}/histogram", values, epoch)
                if self.write_images:
                    image = _weight_image(values)
                    if image is not None:
                        writer.image(f"{name}/image", image, epoch)
        writer.flush()

    def _configure_embeddings(self) -> None:
        """Write ``projector_config.pbtxt`` listing the model's Embedding layers (if any)."""
        from google.protobuf import text_format
        from tensorboard.plugins.projector import projector_config_pb2

        config = projector_config_pb2.ProjectorConfig()
        metadata = self.embeddings_metadata
        remaining = dict(metadata) if isinstance(metadata, dict) else None
        for layer in self.model.layers:
            if type(layer).__name__ == "Embedding":
                embedding = config.embeddings.add()
                embedding.tensor_name = \
                    "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"
                if isinstance(metadata, str):
                    embedding.metadata_path = metadata
                elif remaining and layer.name in remaining:
                    embedding.metadata_path = remaining.pop(layer.name)
        if remaining:
            raise ValueError("Unrecognized `Embedding` layer names passed to TensorBoard's "
                             f"`embeddings_metadata` argument: {sorted(remaining)}")
        os.makedirs(self.log_dir, exist_ok=True)
        with open(os.path.join(self.log_dir, "projector_config.pbtxt"), "w") as f:
            f.write(text_format.MessageToString(config))


def _weight_image(values: np.ndarray) -> np.ndarray | None:
    """A bias as one row, a kernel with its longer side across (as Keras); else None."""
    w = np.squeeze(values)
    if w.ndim == 1:
        return w.reshape(1, -1)
    if w.ndim == 2:
        return w.T if w.shape[0] > w.shape[1] else w
    return None
