"""The backend floor: the array module, the float dtype, epsilon and the random generator.

Everything above this floor computes through ``xp``: NumPy, or CuPy with
``KERASLITE_BACKEND=cupy`` (see :mod:`keraslite.backend.xp`). :func:`to_device` and
:func:`to_numpy` are the borders between host data and ``xp`` arrays.
"""

from keraslite.backend.config import epsilon as epsilon
from keraslite.backend.config import floatx as floatx
from keraslite.backend.config import set_epsilon as set_epsilon
from keraslite.backend.config import set_floatx as set_floatx
from keraslite.backend.device import on_gpu as on_gpu
from keraslite.backend.device import to_device as to_device
from keraslite.backend.device import to_float as to_float
from keraslite.backend.device import to_numpy as to_numpy
from keraslite.backend.random import global_rng as global_rng
from keraslite.backend.random import set_seed as set_seed
from keraslite.backend.xp import BACKEND as BACKEND
from keraslite.backend.xp import xp as xp
