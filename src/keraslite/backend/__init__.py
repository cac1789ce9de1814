"""The backend floor: the array module, the float dtype, epsilon and the random generator.

Everything above this floor computes through ``xp`` (NumPy today), so that another array
module with the NumPy API (CuPy, for GPUs) can be dropped in here without touching ops or layers.
"""

from keraslite.backend.config import epsilon as epsilon
from keraslite.backend.config import floatx as floatx
from keraslite.backend.config import set_epsilon as set_epsilon
from keraslite.backend.config import set_floatx as set_floatx
from keraslite.backend.random import global_rng as global_rng
from keraslite.backend.random import set_seed as set_seed
from keraslite.backend.xp import xp as xp
