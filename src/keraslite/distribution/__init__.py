"""Data-parallel training over MPI with Keras 3's ``keras.distribution`` names.

```python
import keraslite as keras

keras.distribution.set_distribution(keras.distribution.DataParallel())
model.fit(x, y, batch_size=256, epochs=10)   # mpiexec -n 4 python train.py
```

See ``docs/distributed.md``.
"""

from keraslite.distribution.api import DataParallel as DataParallel
from keraslite.distribution.api import DeviceMesh as DeviceMesh
from keraslite.distribution.api import Distribution as Distribution
from keraslite.distribution.api import LayoutMap as LayoutMap
from keraslite.distribution.api import ModelParallel as ModelParallel
from keraslite.distribution.api import TensorLayout as TensorLayout
from keraslite.distribution.api import distribute_tensor as distribute_tensor
from keraslite.distribution.api import distribution as distribution
from keraslite.distribution.api import initialize as initialize
from keraslite.distribution.api import list_devices as list_devices
from keraslite.distribution.api import set_distribution as set_distribution
from keraslite.distribution.comm import DistributedError as DistributedError


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
