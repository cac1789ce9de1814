"""Linear algebra beyond ``matmul``: einsum, tensordot, norms, diagonals and triangles.

``einsum`` has one general VJP: the gradient of an operand is another einsum, of the output
gradient with the other operands, written back to that operand's subscripts. ``outer``,
``tensordot``, ``cross`` and most norms are composites, so they differentiate for free.
"""

from __future__ import annotations

import string
from typing import Any

from keraslite.autodiff import node, unbroadcast
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp
from keraslite.ops.core import cast, float_value, value_of
from keraslite.ops.math import abs as abs_
from keraslite.ops.math import matmul, multiply, power, sqrt, square, subtract
from keraslite.ops.reduction import _axes
from keraslite.ops.reduction import max as max_
from keraslite.ops.reduction import min as min_
from keraslite.ops.reduction import sum as sum_
from keraslite.ops.shape import getitem, reshape, squeeze, stack, transpose

# -- einsum -------------------------------------------------------------------------------


def _explicit_subscripts(subscripts: str, shapes: list) -> tuple[list[str], str]:
    """Rewrite ``subscripts`` without ``...`` and with an explicit output.

    Ellipsis axes get fresh letters, right-aligned across operands as NumPy broadcasts them;
    in implicit mode the output is the ellipsis then the letters used once, sorted.
    """
    subscripts = subscripts.replace(" ", "")
    lhs, arrow, rhs = subscripts.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(
            f"einsum: the subscripts name {len(terms)} operands but {len(shapes)} were given. "
            f"Received: subscripts={subscripts!r}"
        )
    used = set(subscripts)
    fresh = [c for c in string.ascii_letters if c not in used]
    widths = [len(s) - len(t.replace("...", "")) for t, s in zip(terms, shapes)]
    n_ell = max([w for t, w in zip(terms, widths) if "..." in t], default=0)
    ell = "".join(fresh[:n_ell])
    out_terms = [t.replace("...", ell[n_ell - w:] if w else "") for t, w in zip(terms, widths)]
    if arrow:
        out = rhs.replace("...", ell)
    else:
        letters = "".join(out_terms).replace(ell, "") if ell else "".join(out_terms)
        counts = {c: "".join(out_terms).count(c) for c in letters}
        out = ell + "".join(sorted(c for c in set(letters) if counts[c] == 1 and c not in ell))
    return out_terms, out


def einsum(subscripts: str, *operands: Any, **kwargs: Any) -> Tensor:
    """Einstein summation, as ``numpy.einsum``: e.g. ``einsum("ij,jk->ik", a, b)`` is a @ b.

    Each output element is the sum, over the letters missing from the output, of the product
    of the operands' elements. VJP for operand i with subscripts s_i: the einsum of the output
    gradient with all other operands into s_i. Letters that only s_i uses come from a vector of
    ones, a letter repeated in s_i (a diagonal) from an identity matrix, and axes that the
    operand broadcast (size 1) are summed back.
    """
    vals = [value_of(o) for o in operands]
    shapes = [tuple(xp.shape(v)) for v in vals]
    optimize = kwargs.pop("optimize", len(vals) > 1)
    out = xp.asarray(xp.einsum(subscripts, *vals, optimize=optimize, **kwargs))
    if out.dtype.kind != "f":
        return Tensor(out)
    terms, out_term = _explicit_subscripts(subscripts, shapes)
    sizes: dict = {}
    for term, shape in zip(terms, shapes):
        for c, n in zip(term, shape):
            sizes[c] = n if sizes.get(c, 1) == 1 else sizes[c]

    def grad_of(i: int, g):
        pieces, args = [out_term], [g]
        pieces += [t for j, t in enumerate(terms) if j != i]
        args += [v for j, v in enumerate(vals) if j != i]
        target, seen = "", set()
        spare = iter(c for c in string.ascii_letters if c not in sizes)
        for c in terms[i]:
            if c in seen:  # a repeated letter: tie the new axis to the first by an identity
                d = next(spare)
                pieces.append(c + d)
                args.append(xp.eye(sizes[c], dtype=g.dtype))
                target += d
                continue
            seen.add(c)
            target += c
            if not any(c in p for p in pieces):
                pieces.append(c)
                args.append(xp.ones(sizes[c], dtype=g.dtype))
        spec = ",".join(pieces) + "->" + target
        grad = xp.einsum(spec, *args, optimize=len(args) > 2)
        return unbroadcast(grad, shapes[i]).astype(xp.asarray(vals[i]).dtype, copy=False)

    def vjp(g):
        return tuple(grad_of(i, g) if isinstance(o, Tensor) and o.requires_grad else None
                     for i, o in enumerate(operands))

    return node(out, tuple(operands), vjp)


def outer(x1: Any, x2: Any) -> Tensor:
    """The outer product of the flattened inputs: out[i, j] = x1[i] x2[j] (composite)."""
    return multiply(reshape(x1, (-1, 1)), reshape(x2, (1, -1)))


