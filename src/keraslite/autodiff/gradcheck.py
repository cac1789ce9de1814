"""Numerical gradient checking: compare the backward pass with central differences.

For a function f of arrays x_1..x_k with Jacobians J_i = ∂f/∂x_i, the backward pass computes
vector-Jacobian products wᵀJ_i. They must match central differences

    J_i d  ≈  (f(x_i + h d) - f(x_i - h d)) / (2 h)

for every coordinate direction d (the full Jacobian, for small inputs and outputs) and along
random directions d and random output weights w, as autograd's ``check_grads`` and PyTorch's
``gradcheck`` do. Checks run in float64.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from keraslite.autodiff.graph import backward, recording
from keraslite.autodiff.tensor import Tensor, Variable

_FULL_JACOBIAN_MAX_OUTPUTS = 256


def _flat_output(out) -> Tensor:
    """Join ``out`` (a Tensor or a list/tuple of them) into one flat float64 Tensor.

    The join is itself a graph node, so several outputs can be checked through one backward pass.
    """
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    for o in outs:
        if not isinstance(o, Tensor):
            raise TypeError(
                "The checked function must return a Tensor (or a list/tuple of Tensors). "
                f"Received: an output of type {type(o).__name__}"
            )
    values = [np.asarray(o.value, dtype=np.float64).reshape(-1) for o in outs]
    sizes = [v.size for v in values]
    shapes = [o.shape for o in outs]
    cuts = np.cumsum(sizes)[:-1]

    def vjp(g):
        return tuple(p.reshape(s) for p, s in zip(np.split(g, cuts), shapes))

    need = any(o.requires_grad for o in outs)
    return Tensor(np.concatenate(values), tuple(outs), vjp, need)


def _evaluate(fn: Callable, arrays: list) -> np.ndarray:
    with recording(False):
        return _flat_output(fn(*[Tensor(a) for a in arrays])).value


def _coordinates(shape: tuple):
    for j in range(int(np.prod(shape, dtype=np.int64))):
        yield np.unravel_index(j, shape) if shape else ()


def numerical_jacobian(fn: Callable, arrays: list, target, h: float = 1e-6) -> np.ndarray:
    """Central-difference Jacobian of ``fn``'s flattened output w.r.t. one input.

    Args:
        fn: maps Tensors (one per entry of ``arrays``) to a Tensor or a list of Tensors.
        arrays: the input arrays; ``arrays[target]`` is perturbed in place and restored.
        target: an index into ``arrays``, or a Variable that ``fn`` reads (perturbed in place).
        h: the step.

    Returns:
        An array of shape (output size, input size).

    """
    base = target.value if isinstance(target, Variable) else arrays[target]
    columns = []
    for idx in _coordinates(base.shape):
        old = base[idx].copy()
        base[idx] = old + h
        plus = _evaluate(fn, arrays)
        base[idx] = old - h
        minus = _evaluate(fn, arrays)
        base[idx] = old
        columns.append((plus - minus) / (2 * h))
    n_out = _evaluate(fn, arrays).size
    return np.stack(columns, axis=1) if columns else np.zeros((n_out, 0))


def numerical_gradient(objective: Callable, arrays: list, index: int, h: float = 1e-6):
    """Central-difference gradient of a scalar ``objective`` w.r.t. ``arrays[index]``."""
    return numerical_jacobian(objective, arrays, index, h).reshape(np.shape(arrays[index]))


def check_gradients(
    fn: Callable,
    inputs: Sequence,
    wrt: Sequence[int] | None = None,
    h: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-7,
    directions: int = 3,
    full: bool = True,
    variables: Sequence[Variable] = (),
    seed: int = 0,
) -> None:
    """Assert that the autodiff gradients of ``fn`` match central differences.

    Checks, for each differentiated input: the gradient's shape and dtype; the full Jacobian
    (every output against every input coordinate, when ``full`` and the output is small; else
    the gradient of a random weighting of the outputs); ``directions`` random directional
    derivatives; and that neither the forward nor the backward pass modified the inputs or the
    output gradient in place, and a second backward pass gives the same result.

    Args:
        fn: maps Tensors (one per input) to a Tensor or a list/tuple of Tensors.
        inputs: arrays; float ones are copied as float64, others (integer indices) kept as is.
        wrt: indices of the inputs to check (all float inputs by default).
        h: the finite-difference step.
        rtol, atol: tolerances of the comparison.
        directions: how many random directional derivatives to compare per input.
        full: also compare every coordinate (costly for big inputs).
        variables: float64 Variables that ``fn`` reads (a layer's weights), also checked; their
            values are perturbed in place and restored.
        seed: seeds the random output weights and directions.

    Raises:
        AssertionError: naming the input and the mismatch.

    """
    arrays = [np.asarray(getattr(a, "value", a)) for a in inputs]
    arrays = [np.array(a, np.float64) if a.dtype.kind == "f" else a.copy() for a in arrays]
    if wrt is None:
        wrt = [i for i, a in enumerate(arrays) if a.dtype == np.float64]
    variables = list(variables)
    for v in variables:
        if v.dtype != np.float64:
            raise ValueError(
                "Gradient checks need float64 variables: call "
                "keraslite.config.set_floatx('float64') before building the layer. "
                f"Received: variable '{v.path}' of dtype {v.dtype}"
            )
    pristine = [a.copy() for a in arrays] + [v.value.copy() for v in variables]
    saved_flags = [v.requires_grad for v in variables]
    rng = np.random.default_rng(seed)
    try:
        for v in variables:
            v.requires_grad = True
        tensors = [Tensor(a, requires_grad=i in wrt) for i, a in enumerate(arrays)]
        with recording():
            out = _flat_output(fn(*tensors))
        sources = [tensors[i] for i in wrt] + variables
        names = [f"input {i}" for i in wrt] + [f"variable '{v.path}'" for v in variables]
        targets: list = list(wrt) + variables

        def vjp(seed_vector):
            seed_copy = seed_vector.copy()
            grads = backward(out, sources, seed_copy)
            if not np.array_equal(seed_copy, seed_vector):
                raise AssertionError("a VJP modified its output gradient in place")
            return [np.zeros(s.shape) if g is None else np.asarray(g) for s, g in
                    zip(sources, grads)]

        w = rng.standard_normal(out.shape)
        projected = vjp(w)
        for name, s, g in zip(names, sources, projected):
            if g.shape != s.shape:
                raise AssertionError(f"{name}: gradient shape {g.shape} != input shape {s.shape}")
            if g.dtype != s.dtype:
                raise AssertionError(f"{name}: gradient dtype {g.dtype} != input dtype {s.dtype}")
        for a, p in zip(arrays + [v.value for v in variables], pristine):
            if not np.array_equal(a, p, equal_nan=True):
                raise AssertionError("the forward or backward pass modified an input in place")
        n_out = out.size
        use_jacobian = full and n_out <= _FULL_JACOBIAN_MAX_OUTPUTS
        if use_jacobian:
            rows = [vjp(np.eye(1, n_out, k).reshape(-1)) for k in range(n_out)]
        for k, (name, target) in enumerate(zip(names, targets)):
            if full:
                num = numerical_jacobian(fn, arrays, target, h)
                if use_jacobian:
                    ana = np.stack([r[k].reshape(-1) for r in rows]).reshape(num.shape)
                    _assert_close(ana, num, rtol, atol, f"{name}: Jacobian (output, input)")
                else:
                    _assert_close(projected[k].reshape(-1), w @ num, rtol, atol,
                                  f"{name}: gradient of a weighted sum of outputs")
            base = target.value if isinstance(target, Variable) else arrays[target]
            for _ in range(directions):
                d = rng.standard_normal(base.shape)
                saved = base.copy()
                base[...] = saved + h * d
                plus = _evaluate(fn, arrays)
                base[...] = saved - h * d
                minus = _evaluate(fn, arrays)
                base[...] = saved
                numeric = float(w @ (plus - minus)) / (2 * h)
                analytic = float(np.sum(projected[k] * d))
                _assert_close(analytic, numeric, rtol, atol, f"{name}: random direction")
        again = vjp(w)
        for name, g1, g2 in zip(names, projected, again):
            if not np.array_equal(g1, g2, equal_nan=True):
                raise AssertionError(f"{name}: a second backward pass gave a different gradient")
    finally:
        for v, flag, p in zip(variables, saved_flags, pristine[len(arrays):]):
            v.requires_grad = flag
            v.value[...] = p


def _assert_close(actual, desired, rtol: float, atol: float, what: str) -> None:
    np.testing.assert_allclose(actual, desired, rtol=rtol, atol=atol,
                               err_msg=f"{what}: autodiff (actual) vs central differences")
