"""Numerical gradient checks for every differentiable op in ``keraslite.ops``.

Each case is a function of Tensors and its float64 inputs; ``check_gradients`` compares the
backward pass with central differences (the full Jacobian, plus random directions). Inputs stay
away from kinks (|x| at 0, clip bounds, ties of max/min) so that finite differences are valid.
A coverage test fails when a public op is neither in the table nor listed as non-differentiable.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import keraslite
from keraslite import ops
from keraslite.autodiff import recording
from keraslite.autodiff.gradcheck import check_gradients

R = np.random.default_rng(20240607)


def normal(*shape):
    return R.standard_normal(shape)


def away(*shape, low=0.2, high=2.0):
    """Values with |x| in [low, high] and random signs (away from kinks at 0)."""
    return R.uniform(low, high, shape) * R.choice([-1.0, 1.0], shape)


def positive(*shape, low=0.5, high=2.0):
    return R.uniform(low, high, shape)


def distinct(*shape):
    """Values at least 0.1 apart, so max/min have no ties."""
    n = int(np.prod(shape, dtype=int))
    return (R.permutation(n) * 0.3 - 0.15 * n + R.uniform(-0.1, 0.1, n)).reshape(shape)


def probabilities(*shape):
    p = positive(*shape)
    return p / p.sum(-1, keepdims=True)


def labels(n, k):
    return R.integers(0, k, n)


def pair_apart(*shape):
    """Two arrays whose elements differ by at least 0.2 (no ties for maximum/minimum)."""
    a = normal(*shape)
    return a, a + away(*shape)


CASES: list = []


def case(covers, fn, *inputs, id=None, **check):  # noqa: A002 - pytest's name
    """Register a gradient check of ``fn`` on ``inputs``; ``covers`` names the ops it exercises."""
    covers = covers.split() if isinstance(covers, str) else list(covers)
    CASES.append(pytest.param(fn, inputs, check, covers, id=id or "-".join(covers)))


# -- binary element-wise ops, with broadcasting -------------------------------------------
SHAPES = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((4,), (3, 4)), ((3, 4), (4,)), ((), (3, 4)),
          ((3, 4), ())]
for sa, sb in SHAPES:
    tag = f"{sa}x{sb}".replace(" ", "")
    case("add", ops.add, normal(*sa), normal(*sb), id=f"add-{tag}")
    case("subtract", ops.subtract, normal(*sa), normal(*sb), id=f"subtract-{tag}")
    case("multiply", ops.multiply, normal(*sa), normal(*sb), id=f"multiply-{tag}")
    case("divide", ops.divide, normal(*sa), away(*sb, low=0.5), id=f"divide-{tag}")
    case("true_divide", ops.true_divide, normal(*sa), positive(*sb), id=f"true_divide-{tag}")
    case("power", ops.power, positive(*sa), normal(*sb), id=f"power-{tag}")
    # Integers against half-integers: every pair differs by at least 0.5 (no ties).
    case("maximum", ops.maximum, R.integers(-3, 3, sa) * 1.0, R.integers(-3, 3, sb) + 0.5,
         id=f"maximum-{tag}")
    case("minimum", ops.minimum, R.integers(-3, 3, sa) + 0.5, R.integers(-3, 3, sb) * 1.0,
         id=f"minimum-{tag}")
    cond = R.random(np.broadcast_shapes(sa, sb)) > 0.5
    case("where", lambda x, y, c=cond: ops.where(c, x, y), normal(*sa), normal(*sb),
         id=f"where-{tag}")

# Python scalars and arrays as the other operand.
case("add", lambda x: ops.add(x, 2.5), normal(3, 2), id="add-pyscalar")
case("subtract", lambda x: ops.subtract(1.5, x), normal(3, 2), id="subtract-pyscalar-left")
case("multiply", lambda x: ops.multiply(np.arange(1.0, 4.0), x), normal(2, 3),
     id="multiply-constant-array")
case("divide", lambda x: ops.divide(2.0, x), away(3, 2, low=0.5), id="divide-pyscalar-left")
case("power", lambda x: ops.power(x, 3), normal(3, 2), id="power-int-exponent-any-sign")
case("power", lambda x: ops.power(x, 0.5), positive(3, 2), id="power-sqrt")
case("power", lambda x: ops.power(2.0, x), normal(3, 2), id="power-pyscalar-base")
BASE = positive(2, 3)
case("power", lambda b: ops.power(BASE, b), normal(2, 3), id="power-exponent-only")
case("maximum", lambda x: ops.maximum(x, 0.3), away(3, 4) + 0.3, id="maximum-scalar")
case("minimum", lambda x: ops.minimum(-0.2, x), away(3, 4) - 0.2, id="minimum-scalar")
case("maximum", ops.maximum, *pair_apart(2, 3), id="maximum-apart")
case("minimum", ops.minimum, *pair_apart(2, 3), id="minimum-apart")
MASK = normal(3, 4) > 0
case("where", lambda x: ops.where(MASK, x, 0.0), normal(3, 4), id="where-scalar")
case("where", lambda c, x: ops.where(c, x, -x), normal(3, 4) > 0, normal(3, 4),
     id="where-condition-input")

# -- unary element-wise ops ---------------------------------------------------------------
case("negative", ops.negative, normal(3, 4))
case("square", ops.square, normal(3, 4))
case("sqrt", ops.sqrt, positive(3, 4))
case("exp", ops.exp, normal(3, 4))
case("log", ops.log, positive(3, 4))
case("log1p", ops.log1p, positive(3, 4) - 0.4)
case("expm1", ops.expm1, normal(3, 4))
case("abs", ops.abs, away(3, 4))
case("absolute", ops.absolute, away(3, 4))
case("sin", ops.sin, normal(3, 4))
case("cos", ops.cos, normal(3, 4))
case("tanh", ops.tanh, normal(3, 4))
case("clip", lambda x: ops.clip(x, -0.5, 0.5),
     np.array([[-2.0, -0.7, -0.3, 0.0], [0.2, 0.45, 0.6, 3.0]]))
case("clip", lambda x: ops.clip(x, np.full((1, 4), -1.0), 1.0), away(3, 4, low=0.1, high=0.9)
     * np.array([1.0, 1.0, 3.0, 3.0]), id="clip-array-bounds")
case("cast", lambda x: ops.cast(ops.multiply(x, x), "float64"), normal(3, 2))
case("convert_to_tensor", lambda x: ops.multiply(ops.convert_to_tensor(x), x), normal(3, 2))
case("convert_to_tensor", lambda x: ops.convert_to_tensor(x, "float64"), normal(3, 2),
     id="convert_to_tensor-dtype")

# -- reductions ---------------------------------------------------------------------------
AXES = [None, 0, 1, -1, (0, 2), [0, 1]]
for axis in AXES:
    for keepdims in (False, True):
        tag = f"axis={axis}-keepdims={keepdims}".replace(" ", "")

        def kw(f, axis=axis, keepdims=keepdims):
            return lambda x: f(x, axis=axis, keepdims=keepdims)

        case("sum", kw(ops.sum), normal(2, 3, 4), id=f"sum-{tag}")
        case("mean", kw(ops.mean), normal(2, 3, 4), id=f"mean-{tag}")
        case("max", kw(ops.max), distinct(2, 3, 4), id=f"max-{tag}")
        case("min", kw(ops.min), distinct(2, 3, 4), id=f"min-{tag}")
        case("logsumexp", kw(ops.logsumexp), normal(2, 3, 4), id=f"logsumexp-{tag}")
        case("var", kw(ops.var), normal(2, 3, 4), id=f"var-{tag}")
        case("std", kw(ops.std), normal(2, 3, 4), id=f"std-{tag}")
case("amax", lambda x: ops.amax(x, axis=1), distinct(3, 4))
case("amin", lambda x: ops.amin(x, axis=0), distinct(3, 4))
case("sum", ops.sum, normal(5), id="sum-1d")
case("mean", ops.mean, normal(5), id="mean-1d")
case("max", ops.max, distinct(5), id="max-1d")
case("logsumexp", lambda x: ops.logsumexp(x, axis=-1), normal(3, 4) * 30,
     id="logsumexp-large")
case("sum", lambda x: ops.sum(ops.square(x), axis=0), normal(4, 2), id="sum-of-square")
case("logsumexp", lambda x: ops.logsumexp(ops.add(x, np.array([0.0, -np.inf, 0.0])), axis=-1),
     normal(2, 3), id="logsumexp-with-minus-inf")


def test_logsumexp_of_only_minus_inf_is_minus_inf():
    x = np.array([[-np.inf, -np.inf], [0.0, -np.inf]])
    with np.errstate(divide="ignore"):  # log(0), as numpy.log warns
        np.testing.assert_array_equal(ops.logsumexp(x, axis=1).numpy(), [-np.inf, 0.0])

# -- linear algebra -----------------------------------------------------------------------
MATMUL = [((3, 4), (4, 5)), ((2, 3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5)), ((4,), (4, 5)),
          ((3, 4), (4,)), ((4,), (4,)), ((2, 1, 3, 4), (5, 4, 2)), ((4,), (2, 4, 5)),
          ((2, 3, 4), (4,)), ((3, 4), (2, 4, 2))]
for sa, sb in MATMUL:
    tag = f"{sa}x{sb}".replace(" ", "")
    case("matmul", ops.matmul, normal(*sa), normal(*sb), id=f"matmul-{tag}")
LEFT, RIGHT = normal(3, 4), normal(4, 2)
case("matmul", lambda b: ops.matmul(LEFT, b), normal(4, 2), id="matmul-right-only")
case("matmul", lambda a: ops.matmul(a, RIGHT), normal(3, 4), id="matmul-left-only")
case("dot", ops.dot, normal(3, 4), normal(4, 2), id="dot-2d")
case("dot", ops.dot, normal(4), normal(4), id="dot-1d")
case("dot", ops.dot, normal(3, 4), normal(4), id="dot-2d-1d")
case("dot", ops.dot, normal(), normal(3, 4), id="dot-scalar")
case("dot", ops.dot, normal(2, 3, 4), normal(4, 2), id="dot-3d-2d")
case("dot", ops.dot, normal(2, 3), normal(2, 3, 2), id="dot-2d-3d")
case("dot", ops.dot, normal(3), normal(2, 3, 2), id="dot-1d-3d")


@pytest.mark.parametrize(("sa", "sb"), [((), (3, 4)), ((3,), (3,)), ((2, 3), (3,)),
                                        ((2, 3, 4), (4, 2)), ((2, 3), (4, 3, 2)),
                                        ((2, 2, 3), (5, 3, 2)), ((3,), (2, 3, 2))])
def test_dot_matches_numpy(sa, sb):
    a, b = normal(*sa), normal(*sb)
    np.testing.assert_allclose(ops.dot(a, b).numpy(), np.dot(a, b), rtol=1e-12)

# -- shapes and indexing ------------------------------------------------------------------
case("reshape", lambda x: ops.reshape(x, (4, -1)), normal(2, 3, 4))
case("reshape", lambda x: ops.reshape(x, (6,)), normal(2, 3), id="reshape-flat")
case("transpose", ops.transpose, normal(2, 3, 4))
case("transpose", lambda x: ops.transpose(x, (1, 0, 2)), normal(2, 3, 4), id="transpose-axes")
case("transpose", lambda x: ops.transpose(x, (2, 0, 1)), normal(2, 3, 4), id="transpose-cycle")
case("transpose", lambda x: ops.transpose(x, (0, -1, 1)), normal(2, 3, 4),
     id="transpose-negative-axes")
case("expand_dims", lambda x: ops.expand_dims(x, 0), normal(2, 3))
case("expand_dims", lambda x: ops.expand_dims(x, -1), normal(2, 3), id="expand_dims-last")
case("squeeze", ops.squeeze, normal(2, 1, 3, 1))
case("squeeze", lambda x: ops.squeeze(x, 1), normal(2, 1, 3, 1), id="squeeze-axis")
case("squeeze", lambda x: ops.squeeze(x, [1, -1]), normal(2, 1, 3, 1), id="squeeze-axes")
case("flatten", ops.flatten, normal(2, 3, 2))
case("broadcast_to", lambda x: ops.broadcast_to(x, (2, 3, 4)), normal(3, 1))
case("broadcast_to", lambda x: ops.broadcast_to(x, (3, 4)), normal(4), id="broadcast_to-rank")
case("broadcast_to", lambda x: ops.broadcast_to(x, (2, 3)), normal(), id="broadcast_to-scalar")
for axis in (0, 1, -1):
    case("concatenate", lambda a, b, c, axis=axis: ops.concatenate([a, b, c], axis=axis),
         normal(2, 3), normal(2, 3), normal(2, 3), id=f"concatenate-axis={axis}")
    case("stack", lambda a, b, c, axis=axis: ops.stack([a, b, c], axis=axis),
         normal(2, 3), normal(2, 3), normal(2, 3), id=f"stack-axis={axis}")
case("concatenate", lambda a, b: ops.concatenate([a, b], axis=1), normal(2, 1), normal(2, 4),
     id="concatenate-uneven")
case("concatenate", lambda a: ops.concatenate([a, np.ones((1, 3)), a]), normal(2, 3),
     id="concatenate-constant-and-reuse")
case("split", lambda x: ops.split(x, 2), normal(4, 3))
case("split", lambda x: ops.split(x, [1, 3], axis=1), normal(2, 5), id="split-indices")
case("split", lambda x: ops.split(x, 3, axis=-1), normal(2, 6), id="split-last-axis")
GETITEM = {
    "slice": np.s_[1:3],
    "step": np.s_[:, ::2],
    "reverse": np.s_[::-1],
    "int": np.s_[1],
    "scalar": np.s_[-1, 2],
    "fancy-repeats": np.s_[[0, 2, 0, 0]],
    "fancy-2d-repeats": np.s_[np.array([[0, 1], [1, 1]])],
    "fancy-pairs": np.s_[[0, 0, 2], [1, 1, 3]],
    "ellipsis-newaxis": np.s_[..., None, 1],
    "mixed": np.s_[1:, [3, 0, 3]],
    "mask": np.array([[True, False, True, True]] * 3),
    "bool-scalar": True,
    "numpy-int": (np.int64(2), slice(None, None, -2)),
}
for name, key in GETITEM.items():
    case("getitem", lambda x, key=key: ops.getitem(x, key), normal(3, 4), id=f"getitem-{name}")
case("getitem", lambda x: x[1:, ::-1][0], normal(3, 4), id="getitem-operator")
case("take", lambda x: ops.take(x, np.array([[0, 5], [5, 11]])), normal(3, 4),
     id="take-axis=None-2d-indices")
case("take", lambda x: ops.take(x, [2, 0, 2, -1], axis=0), normal(3, 4), id="take-axis=0")
case("take", lambda x: ops.take(x, np.array([[1, 1], [3, 0]]), axis=1), normal(3, 4, 2),
     id="take-axis=1-2d-indices")
case("take", lambda x: ops.take(x, np.array([[1, 1, 0]]), axis=-1), normal(2, 3, 2),
     id="take-axis=-1")
case("take", lambda x: ops.take(x, 1, axis=1), normal(3, 4), id="take-scalar-index")
case("take_along_axis", lambda x: ops.take_along_axis(x, np.array([[0, 3, 3], [1, 1, 2]]), 1),
     normal(2, 4))
case("take_along_axis", lambda x: ops.take_along_axis(x, np.array([[2, 0, 2]]), axis=0),
     normal(3, 3), id="take_along_axis-axis=0")
case("take_along_axis", lambda x: ops.take_along_axis(x, np.array([[0, 4, 4]]), axis=1),
     normal(3, 5), id="take_along_axis-broadcast")
case("take_along_axis", lambda x: ops.take_along_axis(x, np.array([[0, 4], [4, 4], [1, 0]]), 1),
     normal(1, 5), id="take_along_axis-broadcast-x")
INDEX_3D = R.integers(0, 3, (2, 3, 4))
case("take_along_axis", lambda x: ops.take_along_axis(x, INDEX_3D, -2),
     normal(2, 3, 4), id="take_along_axis-3d")
case("tile", lambda x: ops.tile(x, 2), normal(2, 3))
case("tile", lambda x: ops.tile(x, (2, 1)), normal(2, 3), id="tile-2d")
case("tile", lambda x: ops.tile(x, (2, 1, 3)), normal(2, 3), id="tile-more-dims")
case("repeat", lambda x: ops.repeat(x, 2), normal(2, 3))
case("repeat", lambda x: ops.repeat(x, 3, axis=0), normal(2, 3), id="repeat-axis=0")
case("repeat", lambda x: ops.repeat(x, 2, axis=-1), normal(2, 3), id="repeat-axis=-1")

# -- neural-network ops -------------------------------------------------------------------
case("relu", ops.relu, away(3, 4))
case("sigmoid", ops.sigmoid, normal(3, 4))
case("sigmoid", ops.sigmoid, np.array([-40.0, -15.0, -3.0, 3.0, 15.0, 40.0]), id="sigmoid-large")
case("softplus", ops.softplus, normal(3, 4))
case("softplus", ops.softplus, np.array([-40.0, -15.0, -1.0, 1.0, 15.0, 40.0]),
     id="softplus-large")
case("silu", ops.silu, normal(3, 4))
case("silu", ops.silu, np.array([-30.0, -8.0, 8.0, 30.0]), id="silu-large")
# Activation ops of ops/activations.py. Inputs come from their own generator (the shared
# stream R stays as it was) and keep away from the kinks at 0, ±3 and 6.
RA = np.random.default_rng(31)
KINKED = RA.uniform(0.2, 2.8, (3, 4)) * RA.choice([-1.0, 1.0], (3, 4))
WIDE = np.array([-7.0, -4.5, -3.4, -2.5, -0.4, 0.3, 1.7, 2.9, 3.2, 5.5, 6.5, 9.0])
case("relu6", ops.relu6, WIDE)
case("leaky_relu", ops.leaky_relu, KINKED)
case("leaky_relu", lambda x: ops.leaky_relu(x, negative_slope=0.05), KINKED,
     id="leaky_relu-slope")
case("elu", ops.elu, KINKED)
case("elu", lambda x: ops.elu(x, alpha=0.7), KINKED, id="elu-alpha")
case("elu", ops.elu, np.array([-60.0, -20.0, 20.0, 60.0]), id="elu-large")
case("selu", ops.selu, KINKED)
case("softsign", ops.softsign, KINKED)
case("gelu", ops.gelu, RA.standard_normal((3, 4)) * 2, id="gelu-approximate")
case("gelu", lambda x: ops.gelu(x, approximate=False), RA.standard_normal((3, 4)) * 2,
     id="gelu-exact")
case("gelu", lambda x: ops.gelu(x, approximate=False), WIDE * 2, id="gelu-exact-wide")
case("hard_sigmoid", ops.hard_sigmoid, WIDE)
case("hard_silu", ops.hard_silu, WIDE)
case("hard_swish", ops.hard_swish, KINKED)
case("log_sigmoid", ops.log_sigmoid, RA.standard_normal((3, 4)) * 3)
case("log_sigmoid", ops.log_sigmoid, np.array([-60.0, -20.0, 20.0, 60.0]), id="log_sigmoid-large")
case("swish", ops.swish, RA.standard_normal((3, 4)))
for axis in (0, 1, -1):
    case("softmax", lambda x, axis=axis: ops.softmax(x, axis=axis), normal(2, 3, 4),
         id=f"softmax-axis={axis}")
    case("log_softmax", lambda x, axis=axis: ops.log_softmax(x, axis=axis), normal(2, 3, 4),
         id=f"log_softmax-axis={axis}")
case("softmax", ops.softmax, normal(2, 4) * 40, id="softmax-large")
case("log_softmax", ops.log_softmax, normal(2, 4) * 40, id="log_softmax-large")
case("binary_crossentropy", lambda t, p: ops.binary_crossentropy(t, p),
     R.random((3, 4)), R.uniform(0.05, 0.95, (3, 4)), id="binary_crossentropy-probs")
case("binary_crossentropy", lambda t, p: ops.binary_crossentropy(t, p, from_logits=True),
     R.random((3, 4)), normal(3, 4) * 3, id="binary_crossentropy-logits")
case("binary_crossentropy", lambda p: ops.binary_crossentropy(np.array([[0.0, 1.0, 1.0]]), p,
                                                              from_logits=True),
     np.array([[-40.0, -40.0, 40.0]]), id="binary_crossentropy-logits-large")
case("binary_crossentropy", ops.binary_crossentropy, R.random(4), R.uniform(0.05, 0.95, (3, 4)),
     id="binary_crossentropy-broadcast")
case("binary_crossentropy", lambda t, x: ops.binary_crossentropy(t, x, from_logits=True),
     R.random((3, 4)), normal(4) * 3, id="binary_crossentropy-logits-broadcast")
case("categorical_crossentropy", ops.categorical_crossentropy, probabilities(3, 4),
     positive(3, 4), id="categorical_crossentropy-probs")
case("categorical_crossentropy",
     lambda t, x: ops.categorical_crossentropy(t, x, from_logits=True),
     probabilities(3, 4), normal(3, 4) * 3, id="categorical_crossentropy-logits")
case("categorical_crossentropy",
     lambda t, x: ops.categorical_crossentropy(t, x, from_logits=True, axis=0),
     probabilities(3, 4).T, normal(4, 3), id="categorical_crossentropy-axis=0")
LABELS = labels(5, 4)
case("sparse_categorical_crossentropy",
     lambda p: ops.sparse_categorical_crossentropy(LABELS, p), positive(5, 4),
     id="sparse_categorical_crossentropy-probs")
case("sparse_categorical_crossentropy",
     lambda x: ops.sparse_categorical_crossentropy(LABELS, x, from_logits=True),
     normal(5, 4) * 3, id="sparse_categorical_crossentropy-logits")
case("sparse_categorical_crossentropy",
     lambda x: ops.sparse_categorical_crossentropy(LABELS[:, None], x, from_logits=True),
     normal(5, 4), id="sparse_categorical_crossentropy-labels-column")

# -- Python operators on Tensors ----------------------------------------------------------
case("add subtract multiply divide", lambda a, b: (a + b) * (a - b) / (2.0 - b) + 1.0 - a * 3.0,
     normal(3, 2), away(3, 2, low=0.1, high=0.9), id="operators-arithmetic")
case("matmul", lambda a, b: a @ b, normal(2, 3), normal(3, 2), id="operators-matmul")
case("power negative abs", lambda a: abs(-(a ** 2)) + 2.0 ** a, away(3, 2), id="operators-unary")
case("transpose reshape sum mean", lambda a: a.T.reshape(2, 3).sum(1) + a.mean(axis=0)[0],
     normal(3, 2), id="operators-methods")


# -- normalization (own generator, so the inputs of the cases above stay the same) --------
RN = np.random.default_rng(314)
NX = RN.standard_normal((4, 3, 2)) * 2 + 1
for axes in ((0,), (0, 1), (-1,), (1, 2)):
    case("moments", lambda x, axes=axes: list(ops.moments(x, axes)), NX, id=f"moments-{axes}")
case("moments", lambda x: list(ops.moments(x, [0, 2], keepdims=True)), NX,
     id="moments-keepdims")
case("batch_normalization",
     lambda x, m, v, b, g: ops.batch_normalization(x, m, v, axis=1, offset=b, scale=g,
                                                   epsilon=0.01),
     NX, RN.standard_normal(3), RN.uniform(0.5, 2, 3), RN.standard_normal(3),
     RN.standard_normal(3), id="batch_normalization-axis=1")
case("batch_normalization", lambda x, m, v: ops.batch_normalization(x, m, v, axis=-1),
     NX, RN.standard_normal(2), RN.uniform(0.5, 2, 2), id="batch_normalization-no-affine")
for axis in (-1, [1, 2], [0, 2]):
    case("layer_normalization",
         lambda x, axis=axis: ops.layer_normalization(x, axis=axis, epsilon=1e-3), NX,
         id=f"layer_normalization-{axis}".replace(" ", ""))
case("layer_normalization",
     lambda x, g, b: ops.layer_normalization(x, g, b, axis=[1, 2], epsilon=1e-3),
     NX, RN.standard_normal((3, 2)), RN.standard_normal((3, 2)),
     id="layer_normalization-affine")
case("layer_normalization",
     lambda x, g: ops.layer_normalization(x, g, axis=-1, epsilon=1e-3, rms_scaling=True),
     NX, RN.standard_normal(2) + 2, id="layer_normalization-rms_scaling")


# -- ops of elementwise.py, linalg.py, layout.py, sorting.py and the newer reductions ----
# (own generator, so the inputs of the cases above stay the same)
RX = np.random.default_rng(2718)


def rx_normal(*shape):
    return RX.standard_normal(shape)


def rx_away(*shape, low=0.3, high=2.0):
    return RX.uniform(low, high, shape) * RX.choice([-1.0, 1.0], shape)


def rx_distinct(*shape):
    n = int(np.prod(shape, dtype=int))
    return (RX.permutation(n) * 0.3 - 0.15 * n + RX.uniform(-0.1, 0.1, n)).reshape(shape)


UNIT = RX.uniform(-0.8, 0.8, (3, 4))
case("reciprocal", ops.reciprocal, rx_away(3, 4))
case("rsqrt", ops.rsqrt, RX.uniform(0.3, 3.0, (3, 4)))
case("log2", ops.log2, RX.uniform(0.3, 3.0, (3, 4)))
case("log10", ops.log10, RX.uniform(0.3, 3.0, (3, 4)))
case("exp2", ops.exp2, rx_normal(3, 4))
case("tan", ops.tan, RX.uniform(-1.2, 1.2, (3, 4)))
case("arcsin", ops.arcsin, UNIT)
case("arccos", ops.arccos, UNIT)
case("arctan", ops.arctan, rx_normal(3, 4) * 2)
case("arctan2", ops.arctan2, rx_away(3, 4), rx_away(3, 4))
case("arctan2", ops.arctan2, rx_away(3, 1), rx_away(4), id="arctan2-broadcast")
case("sinh", ops.sinh, rx_normal(3, 4))
case("cosh", ops.cosh, rx_away(3, 4))
case("arcsinh", ops.arcsinh, rx_normal(3, 4) * 2)
case("arccosh", ops.arccosh, RX.uniform(1.3, 4.0, (3, 4)))
case("arctanh", ops.arctanh, UNIT)
case("erf", ops.erf, rx_normal(3, 4) * 1.5)
case("erf", ops.erf, np.array([-3.0, -0.6, -0.45, -1e-3, 2e-3, 0.3, 0.52, 4.0]),
     id="erf-both-sides")
MOD_B = RX.uniform(0.5, 2.0, (3, 4))
MOD_A = (RX.integers(-3, 3, (3, 4)) + RX.uniform(0.2, 0.8, (3, 4))) * MOD_B
case("mod", ops.mod, MOD_A, MOD_B)
case("mod", lambda a: ops.mod(a, 0.7), (RX.integers(-3, 3, (3, 4)) + 0.5) * 0.7,
     id="mod-scalar-divisor")
case("nan_to_num", ops.nan_to_num, rx_normal(3, 4))
case("copy", ops.copy, rx_normal(3, 4))

EINSUM = {
    "matmul": ("ij,jk->ik", (3, 4), (4, 2)),
    "batched-ellipsis": ("...ij,...jk", (2, 1, 3, 4), (5, 4, 2)),
    "diagonal": ("ii->i", (3, 3)),
    "trace": ("ii", (3, 3)),
    "sum-all": ("ij->", (3, 4)),
    "broadcast-size-1": ("ij,ij->ij", (1, 3), (2, 3)),
    "outer": ("i,j->ij", (3,), (4,)),
    "three-operands": ("bij,bjk,bkl->bil", (2, 3, 4), (2, 4, 2), (2, 2, 3)),
    "implicit": ("ij,kj", (3, 4), (2, 4)),
    "transpose": ("ji", (3, 4)),
    "repeated-and-summed": ("iij,k->jk", (3, 3, 2), (4,)),
    "ellipsis-broadcast-rank": ("...i,i->...", (2, 3, 4), (4,)),
}
for name, (spec, *shapes) in EINSUM.items():
    case("einsum", lambda *xs, spec=spec: ops.einsum(spec, *xs),
         *[rx_normal(*s) for s in shapes], id=f"einsum-{name}")
case("outer", ops.outer, rx_normal(3), rx_normal(2, 2))
case("tensordot", ops.tensordot, rx_normal(2, 3, 4), rx_normal(3, 4, 2))
case("tensordot", lambda a, b: ops.tensordot(a, b, axes=([1, 0], [0, 2])), rx_normal(2, 3, 4),
     rx_normal(3, 2, 2), id="tensordot-axes-lists")
case("tensordot", lambda a, b: ops.tensordot(a, b, axes=0), rx_normal(2), rx_normal(3),
     id="tensordot-axes=0")

NORMS = {
    "default-vector": (dict(), rx_normal(5)),
    "default-matrix": (dict(), rx_normal(3, 4)),
    "default-3d": (dict(), rx_normal(2, 3, 2)),
    "axis-keepdims": (dict(axis=-1, keepdims=True), rx_normal(2, 3, 4)),
    "ord=1": (dict(ord=1, axis=0), rx_away(3, 4)),
    "ord=3": (dict(ord=3, axis=1), rx_away(3, 4)),
    "ord=0.5": (dict(ord=0.5, axis=1), rx_away(3, 4)),
    "ord=inf": (dict(ord=np.inf), rx_distinct(6)),
    "ord=-inf": (dict(ord=-np.inf, axis=1), rx_distinct(3, 4) + 0.05),
    "fro": (dict(ord="fro", axis=(1, 2)), rx_normal(2, 3, 4)),
    "nuc": (dict(ord="nuc"), rx_normal(3, 4)),
    "spectral": (dict(ord=2), rx_normal(4, 3)),
    "smallest-singular": (dict(ord=-2, axis=(0, 2), keepdims=True), rx_normal(3, 2, 4)),
    "matrix-ord=1": (dict(ord=1), rx_distinct(3, 4)),
    "matrix-ord=-1": (dict(ord=-1), rx_distinct(3, 4)),
    "matrix-ord=inf": (dict(ord=np.inf, axis=(-1, 0)), rx_distinct(3, 4)),
    "matrix-ord=-inf": (dict(ord=-np.inf), rx_distinct(3, 4)),
}
for name, (kwargs, value) in NORMS.items():
    case("norm", lambda x, kwargs=kwargs: ops.norm(x, **kwargs), value, id=f"norm-{name}")

case("diag", ops.diag, rx_normal(3))
case("diag", lambda x: ops.diag(x, k=-2), rx_normal(3), id="diag-vector-below")
case("diag", lambda x: ops.diag(x, k=1), rx_normal(3, 4), id="diag-matrix-above")
case("diag", lambda x: ops.diag(x, k=-1), rx_normal(3, 4), id="diag-matrix-below")
case("diagonal", lambda x: ops.diagonal(x, 1, 2, 0), rx_normal(3, 2, 4))
case("trace", ops.trace, rx_normal(3, 4))
case("trace", lambda x: ops.trace(x, offset=-1, axis1=1, axis2=2), rx_normal(2, 3, 3),
     id="trace-batched")
case("tril", ops.tril, rx_normal(3, 4))
case("triu", lambda x: ops.triu(x, k=-1), rx_normal(2, 3, 4))
case("cross", ops.cross, rx_normal(2, 3), rx_normal(2, 3))
case("cross", lambda a, b: ops.cross(a, b, axisa=0, axisc=0), rx_normal(3, 4), rx_normal(4, 3),
     id="cross-axes")
case("cross", ops.cross, rx_normal(4, 2), rx_normal(4, 2), id="cross-2d-vectors")
case("cross", ops.cross, rx_normal(2), rx_normal(3), id="cross-2d-with-3d")

for axis in (None, 0, 1, -1):
    case("cumsum", lambda x, axis=axis: ops.cumsum(x, axis=axis), rx_normal(2, 3, 4),
         id=f"cumsum-axis={axis}")
    case("cumprod", lambda x, axis=axis: ops.cumprod(x, axis=axis), rx_away(2, 3, 4),
         id=f"cumprod-axis={axis}")
WITH_ZEROS = rx_normal(3, 4)
WITH_ZEROS[0, 1] = WITH_ZEROS[1, 2] = WITH_ZEROS[1, 3] = 0.0
case("cumprod", lambda x: ops.cumprod(x, axis=1), WITH_ZEROS, id="cumprod-zeros")
case("cumprod", ops.cumprod, WITH_ZEROS, id="cumprod-zeros-flat")
for axis in (None, 1, (0, 2), [-1]):
    for keepdims in (False, True):
        case("prod", lambda x, axis=axis, keepdims=keepdims: ops.prod(x, axis, keepdims),
             rx_normal(2, 3, 4), id=f"prod-axis={axis}-keepdims={keepdims}".replace(" ", ""))
case("prod", lambda x: ops.prod(x, axis=1), WITH_ZEROS, id="prod-zeros")
case("average", lambda x: ops.average(x, axis=1), rx_normal(3, 4))
case("average", lambda x, w: ops.average(x, axis=1, weights=w), rx_normal(3, 4),
     RX.uniform(0.5, 2.0, 4), id="average-1d-weights")
case("average", lambda x, w: ops.average(x, weights=w), rx_normal(3, 4),
     RX.uniform(0.5, 2.0, (3, 4)), id="average-full-weights")
case("max", lambda x: ops.max(x, axis=1, initial=0.5), rx_distinct(3, 4) + 0.03,
     id="max-initial")
case("min", lambda x: ops.min(x, initial=-0.4), rx_distinct(3, 4) + 0.03, id="min-initial")

for axis in (-1, 0, None):
    case("sort", lambda x, axis=axis: ops.sort(x, axis=axis), rx_distinct(3, 4),
         id=f"sort-axis={axis}")
case("top_k", lambda x: ops.top_k(x, 2)[0], rx_distinct(3, 5))
case("median", ops.median, rx_distinct(3, 4), id="median-even")
case("median", lambda x: ops.median(x, axis=1, keepdims=True), rx_distinct(2, 3, 4),
     id="median-odd-keepdims")
case("median", lambda x: ops.median(x, axis=(0, 2)), rx_distinct(2, 3, 3), id="median-axes")

case("flip", ops.flip, rx_normal(2, 3))
case("flip", lambda x: ops.flip(x, axis=(0, 2)), rx_normal(2, 3, 2), id="flip-axes")
case("roll", lambda x: ops.roll(x, 2), rx_normal(2, 3))
case("roll", lambda x: ops.roll(x, (1, -2), axis=(0, 1)), rx_normal(2, 3), id="roll-axes")
case("moveaxis", lambda x: ops.moveaxis(x, [0, 1], [-1, 0]), rx_normal(2, 3, 4))
case("swapaxes", lambda x: ops.swapaxes(x, 0, -1), rx_normal(2, 3, 4))
case("ravel", ops.ravel, rx_normal(2, 3))
case("unstack", lambda x: ops.unstack(x, axis=1), rx_normal(2, 3, 2))
case("hstack", lambda a, b: ops.hstack([a, b]), rx_normal(2, 3), rx_normal(2, 1))
case("hstack", lambda a, b: ops.hstack([a, b]), rx_normal(3), rx_normal(2), id="hstack-1d")
case("vstack", lambda a, b: ops.vstack([a, b]), rx_normal(3), rx_normal(2, 3))
case("slice", lambda x: ops.slice(x, (1, 0, 2), (2, -1, 2)), rx_normal(3, 2, 4))
case("meshgrid", lambda a, b, c: ops.meshgrid(a, b, c), rx_normal(3), rx_normal(2),
     rx_normal(4))
case("meshgrid", lambda a, b: ops.meshgrid(a, b, indexing="ij"), rx_normal(3), rx_normal(2),
     id="meshgrid-ij")
for mode in ("constant", "edge", "reflect", "symmetric", "wrap", "circular"):
    case("pad", lambda x, mode=mode: ops.pad(x, ((2, 1), (3, 2)), mode=mode), rx_normal(3, 3),
         id=f"pad-{mode}")
case("pad", lambda x: ops.pad(x, 1, constant_values=2.0), rx_normal(2, 3), id="pad-value")

@pytest.mark.parametrize(("fn", "inputs", "check", "covers"), CASES)
def test_op_gradient(fn, inputs, check, covers):
    check_gradients(fn, inputs, **check)


# -- coverage -----------------------------------------------------------------------------
NON_DIFFERENTIABLE = {
    # creation, conversion and inspection
    "arange", "zeros", "ones", "zeros_like", "ones_like", "full", "convert_to_numpy",
    "shape", "dtype", "one_hot", "stop_gradient",
    # piecewise constant: the gradient is zero wherever it exists
    "sign", "round", "floor", "ceil", "argmax", "argmin",
    # comparisons and logic
    "equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
    "logical_and", "logical_or", "logical_not", "isnan", "isfinite",
    # newer ops: creation and inspection, integer or boolean results, piecewise constant
    "eye", "identity", "linspace", "full_like", "ndim", "size", "is_tensor", "multi_hot",
    "all", "any", "count_nonzero", "argsort", "in_top_k", "floor_divide", "logical_xor",
    "isinf", "isclose",
}

# Ops whose gradient checks live in their own test file.
CHECKED_ELSEWHERE = {
    # tests/test_conv_ops.py
    "conv", "depthwise_conv", "separable_conv", "conv_transpose", "max_pool", "average_pool",
}


def _public_ops() -> set:
    return {
        name for name, obj in vars(ops).items()
        if not name.startswith("_") and callable(obj) and not inspect.ismodule(obj)
    }


def test_every_public_op_is_checked_or_listed():
    covered = {name for p in CASES for name in p.values[3]}
    public = _public_ops()
    assert covered <= public, f"the table names unknown ops: {sorted(covered - public)}"
    assert not covered & NON_DIFFERENTIABLE, sorted(covered & NON_DIFFERENTIABLE)
    missing = public - covered - NON_DIFFERENTIABLE - CHECKED_ELSEWHERE
    assert not missing, (
        f"public ops without a gradient check: {sorted(missing)}; add a case to CASES in "
        "tests/test_grad_ops.py, or list them in NON_DIFFERENTIABLE"
    )
    stale = NON_DIFFERENTIABLE - public
    assert not stale, f"NON_DIFFERENTIABLE lists ops that no longer exist: {sorted(stale)}"


NON_DIFF_CALLS = {
    "sign": lambda x: ops.sign(x),
    "round": lambda x: ops.round(x),
    "floor": lambda x: ops.floor(x),
    "ceil": lambda x: ops.ceil(x),
    "argmax": lambda x: ops.argmax(x, axis=-1),
    "argmin": lambda x: ops.argmin(x),
    "equal": lambda x: ops.equal(x, x),
    "not_equal": lambda x: ops.not_equal(x, 0.0),
    "greater": lambda x: ops.greater(x, 0.0),
    "greater_equal": lambda x: ops.greater_equal(x, 0.0),
    "less": lambda x: ops.less(x, 0.0),
    "less_equal": lambda x: ops.less_equal(x, 0.0),
    "logical_and": lambda x: ops.logical_and(ops.greater(x, 0), ops.less(x, 1)),
    "logical_or": lambda x: ops.logical_or(ops.greater(x, 0), ops.less(x, -1)),
    "logical_not": lambda x: ops.logical_not(ops.greater(x, 0)),
    "isnan": lambda x: ops.isnan(x),
    "isfinite": lambda x: ops.isfinite(x),
    "stop_gradient": lambda x: ops.stop_gradient(x),
    "zeros_like": lambda x: ops.zeros_like(x),
    "ones_like": lambda x: ops.ones_like(x),
    "one_hot": lambda x: ops.one_hot(ops.argmax(x, axis=-1), 4),
    "all": lambda x: ops.all(x, axis=0),
    "any": lambda x: ops.any(x),
    "count_nonzero": lambda x: ops.count_nonzero(x, axis=1),
    "argsort": lambda x: ops.argsort(x),
    "in_top_k": lambda x: ops.in_top_k(np.array([0, 1, 2]), x, 2),
    "floor_divide": lambda x: ops.floor_divide(x, 0.3),
    "logical_xor": lambda x: ops.logical_xor(ops.greater(x, 0), ops.less(x, 1)),
    "isinf": lambda x: ops.isinf(x),
    "isclose": lambda x: ops.isclose(x, 0.0),
    "full_like": lambda x: ops.full_like(x, 2.0),
    "top_k-indices": lambda x: ops.top_k(x, 2)[1],
}


@pytest.mark.parametrize("name", sorted(NON_DIFF_CALLS))
def test_non_differentiable_ops_cut_the_graph(name):
    x = keraslite.Tensor(normal(3, 4), requires_grad=True)
    with recording():
        out = NON_DIFF_CALLS[name](x)
    assert not out.requires_grad and out.vjp is None


def test_stop_gradient_blocks_only_its_branch():
    x = keraslite.Tensor(normal(3), requires_grad=True)
    with keraslite.GradientTape() as tape:
        y = ops.sum(ops.multiply(ops.stop_gradient(x), x))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), x.numpy())


# -- the checker itself -------------------------------------------------------------------
def _bad_square(x):
    """x² with a wrong VJP (x instead of 2x): the checker must reject it."""
    from keraslite.autodiff import node

    v = x.value
    return node(v * v, (x,), lambda g: (g * v,))


@pytest.mark.parametrize("full", [True, False])
def test_checker_rejects_a_wrong_gradient(full):
    with pytest.raises(AssertionError, match="input 0"):
        check_gradients(_bad_square, [normal(2, 3)], full=full)


def test_checker_rejects_wrong_gradient_dtype():
    from keraslite.autodiff import node

    def f(x):
        return node(x.value * 2, (x,), lambda g: ((2 * g).astype("float32"),))

    with pytest.raises(AssertionError, match="dtype"):
        check_gradients(f, [normal(3)])


def test_checker_needs_float64_variables():
    v = keraslite.Variable(np.ones(2, "float32"))
    with pytest.raises(ValueError, match="float64"):
        check_gradients(lambda: ops.multiply(v, 2.0), [], variables=[v])


def test_cast_gradient_has_the_source_dtype():
    x = keraslite.Tensor(normal(3), requires_grad=True)
    with keraslite.GradientTape() as tape:
        y = ops.sum(ops.cast(x, "float32"))
    g = tape.gradient(y, x)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g.numpy(), 1.0)


def test_power_exponent_gradient_with_a_zero_base_is_finite():
    b = keraslite.Tensor(np.array([0.5, 2.0]), requires_grad=True)
    with keraslite.GradientTape() as tape:
        y = ops.sum(ops.power(np.array([0.0, 3.0]), b))
    with np.errstate(all="raise"):
        g = tape.gradient(y, b).numpy()
    np.testing.assert_allclose(g, [0.0, 9.0 * np.log(3.0)])


def test_checker_rejects_an_op_that_modifies_its_input():
    def doubles_its_input(x):
        x.value[...] = 2 * x.value
        return ops.multiply(x, 1.0)

    with pytest.raises(AssertionError, match="modified an input"):
        check_gradients(doubles_its_input, [normal(3)])
