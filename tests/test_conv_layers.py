"""Convolution, pooling and spatial layers: shapes and summaries as Keras 3, gradients, configs,
masks, training."""

import io
import sys
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest

import keraslite as keras
from keraslite.autodiff.gradcheck import check_gradients

GOLDEN = Path(__file__).parent / "golden"
sys.path.insert(0, str(GOLDEN))
from conv_summary_models import models  # noqa: E402

L = keras.layers


def test_summary_matches_keras():
    """Four models using every layer of the family: the printed table is Keras 3's, verbatim
    (tests/golden/conv_summary.txt was printed by Keras 3.15.1)."""
    out = io.StringIO()
    with redirect_stdout(out):
        for m in models(keras):
            m.summary(line_length=100)
    assert out.getvalue() == (GOLDEN / "conv_summary.txt").read_text()


# -- gradients of every layer, float64 ----------------------------------------------------
CF = "channels_first"


def _input(rank, fmt, channels=4, size=6, batch=2):
    if rank == 3:
        size = min(size, 4)
    spatial = (size, size - 1, size)[:rank]
    return (batch,) + spatial + (channels,) if fmt != CF else (batch, channels) + spatial


def _layer_cases():
    cases = []
    convs = {1: L.Conv1D, 2: L.Conv2D, 3: L.Conv3D}
    trans = {1: L.Conv1DTranspose, 2: L.Conv2DTranspose, 3: L.Conv3DTranspose}
    for rank in (1, 2, 3):
        for fmt in (None, CF):
            for padding, strides, dil, act in (("valid", 1, 2, "relu"), ("same", 2, 1, "tanh"),
                                               ("same", 1, 1, "elu")):
                kw = dict(padding=padding, strides=strides, dilation_rate=dil, activation=act,
                          data_format=fmt)
                cases.append((f"{convs[rank].__name__}-{padding}-s{strides}-d{dil}-{act}-{fmt}",
                              lambda c=convs[rank], kw=kw, k=2 if rank == 3 else 3: c(
                                  4, k, groups=2, **kw),
                              _input(rank, fmt)))
                if rank < 3 or fmt is None:
                    tkw = dict(kw, output_padding=None if strides == 1 else 1)
                    cases.append((f"{trans[rank].__name__}-{padding}-s{strides}-d{dil}-{fmt}",
                                   lambda c=trans[rank], kw=tkw: c(3, 2, **kw),
                                   _input(rank, fmt, channels=2, size=3)))
    cases.append(("Conv1D-causal", lambda: L.Conv1D(3, 3, padding="causal", dilation_rate=2,
                                                    activation="sigmoid"), (2, 6, 2)))
    cases.append(("Conv2D-softmax-nobias", lambda: L.Conv2D(3, 2, activation="softmax",
                                                            use_bias=False), (2, 4, 4, 2)))
    for rank, (dw, sep) in {1: (L.DepthwiseConv1D, L.SeparableConv1D),
                            2: (L.DepthwiseConv2D, L.SeparableConv2D)}.items():
        for fmt in (None, CF):
            for padding, strides, dil in (("valid", 1, 2), ("same", 2, 1)):
                kw = dict(padding=padding, strides=strides, dilation_rate=dil, data_format=fmt)
                cases.append((f"{dw.__name__}-{padding}-{fmt}",
                              lambda c=dw, kw=kw: c(2, depth_multiplier=2, activation="tanh",
                                                    **kw), _input(rank, fmt, channels=3)))
                cases.append((f"{sep.__name__}-{padding}-{fmt}",
                              lambda c=sep, kw=kw: c(3, 2, depth_multiplier=2, **kw),
                              _input(rank, fmt, channels=3)))
    pools = {1: (L.MaxPooling1D, L.AveragePooling1D, L.GlobalMaxPooling1D,
                 L.GlobalAveragePooling1D, L.UpSampling1D, L.ZeroPadding1D, L.Cropping1D),
             2: (L.MaxPooling2D, L.AveragePooling2D, L.GlobalMaxPooling2D,
                 L.GlobalAveragePooling2D, L.UpSampling2D, L.ZeroPadding2D, L.Cropping2D),
             3: (L.MaxPooling3D, L.AveragePooling3D, L.GlobalMaxPooling3D,
                 L.GlobalAveragePooling3D, L.UpSampling3D, L.ZeroPadding3D, L.Cropping3D)}
    for rank, (mp, ap, gmp, gap, up, zp, cr) in pools.items():
        for fmt in (None, CF):
            x = _input(rank, fmt, channels=2)
            for padding, strides in (("valid", None), ("same", 1)):
                cases.append((f"{mp.__name__}-{padding}-{fmt}",
                              lambda c=mp, p=padding, s=strides, f=fmt: c(2, s, p, data_format=f),
                              x))
                cases.append((f"{ap.__name__}-{padding}-{fmt}",
                              lambda c=ap, p=padding, s=strides, f=fmt: c(2, s, p, data_format=f),
                              x))
            for c in (gmp, gap):
                cases.append((f"{c.__name__}-{fmt}",
                              lambda c=c, f=fmt: c(data_format=f, keepdims=f is None), x))
            if rank > 1:
                cases.append((f"{up.__name__}-{fmt}", lambda c=up, f=fmt: c(data_format=f), x))
                cases.append((f"{zp.__name__}-{fmt}",
                              lambda c=zp, f=fmt, r=rank: c(((1, 0),) * r, data_format=f), x))
                cases.append((f"{cr.__name__}-{fmt}",
                              lambda c=cr, f=fmt, r=rank: c(((1, 0),) * r, data_format=f), x))
        if rank == 1:
            cases += [("UpSampling1D", lambda: L.UpSampling1D(3), (2, 3, 2)),
                      ("ZeroPadding1D", lambda: L.ZeroPadding1D((2, 1)), (2, 3, 2)),
                      ("Cropping1D", lambda: L.Cropping1D((1, 2)), (2, 5, 2))]
    return cases


