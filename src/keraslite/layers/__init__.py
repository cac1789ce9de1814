"""Layers (``keraslite.layers``)."""

from keraslite.layers.activations import ELU as ELU
from keraslite.layers.activations import LeakyReLU as LeakyReLU
from keraslite.layers.activations import PReLU as PReLU
from keraslite.layers.activations import ReLU as ReLU
from keraslite.layers.activations import Softmax as Softmax
from keraslite.layers.base import Layer as Layer
from keraslite.layers.core import Activation as Activation
from keraslite.layers.core import Dense as Dense
from keraslite.layers.dot import Dot as Dot
from keraslite.layers.dot import dot as dot
from keraslite.layers.input_layer import Input as Input
from keraslite.layers.input_layer import InputLayer as InputLayer
from keraslite.layers.lambda_layer import Identity as Identity
from keraslite.layers.lambda_layer import Lambda as Lambda
from keraslite.layers.merging import Add as Add
from keraslite.layers.merging import Average as Average
from keraslite.layers.merging import Concatenate as Concatenate
from keraslite.layers.merging import Maximum as Maximum
from keraslite.layers.merging import Minimum as Minimum
from keraslite.layers.merging import Multiply as Multiply
from keraslite.layers.merging import Subtract as Subtract
from keraslite.layers.merging import add as add
from keraslite.layers.merging import average as average
from keraslite.layers.merging import concatenate as concatenate
from keraslite.layers.merging import maximum as maximum
from keraslite.layers.merging import minimum as minimum
from keraslite.layers.merging import multiply as multiply
from keraslite.layers.merging import subtract as subtract
from keraslite.layers.normalization import BatchNormalization as BatchNormalization
from keraslite.layers.normalization import LayerNormalization as LayerNormalization
from keraslite.layers.preprocessing import Normalization as Normalization
from keraslite.layers.preprocessing import Rescaling as Rescaling
from keraslite.layers.regularization import AlphaDropout as AlphaDropout
from keraslite.layers.regularization import Dropout as Dropout
from keraslite.layers.regularization import GaussianDropout as GaussianDropout
from keraslite.layers.regularization import GaussianNoise as GaussianNoise
from keraslite.layers.regularization import SpatialDropout1D as SpatialDropout1D
from keraslite.layers.reshaping import Flatten as Flatten
from keraslite.layers.reshaping import Permute as Permute
from keraslite.layers.reshaping import RepeatVector as RepeatVector
from keraslite.layers.reshaping import Reshape as Reshape
from keraslite.layers.symbolic import KerasTensor as KerasTensor
from keraslite.lazy import lazy_attributes as _lazy_attributes

# keras.layers.serialize / deserialize live with the saving code, one floor up.
__getattr__ = _lazy_attributes("keraslite.layers", {
    "serialize": ("keraslite.saving.serialization", "serialize_layer"),
    "deserialize": ("keraslite.saving.serialization", "deserialize_layer"),
})
