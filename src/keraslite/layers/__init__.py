"""Layers (``keraslite.layers``)."""

from keraslite.layers.activations import ELU as ELU
from keraslite.layers.activations import LeakyReLU as LeakyReLU
from keraslite.layers.activations import PReLU as PReLU
from keraslite.layers.activations import ReLU as ReLU
from keraslite.layers.activations import Softmax as Softmax
from keraslite.layers.base import Layer as Layer
from keraslite.layers.core import Activation as Activation
from keraslite.layers.core import Dense as Dense
from keraslite.layers.input_layer import Input as Input
from keraslite.layers.input_layer import InputLayer as InputLayer
from keraslite.layers.symbolic import KerasTensor as KerasTensor