LAYER_CASES = _layer_cases()


@pytest.mark.parametrize(("make", "shape"), [c[1:] for c in LAYER_CASES],
                         ids=[c[0] for c in LAYER_CASES])
def test_layer_gradients(float64, make, shape):
    rng = np.random.default_rng(7)
    layer = make()
    layer.build(shape)
    for v in layer.trainable_variables:
        v.assign(rng.normal(size=v.shape) * 0.7)
    check_gradients(layer, [rng.normal(size=shape)], variables=layer.trainable_variables,
                    directions=1)


# -- behaviour ------------------------------------------------------------------------------
def test_masked_global_average_pooling_1d_averages_unmasked_steps(float64):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 5, 2))
    mask = np.array([[1, 1, 0, 0, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 0]], bool)
    layer = L.GlobalAveragePooling1D()
    assert layer.supports_masking
    want = np.stack([x[i][mask[i]].mean(0) for i in range(3)])
    np.testing.assert_allclose(np.asarray(layer(x, mask=mask)), want)
    assert layer.compute_mask(x, mask) is None
    check_gradients(lambda t: layer(t, mask=mask), [x])
    first = L.GlobalAveragePooling1D(data_format=CF, keepdims=True)
    got = first(np.swapaxes(x, 1, 2), mask=mask)
    np.testing.assert_allclose(np.asarray(got)[:, :, 0], want)


@pytest.mark.parametrize(("cls", "shape", "fmt", "kept_axes"), [
    (L.SpatialDropout2D, (4, 3, 3, 6), None, (0, 3)),
    (L.SpatialDropout2D, (4, 6, 3, 3), CF, (0, 1)),
    (L.SpatialDropout3D, (4, 2, 3, 2, 6), None, (0, 4)),
])
def test_spatial_dropout_drops_whole_feature_maps(cls, shape, fmt, kept_axes):
    layer = cls(0.5, data_format=fmt, seed=1)
    x = np.ones(shape, "float32")
    np.testing.assert_array_equal(np.asarray(layer(x)), x)  # inference: identity
    out = np.asarray(layer(x, training=True))
    spatial = tuple(a for a in range(len(shape)) if a not in kept_axes)
    assert set(np.unique(out)) <= {0.0, 2.0}
    assert (out.min(axis=spatial) == out.max(axis=spatial)).all()  # one draw per map
    assert 0 < (out == 0).mean() < 1
    with pytest.raises(ValueError, match="expected ndim"):
        cls(0.5)(np.ones((2, 3)), training=True)


