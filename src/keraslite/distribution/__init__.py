"""Data-parallel training over MPI with Keras 3's ``keras.distribution`` names.

```python
import keraslite as keras

keras.distribution.set_distribution(keras.distribution.DataParallel())
model.fit(x, y, batch_size=256, epochs=10)   # mpiexec -n 4 python train.py
```

See ``docs/distributed.md``. The names load on first use: the training code calls only
the no-op hook points of ``keraslite.backend.distribute``, so ``import keraslite`` pays
nothing for this package.
"""

from keraslite.lazy import lazy_attributes as _lazy_attributes

_API = "keraslite.distribution.api"
_COMM = "keraslite.distribution.comm"
__getattr__ = _lazy_attributes("keraslite.distribution", {
    "DataParallel": (_API, "DataParallel"),
    "DeviceMesh": (_API, "DeviceMesh"),
    "Distribution": (_API, "Distribution"),
    "LayoutMap": (_API, "LayoutMap"),
    "ModelParallel": (_API, "ModelParallel"),
    "TensorLayout": (_API, "TensorLayout"),
    "distribute_tensor": (_API, "distribute_tensor"),
    "distribution": (_API, "distribution"),
    "initialize": (_API, "initialize"),
    "list_devices": (_API, "list_devices"),
    "set_distribution": (_API, "set_distribution"),
    "DistributedError": (_COMM, "DistributedError"),
})
__all__ = ["DataParallel", "DeviceMesh", "Distribution", "DistributedError", "LayoutMap",
           "ModelParallel", "TensorLayout", "barrier", "distribute_tensor", "distribution",
           "initialize", "list_devices", "num_processes", "rank", "set_distribution"]


def rank() -> int:
    """The MPI rank of this process (0 in a single process)."""
    from keraslite.distribution.comm import world

    return world().rank


def num_processes() -> int:
    """How many MPI ranks take part (1 in a single process)."""
    from keraslite.distribution.comm import world

    return world().size


def barrier() -> None:
    """Wait until every rank gets here (e.g. before reading a file that rank 0 saved)."""
    from keraslite.distribution.comm import world

    world().barrier()