def tensordot(x1: Any, x2: Any, axes: Any = 2) -> Tensor:
    """Sum products over the given axes, as ``numpy.tensordot`` (composite: transpose + matmul).

    ``axes`` is an int n (the last n axes of x1 with the first n of x2) or a pair of axis lists.
    """
    sa, sb = xp.shape(value_of(x1)), xp.shape(value_of(x2))
    if isinstance(axes, int):
        ax_a = list(range(len(sa) - axes, len(sa)))
        ax_b = list(range(axes))
    else:
        ax_a, ax_b = ([a] if isinstance(a, int) else list(a) for a in axes)
    ax_a = [a % len(sa) for a in ax_a]
    ax_b = [b % len(sb) for b in ax_b]
    free_a = [a for a in range(len(sa)) if a not in ax_a]
    free_b = [b for b in range(len(sb)) if b not in ax_b]
    k = int(xp.prod([sa[a] for a in ax_a], dtype=xp.int64))
    left = reshape(transpose(x1, free_a + ax_a), (-1, k))
    right = reshape(transpose(x2, ax_b + free_b), (k, -1))
    return reshape(matmul(left, right), tuple(sa[a] for a in free_a) +
                   tuple(sb[b] for b in free_b))


# -- norms --------------------------------------------------------------------------------


def _singular_values(x: Any, axes: tuple) -> Tensor:
    """The singular values of the matrices spanned by ``axes`` (moved last), largest first.

    VJP of σ = svd(A): dA = U diag(g) Vᵀ (valid where the singular values are distinct).
    """
    nd = len(xp.shape(value_of(x)))
    rest = [a for a in range(nd) if a not in axes]
    moved = transpose(x, rest + list(axes))
    a = value_of(moved)
    u, s, vt = xp.linalg.svd(a, full_matrices=False)
    return node(s, (moved,), lambda g: ((u * g[..., None, :]) @ vt,))


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A002
    """Vector or matrix norm, as ``numpy.linalg.norm`` (integer inputs give ``floatx()``).

    Vector norms (one axis, or a 1-D input with ``axis=None``): ‖x‖_p = (Σ|x_i|^p)^(1/p), with
    ord None = 2, inf = max|x_i|, -inf = min|x_i| and 0 = the count of non-zeros. Matrix norms
    (two axes, or a 2-D input): None/'fro' = √(Σ x_ij²), 'nuc' = Σσ_k, 1 / -1 = the largest /
    smallest column sum of |x|, inf / -inf = the same over rows, 2 / -2 = the largest /
    smallest singular value. With ``axis=None`` and ``ord=None`` any input is flattened.
    Gradients come from the composite (|x|'s gradient is sign x, 0 at 0) or from the SVD.
    """
    v = xp.asarray(value_of(x))
    if v.dtype.kind != "f":
        x = cast(x, floatx())
    nd = v.ndim
    if axis is None:
        if ord is None or (ord == "fro" and nd == 2):
            return sqrt(sum_(square(x), axis=None, keepdims=keepdims))
        if nd not in (1, 2):
            raise ValueError(
                f"norm: with ord={ord!r} and axis=None the input must be 1-D or 2-D; pass "
                f"`axis` for higher ranks. Received: x.shape={v.shape}"
            )
        axis = tuple(range(nd))
    axes = _axes(tuple(axis) if isinstance(axis, list) else axis, nd)
    if len(axes) == 1:
        (ax,) = axes
        if ord is None or ord == 2:
            return sqrt(sum_(square(x), axis=ax, keepdims=keepdims))
        if ord == xp.inf:
            return max_(abs_(x), axis=ax, keepdims=keepdims)
        if ord == -xp.inf:
            return min_(abs_(x), axis=ax, keepdims=keepdims)
        if ord == 0:
            count = xp.sum(v != 0, axis=ax, keepdims=keepdims)
            return Tensor(xp.asarray(count, dtype=float_value(v).dtype))
        if ord == 1:
            return sum_(abs_(x), axis=ax, keepdims=keepdims)
        if isinstance(ord, str):
            raise ValueError(f"norm: ord={ord!r} is a matrix norm; give two axes. "
                             f"Received: axis={axis}")
        return power(sum_(power(abs_(x), ord), axis=ax, keepdims=keepdims), 1.0 / ord)
    if len(axes) != 2:
        raise ValueError(f"norm: `axis` must name one or two axes. Received: axis={axis}")
    row, col = axes
    if ord is None or ord == "fro":
        return sqrt(sum_(square(x), axis=axes, keepdims=keepdims))
    if ord in (1, -1, xp.inf, -xp.inf):
        summed_over, then = (row, col) if ord in (1, -1) else (col, row)
        pick = max_ if ord in (1, xp.inf) else min_
        sums = sum_(abs_(x), axis=summed_over, keepdims=True)
        out = pick(sums, axis=then, keepdims=True)
    elif ord in ("nuc", 2, -2):
        s = _singular_values(x, axes)
        out = {"nuc": sum_, 2: max_, -2: min_}[ord](s, axis=-1)
        shape = tuple(1 if a in axes else v.shape[a] for a in range(nd))
        from keraslite.ops.shape import reshape

        out = reshape(out, shape)
    else:
        raise ValueError(
            "norm: a matrix norm's ord must be one of None, 'fro', 'nuc', 1, -1, 2, -2, inf, "
            f"-inf. Received: ord={ord!r}"
        )
    if keepdims:
        return out

    return squeeze(out, axis=axes)


