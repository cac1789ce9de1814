"""Keras 3's ``keras.distribution`` names, for data parallelism over MPI ranks.

```python
keras.distribution.set_distribution(keras.distribution.DataParallel())
model.fit(x, y, batch_size=128, epochs=5)     # started with: mpiexec -n 4 python train.py
```

In Keras 3 (JAX) the devices are accelerators; here each MPI rank is one CPU "device",
``cpu:<rank>``. Only data parallelism is provided: weights are replicated on every rank, never
sharded, so :class:`ModelParallel` explains that and stops.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy

from keraslite.backend import distribute
from keraslite.distribution.comm import World, world
from keraslite.distribution.worker import Worker

DEFAULT_TIMEOUT = 600.0

_STATE: dict = {"distribution": None}


def list_devices(device_type: str | None = None) -> list[str]:
    """The devices of the run: ``["cpu:0", ..., "cpu:N-1"]``, one per MPI rank.

    Args:
        device_type: ``"cpu"`` or None; keraslite has no ``"gpu"``/``"tpu"`` devices (empty).

    """
    if device_type is not None and str(device_type).lower() != "cpu":
        return []
    return [f"cpu:{r}" for r in range(world().size)]


def initialize(job_addresses: Any = None, num_processes: int | None = None,
               process_id: int | None = None) -> None:
    """Keras' multi-process start-up: under MPI the launcher has done it; this checks the
    numbers given against the MPI world.
    """
    del job_addresses
    w = world()
    for name, given, actual in (("num_processes", num_processes, w.size),
                                ("process_id", process_id, w.rank)):
        if given is not None and int(given) != actual:
            raise ValueError(
                f"`{name}` does not match the MPI world this process runs in ({name}={actual}); "
                "under MPI the launcher sets both, so leave them out: "
                f"keras.distribution.initialize(). Received: {name}={given}"
            )


class DeviceMesh:
    """A grid of devices with named axes (``DeviceMesh((4,), ["batch"])``).

    Args:
        shape: the mesh's shape; its product must be the number of devices.
        axis_names: one name per axis.
        devices: the devices (default :func:`list_devices`).

    """

    def __init__(self, shape: Any, axis_names: Any, devices: Any = None) -> None:
        shape = tuple(int(s) for s in (shape if isinstance(shape, (list, tuple)) else [shape]))
        axis_names = [str(a) for a in axis_names]
        devices = list(devices) if devices is not None else list_devices()
        if len(shape) != len(axis_names):
            raise ValueError(
                f"`axis_names` needs one name per axis of `shape`. Received: shape={shape}, "
                f"axis_names={axis_names}")
        if int(numpy.prod(shape)) != len(devices):
            raise ValueError(
                f"The mesh shape {shape} holds {int(numpy.prod(shape))} devices but "
                f"{len(devices)} are given. Received: shape={shape}, devices={devices}")
        self.shape, self.axis_names = shape, axis_names
        self.devices = numpy.array(devices, dtype=object).reshape(shape)

    def __repr__(self) -> str:
        return f"<DeviceMesh shape={self.shape}, axis_names={self.axis_names}>"


class TensorLayout:
    """How a tensor maps onto a mesh: one mesh axis name (or None) per tensor axis."""

    def __init__(self, axes: Any, device_mesh: DeviceMesh | None = None) -> None:
        self.axes, self.device_mesh = tuple(axes), device_mesh


class LayoutMap(dict):
    """Keras' map from variable-path patterns to :class:`TensorLayout` (for ModelParallel)."""

    def __init__(self, device_mesh: DeviceMesh | None = None) -> None:
        super().__init__()
        self.device_mesh = device_mesh


class Distribution:
    """The base of distributions: a device mesh and the name of its batch axis."""

    def __init__(self, device_mesh: DeviceMesh | None = None,
                 batch_dim_name: str | None = None) -> None:
        self._device_mesh, self._batch_dim_name = device_mesh, batch_dim_name

    @property
    def device_mesh(self) -> DeviceMesh | None:
        return self._device_mesh

    @property
    def batch_dim_name(self) -> str | None:
        return self._batch_dim_name

    @contextlib.contextmanager
    def scope(self) -> Iterator[Distribution]:
        """Make this the current distribution inside a ``with`` block."""
        previous = distribution()
        set_distribution(self)
        try:
            yield self
        finally:
            set_distribution(previous)

    def _activate(self) -> Worker | None:
        return None


class DataParallel(Distribution):
    """Data parallelism over MPI ranks: each rank trains on its share of every batch.

    Started with ``mpiexec -n N python train.py`` (or ``srun``). ``fit`` then broadcasts rank
    0's weights, gives each rank its shard of every global batch (``batch_size`` is the global
    batch), averages the gradients with one allreduce per step, sums the metrics over ranks,
    and lets only rank 0 print and write files. Run without a launcher it is one process.

    Args:
        device_mesh: a 1-D :class:`DeviceMesh` over all ranks (default: made from ``devices``).
        devices: the devices (default: every rank, :func:`list_devices`).
        auto_shard_dataset: accepted for Keras; array data is always sharded.
        timeout: seconds a rank waits in a collective for the others before it stops with a
            :class:`~keraslite.distribution.DistributedError` (default 600; the environment
            variable ``KERASLITE_MPI_TIMEOUT`` sets it too; None waits forever).

    """

    def __init__(self, device_mesh: DeviceMesh | None = None, devices: Any = None,
                 auto_shard_dataset: bool = True, timeout: float | None = DEFAULT_TIMEOUT,
                 **kwargs: Any) -> None:
        del kwargs
        self.timeout = timeout
        self._world: World = world()
        ranks = self._world.size
        if device_mesh is None:
            device_mesh = DeviceMesh((ranks,), ["batch"],
                                     devices if devices is not None else list_devices())
        if len(device_mesh.shape) != 1 or device_mesh.devices.size != ranks:
            raise ValueError(
                "DataParallel needs a 1-D device mesh over all the MPI ranks "
                f"({ranks}), e.g. DeviceMesh(({ranks},), ['batch']). Received: {device_mesh!r}")
        super().__init__(device_mesh, device_mesh.axis_names[0])
        self.auto_shard_dataset = auto_shard_dataset

    def _activate(self) -> Worker | None:
        import os

        w = self._world
        env = os.environ.get("KERASLITE_MPI_TIMEOUT")
        w.timeout = float(env) if env else self.timeout
        if w.size < 2:
            return None
        w.abort_on_uncaught_exception()
        return Worker(w)


class ModelParallel(Distribution):
    """Keras' weight-sharding distribution, which keraslite does not provide."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(
            "keraslite replicates the model on every MPI rank and shards only the data: "
            "use keras.distribution.DataParallel() (weights of the models keraslite trains fit "
            "in one process's memory). Received: ModelParallel(...)")


def distribute_tensor(tensor: Any, layout: Any) -> Any:
    """Keras' placement of a tensor on devices: every rank holds the whole tensor here."""
    del layout
    return tensor


def distribution() -> Distribution | None:
    """The current distribution (None when none was set)."""
    return _STATE["distribution"]


def set_distribution(value: Distribution | None) -> None:
    """Make ``value`` the distribution that ``fit``/``evaluate``/``predict`` use.

    Args:
        value: a :class:`DataParallel`, or None to train in one process again.

    """
    if value is not None and not isinstance(value, Distribution):
        raise TypeError(
            "`set_distribution` takes a keras.distribution.DataParallel() (or None). "
            f"Received: {type(value).__name__}")
    _STATE["distribution"] = value
    distribute.set_strategy(None if value is None else value._activate())
