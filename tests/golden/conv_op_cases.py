"""Cases for ``keras.ops`` convolutions and pooling, shared by the golden-file generator (real
Keras 3) and keraslite's tests. Each case is ``(op, input shapes, kwargs)``; inputs are drawn
from a generator seeded by the case's index. Imports only NumPy.
"""

import numpy as np

CL, CF = "channels_last", "channels_first"


def _conv_cases():
    out = []
    shapes = {1: ((9,), (3,)), 2: ((7, 6), (3, 2)), 3: ((5, 6, 5), (2, 3, 2))}
    for rank, (spatial, k) in shapes.items():
        for padding in ("valid", "same"):
            for strides, dil in ((1, 1), (2, 1), (1, 2)):
                for fmt in (CL, CF):
                    if rank == 3 and fmt == CF and strides == 2:
                        continue
                    x = (2,) + spatial + (3,) if fmt == CL else (2, 3) + spatial
                    out.append(("conv", [x, k + (3, 4)],
                                dict(strides=strides, padding=padding, dilation_rate=dil,
                                     data_format=fmt)))
    out.append(("conv", [(2, 6, 5, 4), (3, 3, 2, 6)], dict(padding="same")))  # 2 groups
    out.append(("conv", [(2, 10, 4), (3, 1, 8)], dict(strides=3)))  # 4 groups
    return out


def _depthwise_cases():
    out = []
    for x, k in (((2, 9, 3), (3, 3, 2)), ((2, 7, 6, 3), (3, 2, 3, 2))):
        for padding in ("valid", "same"):
            for strides, dil in ((1, 1), (2, 1), (1, 2)):
                out.append(("depthwise_conv", [x, k],
                            dict(strides=strides, padding=padding, dilation_rate=dil)))
    out.append(("depthwise_conv", [(2, 3, 7, 6), (3, 3, 3, 1)],
                dict(padding="same", data_format=CF)))
    return out


def _separable_cases():
    return [
        ("separable_conv", [(2, 7, 6, 3), (3, 3, 3, 2), (1, 1, 6, 4)],
         dict(padding="same", strides=2)),
        ("separable_conv", [(2, 9, 3), (3, 3, 1), (1, 3, 5)], dict(dilation_rate=2)),
    ]


def _transpose_cases():
    out = []
    shapes = {1: ((5,), (3,)), 2: ((4, 3), (3, 2)), 3: ((3, 2, 3), (2, 3, 2))}
    for rank, (spatial, k) in shapes.items():
        for padding in ("valid", "same"):
            for strides, dil, opad in ((1, 1, None), (2, 1, None), (2, 1, 1), (3, 1, 0),
                                       (1, 2, None)):
                for fmt in (CL, CF):
                    if rank == 3 and (fmt == CF or opad is not None):
                        continue
                    x = (2,) + spatial + (3,) if fmt == CL else (2, 3) + spatial
                    out.append(("conv_transpose", [x, k + (4, 3)],
                                dict(strides=strides, padding=padding, dilation_rate=dil,
                                     output_padding=opad, data_format=fmt)))
    return out


def _pool_cases():
    out = []
    for op in ("max_pool", "average_pool"):
        for x, pool, strides in (((2, 9, 3), 2, None), ((2, 9, 3), 3, 2), ((2, 7, 6, 3), 2, None),
                                 ((2, 7, 6, 3), (3, 2), (2, 1)), ((2, 5, 4, 5, 2), 2, None),
                                 ((2, 5, 4, 5, 2), (3, 2, 2), 1)):
            for padding in ("valid", "same"):
                out.append((op, [x], dict(pool_size=pool, strides=strides, padding=padding)))
        out.append((op, [(2, 3, 7, 6)], dict(pool_size=2, padding="same", data_format=CF)))
    return out


CASES = _conv_cases() + _depthwise_cases() + _separable_cases() + _transpose_cases() + \
    _pool_cases()


def inputs(index):
    """The float32 input arrays of case ``index``."""
    rng = np.random.RandomState(500 + index)
    return [rng.normal(size=s).astype(np.float32) for s in CASES[index][1]]