# -- diagonals and triangles --------------------------------------------------------------


def _diagonal_index(shape: tuple, k: int) -> tuple:
    """Row and column indices of the ``k``-th diagonal of a ``shape[0] × shape[1]`` matrix."""
    n = max(0, min(shape[0] + min(k, 0), shape[1] - max(k, 0)))
    i = xp.arange(n)
    return i - min(k, 0), i + max(k, 0)


def diag(x: Any, k: int = 0) -> Tensor:
    """A 1-D input becomes a matrix with it on the ``k``-th diagonal; a 2-D input gives its
    ``k``-th diagonal. Either way the gradient reads back (or places) the same diagonal.
    """
    v = xp.asarray(value_of(x))
    if v.ndim == 1:
        n = v.shape[0] + abs(k)
        rows, cols = _diagonal_index((n, n), k)
        return node(xp.diag(v, k), (x,), lambda g: (g[rows, cols],))
    if v.ndim != 2:
        raise ValueError(f"diag expects a 1-D or 2-D input. Received: x.shape={v.shape}")
    rows, cols = _diagonal_index(v.shape, k)

    def vjp(g):
        grad = xp.zeros_like(v)
        grad[rows, cols] = g
        return (grad,)

    return node(v[rows, cols], (x,), vjp)


def diagonal(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """The ``offset``-th diagonal of the matrices on ``axis1``, ``axis2`` (placed last)."""
    v = xp.asarray(value_of(x))
    a1, a2 = axis1 % v.ndim, axis2 % v.ndim
    rows, cols = _diagonal_index((v.shape[a1], v.shape[a2]), offset)
    out = xp.diagonal(v, offset, a1, a2).copy()

    def vjp(g):
        grad = xp.zeros_like(v)
        xp.moveaxis(grad, (a1, a2), (-2, -1))[..., rows, cols] = g
        return (grad,)

    return node(out, (x,), vjp)


def trace(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """The sum along the ``offset``-th diagonal of the matrices on ``axis1``, ``axis2``."""
    return sum_(diagonal(x, offset, axis1, axis2), axis=-1)


def tril(x: Any, k: int = 0) -> Tensor:
    """Zero the entries above the ``k``-th diagonal of the last two axes; the gradient too."""
    v = xp.asarray(value_of(x))
    return node(xp.tril(v, k), (x,), lambda g: (xp.tril(g, k),))


def triu(x: Any, k: int = 0) -> Tensor:
    """Zero the entries below the ``k``-th diagonal of the last two axes; the gradient too."""
    v = xp.asarray(value_of(x))
    return node(xp.triu(v, k), (x,), lambda g: (xp.triu(g, k),))


def cross(x1: Any, x2: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
          axis: int | None = None) -> Tensor:
    """The cross product of 3-vectors (or 2-vectors, taken with z = 0) along the given axes.

    (a × b) = (a₁b₂ - a₂b₁, a₂b₀ - a₀b₂, a₀b₁ - a₁b₀); with two 2-vectors only the z component
    is returned, as in NumPy. Composite, so the gradient is free.
    """
    if axis is not None:
        axisa = axisb = axisc = axis

    def components(t, ax):
        nd = len(xp.shape(value_of(t)))
        ax %= nd
        t = transpose(t, [a for a in range(nd) if a != ax] + [ax])
        n = xp.shape(value_of(t))[-1]
        if n not in (2, 3):
            raise ValueError(f"cross: vectors must have 2 or 3 components. Received: {n}")
        return [getitem(t, (Ellipsis, i)) for i in range(n)] + ([0.0] if n == 2 else [])

    a, b = components(x1, axisa), components(x2, axisb)

    def det(i, j):
        return subtract(multiply(a[i], b[j]), multiply(a[j], b[i]))

    if not isinstance(a[2], Tensor) and not isinstance(b[2], Tensor):
        return det(0, 1)
    out = stack([det(1, 2), det(2, 0), det(0, 1)], axis=-1)
    nd = len(out.shape)
    axc = axisc % nd
    order = list(range(nd - 1))
    order.insert(axc, nd - 1)
    return transpose(out, order)