def _all_layers():
    return [layer for model in models(keras) for layer in model.layers]


@pytest.mark.parametrize("layer", _all_layers(), ids=lambda layer: layer.name)
def test_config_round_trip(layer):
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()


def test_aliases_are_the_same_classes():
    assert L.Convolution2D is L.Conv2D and L.MaxPool2D is L.MaxPooling2D
    assert L.AvgPool1D is L.AveragePooling1D and L.GlobalAvgPool2D is L.GlobalAveragePooling2D
    assert L.GlobalMaxPool3D is L.GlobalMaxPooling3D
    assert L.Convolution2DTranspose is L.Conv2DTranspose
    assert L.SeparableConvolution2D is L.SeparableConv2D


@pytest.mark.parametrize(("make", "match"), [
    (lambda: L.Conv2D(0, 3), "filters"),
    (lambda: L.Conv2D(4, 3, groups=3), "groups"),
    (lambda: L.Conv2D(4, 3, padding="causal"), "padding"),
    (lambda: L.Conv2D(4, (3, 3, 3)), "kernel_size"),
    (lambda: L.Conv2D(4, 3, strides=2, dilation_rate=2), "dilation_rate"),
    (lambda: L.Conv2DTranspose(4, 3, strides=2, output_padding=2), "output_padding"),
    (lambda: L.MaxPooling2D(data_format="nhwc"), "data_format"),
])
def test_argument_errors_name_the_argument(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_input_errors_say_what_was_expected():
    with pytest.raises(ValueError, match="expected ndim=4"):
        L.Conv2D(2, 3)(np.ones((2, 5, 5), "float32"))
    with pytest.raises(ValueError, match="padding='same'"):
        keras.Sequential([keras.Input((2, 2, 1)), L.Conv2D(2, 3)])
    with pytest.raises(ValueError, match="multiple of"):
        keras.ops.conv(np.ones((1, 5, 5, 3)), np.ones((3, 3, 2, 4)))


def test_conv1d_learns_a_shift_invariant_pattern():
    """A bump anywhere in the signal: a Conv1D + GlobalMaxPooling1D net learns it quickly."""
    rng = np.random.default_rng(0)
    n, steps = 256, 24
    x = rng.normal(scale=0.5, size=(n, steps, 1)).astype("float32")
    y = rng.integers(0, 2, n)
    where = rng.integers(0, steps - 3, n)
    for i in np.flatnonzero(y):
        x[i, where[i]:where[i] + 3, 0] += [2.0, -2.0, 2.0]
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((steps, 1)), L.Conv1D(8, 3, activation="relu"),
                              L.GlobalMaxPooling1D(), L.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    assert model.evaluate(x, y, verbose=0)[1] > 0.95


def test_upsampling2d_bilinear_matches_keras3():
    x = np.arange(18, dtype="float32").reshape(2, 3, 3, 1)
    out = np.asarray(keras.layers.UpSampling2D(2, interpolation="bilinear")(x))
    keras3 = [[0.0, 0.25, 0.75, 1.25, 1.75, 2.0], [0.75, 1.0, 1.5, 2.0, 2.5, 2.75],
              [2.25, 2.5, 3.0, 3.5, 4.0, 4.25], [3.75, 4.0, 4.5, 5.0, 5.5, 5.75],
              [5.25, 5.5, 6.0, 6.5, 7.0, 7.25], [6.0, 6.25, 6.75, 7.25, 7.75, 8.0]]
    np.testing.assert_allclose(out[0, :, :, 0], keras3, atol=1e-6)
