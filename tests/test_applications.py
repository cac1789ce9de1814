"""keras.applications.VGG16 / VGG19: Keras 3's architecture, names and arguments (random weights).

Expected parameter counts and names are those of real Keras 3 for the same arguments.
"""

import numpy as np
import pytest

import keraslite as keras

pytestmark = pytest.mark.skipif(not hasattr(keras.layers, "Conv2D"),
                                reason="needs the convolution layers (conv branch)")


def test_vgg16_without_top_matches_keras_and_trains():
    m = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3),
                                 pooling="max")
    assert m.name == "vgg16"
    assert m.count_params() == 14714688
    assert m.output.shape == (None, 512)
    assert [layer.name for layer in m.layers][-3:-1] == ["block5_conv3", "block5_pool"]
    out = m(np.random.default_rng(0).random((2, 32, 32, 3)).astype("float32"))
    assert out.shape == (2, 512)


def test_vgg19_top_arguments_and_errors():
    m = keras.applications.vgg19.VGG19(weights=None, input_shape=(32, 32, 3), classes=10,
                                       classifier_activation=None)
    assert m.count_params() == 38947914 and len(m.layers) == 26
    assert m.output.shape == (None, 10)
    assert m.get_layer("predictions").get_config()["activation"] == "linear"
    with pytest.raises(ValueError, match="classes must be 1000"):
        keras.applications.VGG19(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="pooling"):
        keras.applications.VGG19(weights=None, include_top=False, pooling="mean")
    with pytest.raises(ValueError, match="at least 32"):
        keras.applications.VGG19(weights=None, include_top=False, input_shape=(16, 16, 3))


def test_weights_from_a_file_and_preprocess_input(tmp_path):
    src = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    path = str(tmp_path / "vgg.weights.h5")
    src.save_weights(path)
    back = keras.applications.VGG16(weights=path, include_top=False, input_shape=(32, 32, 3))
    np.testing.assert_array_equal(back.get_layer("block5_conv3").get_weights()[0],
                                  src.get_layer("block5_conv3").get_weights()[0])
    x = np.full((1, 2, 2, 3), [1, 2, 3], dtype="uint8")  # R, G, B
    np.testing.assert_allclose(keras.applications.vgg16.preprocess_input(x)[0, 0, 0],
                               [3 - 103.939, 2 - 116.779, 1 - 123.68], rtol=1e-6)


def test_xception_matches_keras_layer_by_layer():
    m = keras.applications.Xception(weights=None, include_top=False, input_shape=(71, 71, 3),
                                    pooling="avg")
    assert m.count_params() == 20861480  # Keras 3's count (independent of the image size)
    assert m.output.shape == (None, 2048) and len(m.layers) == 133
    names = [layer.name for layer in m.layers]
    assert names[7:10] == ["block2_sepconv1", "block2_sepconv1_bn", "block2_sepconv2_act"]
    assert names.index("block13_pool") < names.index("block14_sepconv1")
    out = m(np.zeros((1, 71, 71, 3), "float32"))
    assert out.shape == (1, 2048)
    np.testing.assert_allclose(
        keras.applications.xception.preprocess_input(np.array([0, 255], "uint8")), [-1.0, 1.0])
    with pytest.raises(ValueError, match="at least 71"):
        keras.applications.Xception(weights=None, include_top=False, input_shape=(64, 64, 3))
