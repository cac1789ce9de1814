"""Diagnostics of padded token sequences: data padded to a length the model does not expect,
evaluation data padded very differently from the training data, and sequences that are mostly
padding.

They look only at inputs that feed an ``Embedding`` (integer token ids, 2-D), read a sample of
at most 2048 rows, and cost nothing for other models.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from keraslite.diagnostics.data_checks import layers_fed_by
from keraslite.diagnostics.model_checks import class_name
from keraslite.naming import fail, warn

MOSTLY_PADDING = 0.9
"""Share of padding ids (0) in the token data from which ``mostly-padding`` warns."""

LENGTH_RATIO = 2.0
"""Factor between the training and the evaluation padded lengths from which
``padded-length-changed`` warns."""

_SAMPLE_ROWS = 2048
_LENGTHS = "_keraslite_padded_lengths"
_PAD_FIX = "keras.utils.pad_sequences(sequences, maxlen={n})"
_SAME = " (the training and the test texts alike)"


def embedding_fed_by(model: Any, index: int) -> Any:
    """The ``Embedding`` layer that reads model input ``index`` directly, else None."""
    found = [layer for layer in layers_fed_by(model, index) if class_name(layer) == "Embedding"]
    return found[0] if len(found) == 1 else None


def _token_ids(a: Any) -> np.ndarray | None:
    """A sample of the rows of ``a`` if it looks like padded token ids (2-D, whole numbers
    >= 0), else None.
    """
    a = a.get() if hasattr(a, "get") else a
    if not hasattr(a, "ndim") or a.ndim != 2 or a.dtype.kind not in "iuf" or not a.size:
        return None
    sample = np.asarray(a[::max(1, len(a) // _SAMPLE_ROWS)])
    if sample.dtype.kind == "f" and not np.all(sample == np.floor(sample)):
        return None
    return sample if sample.min() >= 0 else None


def _name(index: int, count: int) -> str:
    return "x" if count == 1 else f"x[{index}]"


def check_declared_length(model: Any, index: int, want: tuple, data_shape: tuple) -> None:
    """Raise ``sequence-length-mismatch`` when padded token ids of shape ``data_shape`` meet an
    input declared for sequences of another length (``want``, without the batch axis).

    Called by the trainer only when the shapes mismatch and the model does not run on the
    data's length (a Flatten after the Embedding; a model that does run gets the data).
    """
    if len(want) != 1 or len(data_shape) != 2 or want[0] is None:
        return
    layer = embedding_fed_by(model, index)
    if layer is None:
        return
    expected, got = want[0], data_shape[1]
    trained = model.__dict__.get(_LENGTHS, {}).get(index)
    origin = ("the length it was trained on" if trained == expected else
              f"its input shape {(None, expected)}")
    count = len(getattr(model, "inputs", None) or [None])
    raise fail(
        f"Model '{model.name}' reads token sequences of length {expected} ({origin}; they feed "
        f"Embedding layer '{layer.name}'), but {_name(index, count)} holds sequences padded to "
        f"length {got}.\nPad (or truncate) every sequence to the model's length: "
        f"{_PAD_FIX.format(n=expected)}{_SAME}. For a model that reads sequences of any "
        "length, put a global pooling layer (GlobalAveragePooling1D) or an RNN after the "
        "Embedding instead of Flatten, and declare keras.Input(shape=(None,)). "
        f"Received: {_name(index, count)}.shape={tuple(data_shape)}",
        "sequence-length-mismatch")


def check_padding(model: Any, xs: list, fitting: bool) -> None:
    """Warnings for padded token ids at ``fit`` (``fitting``), ``evaluate`` and ``predict``:
    a length other than ``Embedding(input_length=...)`` or very different from the training
    data's (``padded-length-changed``), and, at ``fit``, mostly padding (``mostly-padding``).
    The training lengths are recorded on the model at ``fit``.
    """
    warned = model.__dict__.setdefault("_keraslite_warned", set())
    lengths = model.__dict__.setdefault(_LENGTHS, {})
    for index, a in enumerate(xs):
        layer = embedding_fed_by(model, index)
        if layer is None:
            continue
        ids = _token_ids(a)
        if ids is None:
            continue
        name, steps = _name(index, len(xs)), ids.shape[1]
        declared = getattr(layer, "_input_length_arg", None)
        key = ("padded-length-changed", index, steps)
        if declared and declared != steps and key not in warned:
            warned.add(key)
            warn(
                f"Embedding layer '{layer.name}' was given input_length={declared}, but {name} "
                f"holds sequences padded to length {steps}.\ninput_length is Keras 2 and "
                "Keras 3 ignores it, so the model now reads sequences of length "
                f"{steps}. If the texts were meant to be cut to {declared} tokens, pad them "
                f"with {_PAD_FIX.format(n=declared)}; otherwise remove input_length.",
                "padded-length-changed")
        trained = lengths.get(index)
        if (trained and not fitting and not layer.mask_zero and key not in warned
                and max(trained, steps) >= LENGTH_RATIO * min(trained, steps)):
            warned.add(key)
            warn(
                f"The model was trained on sequences padded to length {trained}, but {name} "
                f"holds sequences padded to length {steps}.\nWithout a mask the padding ids "
                "are read as data, so the same text padded to another length gets another "
                "prediction. Pad the data as for training, with "
                f"{_PAD_FIX.format(n=trained)}, or let the model skip padding with "
                f"Embedding(..., mask_zero=True) on layer '{layer.name}'.",
                "padded-length-changed")
        if fitting:
            lengths[index] = steps
            if not layer.mask_zero and ("mostly-padding", index) not in warned:
                if _check_mostly_padding(layer, ids, name):
                    warned.add(("mostly-padding", index))


def _check_mostly_padding(layer: Any, ids: np.ndarray, name: str) -> bool:
    """Warn when more than :data:`MOSTLY_PADDING` of the ids are 0; return whether it warned."""
    steps = ids.shape[1]
    tokens = np.count_nonzero(ids, axis=1)
    share = 1.0 - float(tokens.sum()) / ids.size
    if share <= MOSTLY_PADDING or steps < 10:
        return False
    ordered = np.sort(tokens)
    p95 = int(ordered[int(np.ceil(0.95 * (len(ordered) - 1)))])
    warn(
        f"{name} is {share:.0%} padding: its sequences are padded to length {steps}, but 95% of "
        f"them hold at most {p95} tokens (ids other than 0).\nEmbedding layer '{layer.name}' "
        "has no mask, so the model reads the padding as data (an average over time is mostly "
        "the padding's vector; a recurrent layer carries its state through "
        f"~{steps - int(np.median(tokens))} steps of zeros), and learning is slow or fails. "
        "Pad to the length the texts have, "
        f"{_PAD_FIX.format(n=max(p95, 1))}{_SAME}, and/or let the model skip the padding with "
        f"Embedding(..., mask_zero=True).", "mostly-padding")
    return True
