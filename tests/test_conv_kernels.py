"""The engine's convolution and max-pooling kernels (layers/conv_kernels.py) against the tape,
and the fused convolution op's float64 gradients on the paths the kernels share with it."""

import numpy as np
import pytest

import keraslite as keras
from keraslite import layers, ops
from keraslite.autodiff.gradcheck import check_gradients
from keraslite.layers.conv_kernels import ConvKernel, GlobalAverageKernel, MaxPoolKernel
from keraslite.ops import conv_gemm
from keraslite.ops.convolution import conv_bias_act

# (input shape, layers between the input and Flatten): one input channel (the transposed patch
# matrix), padding, strides, dilation, activations, no bias, pooling with a remainder.
CASES = {
    "cnn-mnist": ((9, 9, 1), lambda: [
        layers.Conv2D(4, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(5, 2, activation="relu"), layers.MaxPooling2D(2)]),
    "same-stride-tanh": ((7, 6, 3), lambda: [
        layers.Conv2D(4, 3, strides=2, padding="same", activation="tanh"),
        layers.Conv2D(3, 2, use_bias=False)]),
    "dilation-sigmoid-1d": ((11, 1), lambda: [
        layers.Conv1D(4, 3, dilation_rate=2, padding="causal", activation="sigmoid"),
        layers.MaxPooling1D(3), layers.Conv1D(3, 2, activation="relu", padding="same")]),
    "1d-stride-linear": ((10, 2), lambda: [
        layers.Conv1D(3, 3, strides=2, padding="same"), layers.MaxPooling1D(2)]),
    "conv1d": ((12, 1), lambda: [
        layers.Conv1D(4, 5, activation="relu", padding="same"), layers.MaxPooling1D(2),
        layers.Conv1D(6, 3, activation="relu"), layers.GlobalAveragePooling1D(keepdims=True)]),
    "3d": ((4, 5, 4, 2), lambda: [
        layers.Conv3D(3, 2, activation="relu"), layers.MaxPooling3D(2)]),
}

FUSED = ("cnn-mnist", "1d-stride-linear", "conv1d", "3d")


def _model(shape, body):
    model = keras.Sequential([keras.Input(shape), *body(), layers.Flatten(),
                              layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy",
                  run_eagerly=False)
    return model


@pytest.mark.parametrize("chunk", ["one", "per-sample"])
@pytest.mark.parametrize("name", list(CASES))
def test_kernels_train_as_the_tape(float64, monkeypatch, name, chunk):
    if chunk == "per-sample":  # the fused pooling's batch chunks: one sample each
        monkeypatch.setattr(conv_gemm, "CHUNK_BYTES", 1)
    shape, body = CASES[name]
    rng = np.random.default_rng(0)
    # integer pixels: ties inside pooling windows, as ReLU zeros make
    x = rng.integers(0, 3, (6,) + shape).astype("float64")
    y = rng.integers(0, 3, 6)
    weights = []
    for eager in (False, True):
        keras.utils.set_random_seed(1)
        model = _model(shape, body)
        model.run_eagerly = eager
        for _ in range(3):
            model.train_on_batch(x, y)
        weights.append(model.get_weights())
        if not eager:
            kernels = [s.kernel for s in next(iter(model._engine.plans.values())).steps
                       if hasattr(s, "kernel")]
            kinds = {type(k) for k in kernels}
            assert ConvKernel in kinds
            assert (MaxPoolKernel in kinds) == (name != "same-stride-tanh")
            assert (GlobalAverageKernel in kinds) == (name == "conv1d")
            # a relu convolution takes over the max pooling after it (fuse_next)
            assert any(getattr(k, "fused", False) for k in kernels) == (name in FUSED)
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(_model(shape, body).predict(x, verbose=0).shape, (6, 3))


def test_predict_through_the_kernels_equals_the_call():
    shape, body = CASES["cnn-mnist"]
    model = _model(shape, body)
    x = np.random.default_rng(1).random((5,) + shape).astype("float32")
    np.testing.assert_allclose(model.predict(x, batch_size=2, verbose=0),
                               np.asarray(model(x)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("activation", ["relu", "tanh", "linear"])
@pytest.mark.parametrize("channels", [1, 2])
def test_fused_conv_gradient(activation, channels):
    """conv_bias_act with a bias (the ones column) and one input channel (transposed)."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 5, 4, channels))
    w = rng.normal(size=(2, 3, channels, 3))
    b = rng.normal(size=(3,))
    check_gradients(lambda *t: conv_bias_act(*t, activation=activation, padding="same"),
                    [x, w, b], directions=1)
    check_gradients(lambda *t: ops.max_pool(t[0], 2), [rng.normal(size=(2, 5, 4, 2))],
                    directions=1)
