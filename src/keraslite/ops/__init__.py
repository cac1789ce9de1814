"""NumPy-like differentiable operations (``keraslite.ops``, as ``keras.ops``).

Each op accepts Tensors, arrays or Python numbers and returns a Tensor; inside a
:class:`~keraslite.GradientTape` (or a training step) it also records how to differentiate itself.
"""

from keraslite.ops import image as image
from keraslite.ops import operators as _operators
from keraslite.ops.activations import elu as elu
from keraslite.ops.activations import gelu as gelu
from keraslite.ops.activations import hard_sigmoid as hard_sigmoid
from keraslite.ops.activations import hard_silu as hard_silu
from keraslite.ops.activations import hard_swish as hard_swish
from keraslite.ops.activations import leaky_relu as leaky_relu
from keraslite.ops.activations import log_sigmoid as log_sigmoid
from keraslite.ops.activations import relu6 as relu6
from keraslite.ops.activations import selu as selu
from keraslite.ops.activations import softsign as softsign
from keraslite.ops.activations import swish as swish
from keraslite.ops.convolution import conv as conv
from keraslite.ops.convolution import conv_transpose as conv_transpose
from keraslite.ops.convolution import depthwise_conv as depthwise_conv
from keraslite.ops.convolution import separable_conv as separable_conv
from keraslite.ops.core import arange as arange
from keraslite.ops.core import cast as cast
from keraslite.ops.core import convert_to_numpy as convert_to_numpy
from keraslite.ops.core import convert_to_tensor as convert_to_tensor
from keraslite.ops.core import copy as copy
from keraslite.ops.core import dtype as dtype
from keraslite.ops.core import eye as eye
from keraslite.ops.core import full as full
from keraslite.ops.core import full_like as full_like
from keraslite.ops.core import identity as identity
from keraslite.ops.core import is_tensor as is_tensor
from keraslite.ops.core import linspace as linspace
from keraslite.ops.core import ndim as ndim
from keraslite.ops.core import ones as ones
from keraslite.ops.core import ones_like as ones_like
from keraslite.ops.core import shape as shape
from keraslite.ops.core import size as size
from keraslite.ops.core import stop_gradient as stop_gradient
from keraslite.ops.core import zeros as zeros
from keraslite.ops.core import zeros_like as zeros_like
from keraslite.ops.elementwise import arccos as arccos
from keraslite.ops.elementwise import arccosh as arccosh
from keraslite.ops.elementwise import arcsin as arcsin
from keraslite.ops.elementwise import arcsinh as arcsinh
from keraslite.ops.elementwise import arctan as arctan
from keraslite.ops.elementwise import arctan2 as arctan2
from keraslite.ops.elementwise import arctanh as arctanh
from keraslite.ops.elementwise import cosh as cosh
from keraslite.ops.elementwise import erf as erf
from keraslite.ops.elementwise import exp2 as exp2
from keraslite.ops.elementwise import floor_divide as floor_divide
from keraslite.ops.elementwise import isclose as isclose
from keraslite.ops.elementwise import isinf as isinf
from keraslite.ops.elementwise import log2 as log2
from keraslite.ops.elementwise import log10 as log10
from keraslite.ops.elementwise import logical_xor as logical_xor
from keraslite.ops.elementwise import mod as mod
from keraslite.ops.elementwise import nan_to_num as nan_to_num
from keraslite.ops.elementwise import reciprocal as reciprocal
from keraslite.ops.elementwise import rsqrt as rsqrt
from keraslite.ops.elementwise import sinh as sinh
from keraslite.ops.elementwise import tan as tan
from keraslite.ops.layout import flip as flip
from keraslite.ops.layout import hstack as hstack
from keraslite.ops.layout import meshgrid as meshgrid
from keraslite.ops.layout import moveaxis as moveaxis
from keraslite.ops.layout import pad as pad
from keraslite.ops.layout import ravel as ravel
from keraslite.ops.layout import roll as roll
from keraslite.ops.layout import slice as slice  # noqa: A004
from keraslite.ops.layout import swapaxes as swapaxes
from keraslite.ops.layout import unstack as unstack
from keraslite.ops.layout import vstack as vstack
from keraslite.ops.linalg import cross as cross
from keraslite.ops.linalg import diag as diag
from keraslite.ops.linalg import diagonal as diagonal
from keraslite.ops.linalg import einsum as einsum
from keraslite.ops.linalg import norm as norm
from keraslite.ops.linalg import outer as outer
from keraslite.ops.linalg import tensordot as tensordot
from keraslite.ops.linalg import trace as trace
from keraslite.ops.linalg import tril as tril
from keraslite.ops.linalg import triu as triu
from keraslite.ops.math import abs as abs  # noqa: A004
from keraslite.ops.math import absolute as absolute
from keraslite.ops.math import add as add
from keraslite.ops.math import ceil as ceil
from keraslite.ops.math import clip as clip
from keraslite.ops.math import cos as cos
from keraslite.ops.math import divide as divide
from keraslite.ops.math import dot as dot
from keraslite.ops.math import equal as equal
from keraslite.ops.math import exp as exp
from keraslite.ops.math import expm1 as expm1
from keraslite.ops.math import floor as floor
from keraslite.ops.math import greater as greater
from keraslite.ops.math import greater_equal as greater_equal
from keraslite.ops.math import isfinite as isfinite
from keraslite.ops.math import isnan as isnan
from keraslite.ops.math import less as less
from keraslite.ops.math import less_equal as less_equal
from keraslite.ops.math import log as log
from keraslite.ops.math import log1p as log1p
from keraslite.ops.math import logical_and as logical_and
from keraslite.ops.math import logical_not as logical_not
from keraslite.ops.math import logical_or as logical_or
from keraslite.ops.math import matmul as matmul
from keraslite.ops.math import maximum as maximum
from keraslite.ops.math import minimum as minimum
from keraslite.ops.math import multiply as multiply
from keraslite.ops.math import negative as negative
from keraslite.ops.math import not_equal as not_equal
from keraslite.ops.math import power as power
from keraslite.ops.math import round as round  # noqa: A004
from keraslite.ops.math import sign as sign
from keraslite.ops.math import sin as sin
from keraslite.ops.math import sqrt as sqrt
from keraslite.ops.math import square as square
from keraslite.ops.math import subtract as subtract
from keraslite.ops.math import tanh as tanh
from keraslite.ops.math import true_divide as true_divide
from keraslite.ops.math import where as where
from keraslite.ops.nn import binary_crossentropy as binary_crossentropy
from keraslite.ops.nn import categorical_crossentropy as categorical_crossentropy
from keraslite.ops.nn import log_softmax as log_softmax
from keraslite.ops.nn import relu as relu
from keraslite.ops.nn import sigmoid as sigmoid
from keraslite.ops.nn import silu as silu
from keraslite.ops.nn import softmax as softmax
from keraslite.ops.nn import softplus as softplus
from keraslite.ops.nn import sparse_categorical_crossentropy as sparse_categorical_crossentropy
from keraslite.ops.normalization import batch_normalization as batch_normalization
from keraslite.ops.normalization import layer_normalization as layer_normalization
from keraslite.ops.normalization import moments as moments
from keraslite.ops.pooling import average_pool as average_pool
from keraslite.ops.pooling import max_pool as max_pool
from keraslite.ops.reduction import all as all  # noqa: A004
from keraslite.ops.reduction import amax as amax
from keraslite.ops.reduction import amin as amin
from keraslite.ops.reduction import any as any  # noqa: A004
from keraslite.ops.reduction import argmax as argmax
from keraslite.ops.reduction import argmin as argmin
from keraslite.ops.reduction import average as average
from keraslite.ops.reduction import count_nonzero as count_nonzero
from keraslite.ops.reduction import cumprod as cumprod
from keraslite.ops.reduction import cumsum as cumsum
from keraslite.ops.reduction import logsumexp as logsumexp
from keraslite.ops.reduction import max as max  # noqa: A004
from keraslite.ops.reduction import mean as mean
from keraslite.ops.reduction import min as min  # noqa: A004
from keraslite.ops.reduction import prod as prod
from keraslite.ops.reduction import std as std
from keraslite.ops.reduction import sum as sum  # noqa: A004
from keraslite.ops.reduction import var as var
from keraslite.ops.shape import broadcast_to as broadcast_to
from keraslite.ops.shape import concatenate as concatenate
from keraslite.ops.shape import expand_dims as expand_dims
from keraslite.ops.shape import flatten as flatten
from keraslite.ops.shape import getitem as getitem
from keraslite.ops.shape import multi_hot as multi_hot
from keraslite.ops.shape import one_hot as one_hot
from keraslite.ops.shape import repeat as repeat
from keraslite.ops.shape import reshape as reshape
from keraslite.ops.shape import split as split
from keraslite.ops.shape import squeeze as squeeze
from keraslite.ops.shape import stack as stack
from keraslite.ops.shape import take as take
from keraslite.ops.shape import take_along_axis as take_along_axis
from keraslite.ops.shape import tile as tile
from keraslite.ops.shape import transpose as transpose
from keraslite.ops.sorting import argsort as argsort
from keraslite.ops.sorting import in_top_k as in_top_k
from keraslite.ops.sorting import median as median
from keraslite.ops.sorting import sort as sort
from keraslite.ops.sorting import top_k as top_k

_operators.attach()

from keraslite.ops.dispatch import wrap_public_ops as _wrap_public_ops  # noqa: E402

_wrap_public_ops(globals())
