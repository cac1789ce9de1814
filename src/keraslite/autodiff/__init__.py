"""Reverse-mode automatic differentiation: tensors, recording, the backward pass, checks."""

from keraslite.autodiff.graph import backward as backward
from keraslite.autodiff.graph import is_recording as is_recording
from keraslite.autodiff.graph import needs_grad as needs_grad
from keraslite.autodiff.graph import node as node
from keraslite.autodiff.graph import recording as recording
from keraslite.autodiff.graph import unbroadcast as unbroadcast
from keraslite.autodiff.tape import GradientTape as GradientTape
from keraslite.autodiff.tensor import Tensor as Tensor
from keraslite.autodiff.tensor import Variable as Variable
