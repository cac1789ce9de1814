"""Numerical gradient checking: compare the backward pass with central differences.

For a function f of arrays x_1..x_k, the analytic gradient from :func:`backward` must satisfy,
for every input x_i and direction d,  <grad_i, d>  ≈  (f(x_i + h d) - f(x_i - h d)) / (2 h).
Checks run in float64 over every coordinate (small inputs) and along random directions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from keraslite.autodiff.graph import backward, recording
from keraslite.autodiff.tensor import Tensor


def _scalar_objective(fn: Callable, weights_holder: dict) -> Callable:
    """Reduce ``fn``'s (possibly tensor) output to a scalar with fixed random weights."""

    def objective(*tensors):
        from keraslite import ops

        out = fn(*tensors)
        if "w" not in weights_holder:
            rng = np.random.default_rng(1234)
            weights_holder["w"] = rng.standard_normal(np.shape(out.value))
        return ops.sum(ops.multiply(out, weights_holder["w"]))

    return objective


def numerical_gradient(objective: Callable, arrays: list, index: int, h: float) -> np.ndarray:
    """Central-difference gradient of a scalar ``objective`` w.r.t. ``arrays[index]``."""
    base = arrays[index]
    grad = np.zeros_like(base, dtype=np.float64)
    flat = base.reshape(-1)
    for j in range(flat.size):
        old = flat[j]
        flat[j] = old + h
        plus = float(objective(*[Tensor(a) for a in arrays]).value)
        flat[j] = old - h
        minus = float(objective(*[Tensor(a) for a in arrays]).value)
        flat[j] = old
        grad.reshape(-1)[j] = (plus - minus) / (2 * h)
    return grad


def check_gradients(
    fn: Callable,
    inputs: Sequence,
    wrt: Sequence[int] | None = None,
    h: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-7,
    directions: int = 3,
    full: bool = True,
) -> None:
    """Assert that the autodiff gradients of ``fn`` match finite differences.

    Args:
        fn: maps Tensors to a Tensor (any shape; it is reduced with fixed random weights).
        inputs: arrays (converted to float64 copies).
        wrt: indices of the inputs to check (all by default).
        h: the finite-difference step.
        rtol, atol: tolerances of the comparison.
        directions: how many random directional derivatives to compare per input.
        full: also compare every coordinate (costly for big inputs).

    Raises:
        AssertionError: naming the input and the largest mismatch.

    """
    arrays = [np.array(a, dtype=np.float64) for a in inputs]
    wrt = list(range(len(arrays))) if wrt is None else list(wrt)
    objective = _scalar_objective(fn, {})
    tensors = [Tensor(a, requires_grad=i in wrt) for i, a in enumerate(arrays)]
    with recording():
        out = objective(*tensors)
    analytic = backward(out, [tensors[i] for i in wrt])
    rng = np.random.default_rng(0)
    for i, g in zip(wrt, analytic):
        g = np.zeros_like(arrays[i]) if g is None else np.asarray(g, dtype=np.float64)
        if g.shape != arrays[i].shape:
            raise AssertionError(f"input {i}: gradient shape {g.shape} != {arrays[i].shape}")
        if full:
            num = numerical_gradient(objective, arrays, i, h)
            np.testing.assert_allclose(g, num, rtol=rtol, atol=atol, err_msg=f"input {i}")
        for _ in range(directions):
            d = rng.standard_normal(arrays[i].shape)
            shifted = [a.copy() for a in arrays]
            shifted[i] = arrays[i] + h * d
            plus = float(objective(*[Tensor(a) for a in shifted]).value)
            shifted[i] = arrays[i] - h * d
            minus = float(objective(*[Tensor(a) for a in shifted]).value)
            numeric = (plus - minus) / (2 * h)
            np.testing.assert_allclose(
                np.sum(g * d), numeric, rtol=rtol, atol=atol, err_msg=f"input {i}, direction"
            )
