"""keraslite: the Keras 3 API on NumPy, with its own reverse-mode automatic differentiation.

``import keraslite as keras`` and write Keras code as usual.
"""

from keraslite import activations as activations
from keraslite import callbacks as callbacks
from keraslite import config as config
from keraslite import constraints as constraints
from keraslite import initializers as initializers
from keraslite import layers as layers
from keraslite import losses as losses
from keraslite import metrics as metrics
from keraslite import models as models
from keraslite import ops as ops
from keraslite import optimizers as optimizers
from keraslite import regularizers as regularizers
from keraslite import utils as utils
from keraslite._version import __version__ as __version__
from keraslite.autodiff import GradientTape as GradientTape
from keraslite.autodiff import Tensor as Tensor
from keraslite.autodiff import Variable as Variable
from keraslite.layers import Input as Input
from keraslite.layers import Layer as Layer
from keraslite.lazy import lazy_attributes as _lazy_attributes
from keraslite.models import Model as Model
from keraslite.models import Sequential as Sequential
from keraslite.naming import KerasliteDeprecationWarning as KerasliteDeprecationWarning
from keraslite.naming import KerasliteWarning as KerasliteWarning

# Loaded on first use: saving (zip/HDF5 code), the bundled datasets, random draws, the
# Keras-script runner.
__getattr__ = _lazy_attributes("keraslite", {
    "saving": ("keraslite.saving", None),
    "datasets": ("keraslite.datasets", None),
    "diagnostics": ("keraslite.diagnostics", None),
    "distribution": ("keraslite.distribution", None),
    "random": ("keraslite.random", None),
    "tree": ("keraslite.tree", None),
    "applications": ("keraslite.applications", None),
    "preprocessing": ("keraslite.preprocessing", None),
    "wrappers": ("keraslite.wrappers", None),
    "export": ("keraslite.export", None),
    "install_as_keras": ("keraslite.compat", "install_as_keras"),
    "uninstall_as_keras": ("keraslite.compat", "uninstall_as_keras"),
})



def version() -> str:
    """Return keraslite's version string (as ``keras.version()``)."""
    return __version__
