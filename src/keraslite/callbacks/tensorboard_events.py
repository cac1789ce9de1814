"""Summaries in TensorBoard's event-file format, written with the ``tensorboard`` package.

Values are written as TensorFlow 2's ``tf.summary`` writes them (a tensor with its plugin's
metadata): scalars for the *scalars* plugin, ``[k, 3]`` bucket tensors (left edge, right edge,
count) for *histograms*, PNG strings for *images*, and the model's JSON config for the
*graph_keras_model* plugin (the "keras" tag TensorBoard's graph dashboard shows). The writer is
``tensorboard.summary.writer.event_file_writer.EventFileWriter``; nothing here needs
TensorFlow.
"""

from __future__ import annotations

import struct
import time
import zlib
from typing import Any

import numpy as np

HISTOGRAM_BUCKETS = 30
"""Buckets per histogram, as ``tf.summary.histogram``'s default."""


def require_tensorboard(owner: str) -> None:
    """Raise an ImportError naming the extra when the ``tensorboard`` package is missing."""
    import importlib.util

    if importlib.util.find_spec("tensorboard") is None:
        raise ImportError(
            f"{owner} writes event files with the `tensorboard` package, which is not "
            "installed. Install it with `pip install \"keraslite[tensorboard]\"` (or `pip "
            "install tensorboard`), then view the logs with `tensorboard --logdir <log_dir>`.")


class SummaryWriter:
    """Writes tagged summaries at a step into one event file in ``logdir``."""

    def __init__(self, logdir: str) -> None:
        from tensorboard.summary.writer.event_file_writer import EventFileWriter

        self._writer = EventFileWriter(logdir)

    def _write(self, tag: str, step: int, tensor: Any, metadata: Any) -> None:
        from tensorboard.compat.proto import event_pb2, summary_pb2

        value = summary_pb2.Summary.Value(tag=tag, tensor=tensor, metadata=metadata)
        event = event_pb2.Event(wall_time=time.time(), step=int(step),
                                summary=summary_pb2.Summary(value=[value]))
        self._writer.add_event(event)

    def scalar(self, tag: str, value: Any, step: int) -> None:
        from tensorboard.plugins.scalar import metadata
        from tensorboard.util import tensor_util

        tensor = tensor_util.make_tensor_proto(np.float32(float(value)))
        self._write(tag, step, tensor, metadata.create_summary_metadata("", ""))

    def histogram(self, tag: str, values: Any, step: int) -> None:
        from tensorboard.plugins.histogram import metadata
        from tensorboard.util import tensor_util

        tensor = tensor_util.make_tensor_proto(histogram_buckets(values))
        self._write(tag, step, tensor, metadata.create_summary_metadata("", ""))

    def image(self, tag: str, pixels: Any, step: int) -> None:
        """``pixels``: (height, width) values, shown min-max scaled as a grey PNG image."""
        from tensorboard.plugins.image import metadata
        from tensorboard.util import tensor_util

        grey = _to_uint8(np.asarray(pixels, dtype=np.float64))
        height, width = grey.shape
        data = np.array([str(width).encode(), str(height).encode(), encode_png(grey)],
                        dtype=object)
        tensor = tensor_util.make_tensor_proto(data)
        self._write(tag, step, tensor, metadata.create_summary_metadata("", "",
                                                                        converted_to_tensor=True))

    def keras_model(self, tag: str, config_json: str, step: int = 0) -> None:
        """The model's JSON config for TensorBoard's graph dashboard (Keras' ``keras`` tag)."""
        from tensorboard.compat.proto import summary_pb2
        from tensorboard.util import tensor_util

        metadata = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(
            plugin_name="graph_keras_model", content=b"1"))
        tensor = tensor_util.make_tensor_proto(np.array(config_json.encode(), dtype=object))
        self._write(tag, step, tensor, metadata)

    def flush(self) -> None:
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()


def histogram_buckets(values: Any, buckets: int = HISTOGRAM_BUCKETS) -> np.ndarray:
    """``[k, 3]`` float64 rows (left edge, right edge, count) over [min, max] of ``values``.

    All-equal values give one bucket [v - 0.5, v + 0.5]; no values give ``buckets`` empty
    rows at 0.
    """
    data = np.asarray(values, dtype=np.float64).ravel()
    data = data[np.isfinite(data)]
    if data.size == 0:
        return np.zeros((buckets, 3))
    low, high = float(data.min()), float(data.max())
    if low == high:
        return np.array([[low - 0.5, high + 0.5, float(data.size)]])
    counts, edges = np.histogram(data, bins=buckets, range=(low, high))
    return np.stack([edges[:-1], edges[1:], counts.astype(np.float64)], axis=1)


def _to_uint8(pixels: np.ndarray) -> np.ndarray:
    low, high = np.nanmin(pixels), np.nanmax(pixels)
    scaled = (pixels - low) / (high - low) if high > low else np.zeros_like(pixels)
    return np.round(np.nan_to_num(scaled) * 255).astype(np.uint8)


def encode_png(grey: np.ndarray) -> bytes:
    """A greyscale 8-bit PNG of a (height, width) uint8 array (no imaging library needed)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    height, width = grey.shape
    rows = b"".join(b"\x00" + grey[r].tobytes() for r in range(height))  # filter 0 per row
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))
