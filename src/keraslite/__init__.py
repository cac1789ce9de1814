"""keraslite: the Keras 3 API on NumPy, with its own reverse-mode automatic differentiation.

``import keraslite as keras`` and write Keras code as usual.
"""

from keraslite import activations as activations
from keraslite import callbacks as callbacks
from keraslite import config as config
from keraslite import constraints as constraints
from keraslite import datasets as datasets
from keraslite import initializers as initializers
from keraslite import layers as layers
from keraslite import losses as losses
from keraslite import metrics as metrics
from keraslite import models as models
from keraslite import ops as ops
from keraslite import optimizers as optimizers
from keraslite import regularizers as regularizers
from keraslite import saving as saving
from keraslite import utils as utils
from keraslite.autodiff import GradientTape as GradientTape
from keraslite.autodiff import Tensor as Tensor
from keraslite.autodiff import Variable as Variable
from keraslite.compat import install_as_keras as install_as_keras
from keraslite.layers import Input as Input
from keraslite.layers import Layer as Layer
from keraslite.models import Model as Model
from keraslite.models import Sequential as Sequential
from keraslite.naming import KerasliteDeprecationWarning as KerasliteDeprecationWarning
from keraslite.naming import KerasliteWarning as KerasliteWarning

__version__ = "0.1.0"
