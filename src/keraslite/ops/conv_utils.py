"""Arguments, output sizes and sliding windows shared by the convolution and pooling ops.

Every convolution and pooling op works in channels-last layout on an explicitly padded input.
:func:`windows` views that input as ``(N, *out, *kernel, C)`` with stride tricks (no copy): the
element ``[n, o..., k..., c]`` is ``x[n, o_i s_i + k_i d_i ..., c]`` for strides ``s`` and
dilations ``d``. A convolution copies this view once into a matrix (im2col) and multiplies it
with the kernel; pooling reduces over its kernel axes.
"""

from __future__ import annotations

from typing import Any

from keraslite.backend import xp
from keraslite.backend.device import as_strided
from keraslite.config import image_data_format


def normalize_tuple(value: Any, rank: int, name: str, allow_zero: bool = False) -> tuple:
    """``value`` (an int or a sequence of ``rank`` ints) as a tuple of ``rank`` positive ints."""
    if isinstance(value, (int, xp.integer)) and not isinstance(value, bool):
        out = (int(value),) * rank
    else:
        try:
            out = tuple(int(v) for v in value)
        except (TypeError, ValueError):
            out = ()
        if len(out) != rank:
            raise ValueError(
                f"The `{name}` argument must be a tuple of {rank} integers (or one integer). "
                f"Received: {name}={value!r}"
            )
    low = 0 if allow_zero else 1
    if any(v < low for v in out):
        raise ValueError(
            f"The `{name}` argument must hold {'non-negative' if allow_zero else 'positive'} "
            f"integers. Received: {name}={value!r}"
        )
    return out


def normalize_padding(padding: Any, allow_causal: bool = False) -> str:
    """``"valid"``, ``"same"`` (or ``"causal"`` for 1-D convolutions), lower-cased."""
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    value = padding.lower() if isinstance(padding, str) else padding
    if value not in allowed:
        raise ValueError(
            f"The `padding` argument must be one of {allowed}. Received: padding={padding!r}"
        )
    return value


def normalize_data_format(data_format: Any) -> str:
    """``data_format``, or ``keras.config.image_data_format()`` when it is None."""
    if data_format is None:
        return image_data_format()
    value = str(data_format).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            "The `data_format` argument must be one of 'channels_first', 'channels_last'. "
            f"Received: data_format={data_format!r}"
        )
    return value


def effective_size(kernel: int, dilation: int) -> int:
    """The span of a dilated kernel: (k - 1) d + 1."""
    return (kernel - 1) * dilation + 1


def conv_pads(length: int, kernel: int, stride: int, dilation: int, padding: str) -> tuple:
    """``(before, after)`` zero padding and the output length of one spatial axis.

    valid: no padding, out = ⌊(L - k_eff) / s⌋ + 1. same: out = ⌈L / s⌉ with the total padding
    max((out - 1) s + k_eff - L, 0) split as TensorFlow and JAX do (the extra one after).
    causal: k_eff - 1 zeros before, out = ⌈L / s⌉.
    """
    k = effective_size(kernel, dilation)
    if padding == "valid":
        return (0, 0), (length - k) // stride + 1
    out = (length - 1) // stride + 1
    if padding == "causal":
        return (k - 1, 0), (length + k - 1 - k) // stride + 1
    total = max((out - 1) * stride + k - length, 0)
    return (total // 2, total - total // 2), out


def output_length(length: int | None, kernel: int, stride: int, dilation: int,
                  padding: str) -> int | None:
    """The output length of one spatial axis (None stays None)."""
    if length is None:
        return None
    return conv_pads(length, kernel, stride, dilation, padding)[1]


def transpose_pads(kernel: int, stride: int, dilation: int, padding: str,
                   output_padding: int | None) -> tuple:
    """``(left, right)`` padding of a transposed convolution, as Keras gives JAX.

    The transposed convolution's full output has length (L - 1) s + k_eff; Keras' output is
    the window of it that starts at k_eff - 1 - left and has length (L - 1) s + 1 + left +
    right - k_eff + 1 (past the full output it is zero).
    """
    k = effective_size(kernel, dilation)
    if padding == "valid":
        extra = max(k, stride) - k if output_padding is None else output_padding
        return k - 1, k - 1 + extra
    total = stride + k - 2 if output_padding is None else k + k % 2 - 2 + output_padding
    left = min(total // 2 + total % 2, k - 1)
    return left, total - left


def transpose_output_length(length: int | None, kernel: int, stride: int, dilation: int,
                            padding: str, output_padding: int | None) -> int | None:
    """Keras' output length of a transposed convolution along one axis (None stays None)."""
    if length is None:
        return None
    left, right = transpose_pads(kernel, stride, dilation, padding, output_padding)
    return (length - 1) * stride + 1 + left + right - effective_size(kernel, dilation) + 1


def windows(x: Any, kernel: tuple, strides: tuple, dilation: tuple, out: tuple) -> Any:
    """A read-only view ``(N, *out, *kernel, C)`` of the channels-last array ``x``."""
    st = x.strides
    r = len(kernel)
    shape = (x.shape[0],) + tuple(out) + tuple(kernel) + (x.shape[-1],)
    steps = (st[0],) + tuple(st[1 + i] * strides[i] for i in range(r)) + \
        tuple(st[1 + i] * dilation[i] for i in range(r)) + (st[-1],)
    return as_strided(x, shape, steps)


def tap_slices(tap: tuple, strides: tuple, dilation: tuple, out: tuple) -> tuple:
    """The strided slice of a padded input that kernel tap ``tap`` reads at every output."""
    return (slice(None),) + tuple(
        slice(t * d, t * d + s * (o - 1) + 1, s) for t, s, d, o in zip(tap, strides, dilation, out)
    ) + (slice(None),)


def to_channels_last(v: Any, data_format: str) -> Any:
    """A channels-last view of ``v``."""
    return v if data_format == "channels_last" else xp.moveaxis(v, 1, -1)


def from_channels_last(v: Any, data_format: str) -> Any:
    """Back to ``data_format`` (a view)."""
    return v if data_format == "channels_last" else xp.moveaxis(v, -1, 1)


def check_rank(name: str, inputs_shape: tuple, min_rank: int = 3, max_rank: int = 5) -> int:
    """The number of spatial axes of an input of shape ``inputs_shape``."""
    if not min_rank <= len(inputs_shape) <= max_rank:
        raise ValueError(
            f"{name} expects inputs of rank {min_rank} to {max_rank} (batch, 1 to 3 spatial "
            f"axes, channels). Received: inputs.shape={tuple(inputs_shape)}"
        )
    return len(inputs_shape) - 2
