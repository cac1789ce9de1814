"""``BackupAndRestore``: resume an interrupted ``fit`` where it stopped, with the same result.

At the end of every epoch the callback writes, atomically, one file holding the weights, the
optimizer state, the index of the completed epoch and the state of keraslite's random
generator (which drives shuffling and dropout). When ``fit`` starts again with the callback,
it loads that file and continues with the next epoch, so a run that was killed (SIGKILL,
Ctrl-C, a crash, a preempted machine) finishes with the same weights as a run that was never
interrupted. The backup is deleted once training completes.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from keraslite.backend import global_rng
from keraslite.callbacks.callback import Callback

_STATE_KEY = "keraslite_training_state"
_FORMAT = 1


class BackupAndRestore(Callback):
    """Back up training at each epoch's end; restore the backup when ``fit`` starts.

    Example:
        >>> backup = keraslite.callbacks.BackupAndRestore("backup")
        >>> model.fit(x, y, epochs=20, callbacks=[backup])  # killed during epoch 7
        >>> model.fit(x, y, epochs=20, callbacks=[backup])  # resumes at epoch 7

    Args:
        backup_dir: the folder for the backup (``latest.weights.h5``); created if needed.
            Use one folder per training run.
        save_freq: ``"epoch"`` (the only supported value: a backup per completed epoch).
        double_checkpoint: accepted for Keras compatibility; every write here is already
            atomic, so the previous backup survives any interruption of a save.
        delete_checkpoint: delete the backup when training completes.

    """

    def __init__(self, backup_dir: str | os.PathLike, save_freq: Any = "epoch",
                 double_checkpoint: bool = False, delete_checkpoint: bool = True) -> None:
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore needs a `backup_dir`. Received: backup_dir="
                             f"{backup_dir!r}")
        if save_freq != "epoch":
            raise ValueError(
                "keraslite's BackupAndRestore backs up at the end of each epoch, so that a "
                "resumed run repeats exactly; use save_freq='epoch'. Received: "
                f"save_freq={save_freq!r}"
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._last_epoch: int | None = None

    @property
    def backup_path(self) -> str:
        return os.path.join(self.backup_dir, "latest.weights.h5")

    def _remove_interrupted_writes(self) -> None:
        """Delete the temporary files of backups whose write was killed before it finished."""
        prefix = f".{os.path.basename(self.backup_path)}."
        with contextlib.suppress(FileNotFoundError):
            for name in os.listdir(self.backup_dir):
                if name.startswith(prefix) and name.endswith(".tmp"):
                    with contextlib.suppress(FileNotFoundError):
                        os.remove(os.path.join(self.backup_dir, name))

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._last_epoch = None
        self._remove_interrupted_writes()
        if not os.path.exists(self.backup_path):
            return
        from keraslite.saving.saving_api import load_weights

        attrs = load_weights(self.model, self.backup_path)
        state = _parse_state(attrs.get(_STATE_KEY), self.backup_path)
        _set_rng_state(state["rng"], self.backup_path)
        self._last_epoch = state["epoch"]
        self.model._initial_epoch = state["epoch"] + 1

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        from keraslite.saving.saving_api import write_weights

        os.makedirs(self.backup_dir, exist_ok=True)
        state = {"format": _FORMAT, "epoch": int(epoch),
                 "rng": global_rng().bit_generator.state}
        import json

        write_weights(self.model, self.backup_path, attrs={_STATE_KEY: json.dumps(state)})
        self._last_epoch = epoch

    def on_train_end(self, logs: dict | None = None) -> None:
        epochs = self.params.get("epochs")
        finished = self.model.stop_training or (
            self._last_epoch is not None and epochs is not None and self._last_epoch >= epochs - 1)
        if not (self.delete_checkpoint and finished):
            return  # interrupted (e.g. Ctrl-C): keep the backup to resume from
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.backup_path)
        self._remove_interrupted_writes()
        with contextlib.suppress(OSError):
            os.rmdir(self.backup_dir)  # only if nothing else is in it


def _parse_state(raw: Any, path: str) -> dict:
    try:
        import json

        state = json.loads(raw)
        epoch = state["epoch"]
        rng = state["rng"]
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(
            f"{path!r} is not a keraslite training backup (its training state is missing or "
            f"invalid: {error}). Point BackupAndRestore at a folder of its own. Received: "
            f"backup_dir containing {os.path.basename(path)!r}"
        ) from None
    if not isinstance(epoch, int) or epoch < 0 or not isinstance(rng, dict):
        raise ValueError(f"Invalid training state in {path!r}. Received: epoch={epoch!r}")
    return state


def _set_rng_state(saved: dict, path: str) -> None:
    generator = global_rng().bit_generator
    if saved.get("bit_generator") != type(generator).__name__:
        raise ValueError(
            f"The backup {path!r} holds a {saved.get('bit_generator')!r} random state, but "
            f"keraslite uses {type(generator).__name__}. Received: "
            f"bit_generator={saved.get('bit_generator')!r}"
        )
    generator.state = saved
