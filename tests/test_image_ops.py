"""keraslite.ops.image: resize and extract_patches against Keras 3 and their float64 gradients.

Golden outputs come from real Keras 3 (JAX backend): tests/golden/generate_image_ops.py.
"""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

import keraslite
from keraslite import ops
from keraslite.autodiff.gradcheck import check_gradients

GOLDEN = np.load(pathlib.Path(__file__).parent / "golden" / "image_ops.npz")
R = np.random.default_rng(7)


def _keraslite_of(key: str):
    x = GOLDEN["x"]
    if key.startswith("r_"):
        _, interp, aa, size = key.split("_", 3)
        return ops.image.resize(x, tuple(int(s) for s in size.strip("()").split(",")),
                                interpolation=interp, antialias=aa == "True")
    if key == "crop":
        return ops.image.resize(x, (4, 8), crop_to_aspect_ratio=True)
    if key == "pad":
        return ops.image.resize(x, (4, 8), pad_to_aspect_ratio=True, fill_value=0.5)
    if key == "cf":
        return ops.image.resize(x.transpose(0, 3, 1, 2), (5, 4), data_format="channels_first")
    if key == "p3":
        return ops.image.extract_patches(GOLDEN["v"], (2, 2, 2))
    args = eval(key.split("_", 1)[1], {})  # a tuple literal written by the generator
    if key.startswith("pcf_"):
        return ops.image.extract_patches(x.transpose(0, 3, 1, 2), *args,
                                         data_format="channels_first")
    return ops.image.extract_patches(x, *args)


@pytest.mark.parametrize("key", [k for k in GOLDEN.files if k not in ("x", "v")])
def test_matches_keras3(key):
    ours = np.asarray(_keraslite_of(key).value)
    assert ours.shape == GOLDEN[key].shape
    np.testing.assert_allclose(ours, GOLDEN[key], atol=2e-5)


RESIZE_CASES = [
    dict(size=(5, 3), interpolation="bilinear"),
    dict(size=(9, 8), interpolation="bilinear"),
    dict(size=(3, 2), interpolation="bilinear", antialias=True),
    dict(size=(5, 7), interpolation="nearest"),
    dict(size=(6, 6), interpolation="bicubic"),
    dict(size=(3, 6), interpolation="bilinear", crop_to_aspect_ratio=True),
    dict(size=(3, 6), interpolation="bilinear", pad_to_aspect_ratio=True, fill_value=1.0),
]


@pytest.mark.parametrize("kwargs", RESIZE_CASES, ids=str)
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_resize_gradient(kwargs, data_format):
    x = R.standard_normal((2, 4, 5, 2) if data_format == "channels_last" else (2, 2, 4, 5))
    check_gradients(lambda t: ops.image.resize(t, data_format=data_format, **kwargs), [x])


def test_resize_unbatched_and_integer_input():
    x = R.integers(0, 255, (6, 4, 3)).astype("uint8")
    y = ops.image.resize(x, (3, 2))
    assert y.shape == (3, 2, 3) and y.dtype == "float32"
    check_gradients(lambda t: ops.image.resize(t, (3, 7)), [x.astype(float)])


PATCH_CASES = [
    dict(size=2),
    dict(size=(3, 3), strides=1, padding="same"),
    dict(size=(2, 3), strides=(2, 1), padding="same"),
    dict(size=(2, 2), strides=1, dilation_rate=2),
    dict(size=(3, 2), strides=(2, 2)),
]


@pytest.mark.parametrize("kwargs", PATCH_CASES, ids=str)
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_extract_patches_gradient(kwargs, data_format):
    x = R.standard_normal((2, 5, 6, 2) if data_format == "channels_last" else (2, 2, 5, 6))
    check_gradients(lambda t: ops.image.extract_patches(t, data_format=data_format, **kwargs),
                    [x])


def test_extract_patches_3d_and_unbatched_gradient():
    check_gradients(lambda t: ops.image.extract_patches(t, (2, 2, 2), strides=1),
                    [R.standard_normal((4, 3, 4, 2))])
    check_gradients(lambda t: ops.image.extract_patches(t, (2, 1, 2), strides=(1, 2, 1),
                                                        data_format="channels_first"),
                    [R.standard_normal((2, 2, 3, 4, 3))])
    check_gradients(lambda t: ops.image.extract_patches(t, 2, padding="same"),
                    [R.standard_normal((5, 5, 1))])


def test_errors_name_the_argument():
    x = np.zeros((1, 4, 4, 1), "float32")
    with pytest.raises(ValueError, match="interpolation"):
        ops.image.resize(x, (2, 2), interpolation="cubic")
    with pytest.raises(ValueError, match="size"):
        ops.image.resize(x, 2)
    with pytest.raises(ValueError, match="padding='same'"):
        ops.image.extract_patches(x, 5)


def test_image_ops_in_a_functional_model():
    inp = keraslite.Input((8, 6, 3))
    out = ops.image.extract_patches(ops.image.resize(inp, (4, 4)), 2)
    model = keraslite.Model(inp, out)
    assert model.output_shape == (None, 2, 2, 12)
    x = R.random((2, 8, 6, 3)).astype("float32")
    expected = ops.image.extract_patches(ops.image.resize(x, (4, 4)), 2).value
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-6)


AFFINE = np.load(pathlib.Path(__file__).parent / "golden" / "image_affine.npz")


@pytest.mark.parametrize("key", [k for k in AFFINE.files if k not in ("x", "t")])
def test_affine_transform_matches_keras3(key):
    interpolation, fill_mode = key.split("_")
    out = ops.image.affine_transform(AFFINE["x"], AFFINE["t"], interpolation=interpolation,
                                     fill_mode=fill_mode, fill_value=0.25)
    np.testing.assert_allclose(out.value, AFFINE[key], atol=1e-5)
    cf = ops.image.affine_transform(AFFINE["x"].transpose(0, 3, 1, 2), AFFINE["t"],
                                    interpolation=interpolation, fill_mode=fill_mode,
                                    fill_value=0.25, data_format="channels_first")
    np.testing.assert_allclose(cf.value, AFFINE[key].transpose(0, 3, 1, 2), atol=1e-5)
