"""The masking protocol, Embedding, the recurrent layers' options and their diagnostics."""

from __future__ import annotations

import importlib
import sys
import warnings

import numpy as np
import pytest

import keraslite as keras
from keraslite import layers, ops
from keraslite.diagnostics import DiagnosticError

IDS = np.array([[3, 1, 4, 0, 0], [2, 7, 1, 8, 2], [5, 0, 0, 0, 0]])


def test_mask_flows_eagerly_through_mask_supporting_layers():
    emb = layers.Embedding(10, 4, mask_zero=True)
    out = emb(IDS)
    np.testing.assert_array_equal(out._keras_mask.value, IDS != 0)
    dense = layers.Dense(3)(layers.Dropout(0.5)(out))  # Dense and Dropout pass masks on
    np.testing.assert_array_equal(dense._keras_mask.value, IDS != 0)
    assert getattr(layers.Embedding(10, 4)(IDS), "_keras_mask", None) is None
    seq = layers.LSTM(2, return_sequences=True)(out)
    np.testing.assert_array_equal(seq._keras_mask.value, IDS != 0)
    assert getattr(layers.LSTM(2)(out), "_keras_mask", None) is None


def test_custom_layer_receives_makes_and_passes_masks():
    seen = {}

    class MaskedMean(layers.Layer):  # receives the mask, consumes the time axis
        def call(self, inputs, mask=None):
            seen["mask"] = mask
            w = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
            return ops.sum(inputs * w, axis=1) / ops.sum(w, axis=1)

        def compute_mask(self, inputs, mask=None):
            return None

    class PassThrough(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs):
            return inputs * 2.0

    inputs = keras.Input((5,))
    x = layers.Embedding(10, 3, mask_zero=True)(inputs)
    x = PassThrough()(x)
    assert x._keras_mask.shape == (None, 5)  # symbolic tensors carry masks too
    model = keras.Model(inputs, MaskedMean()(x))
    out = model(IDS)
    np.testing.assert_array_equal(seen["mask"].value, IDS != 0)
    assert out.shape == (3, 3)
    assert MaskedMean().supports_masking  # overriding compute_mask supports masking
    with pytest.warns(UserWarning, match="does not support masking"):
        layers.Flatten()(layers.Embedding(10, 3, mask_zero=True)(IDS))


def test_masked_steps_do_not_change_rnn_outputs():
    model = keras.Sequential([keras.Input((5,)), layers.Embedding(10, 4, mask_zero=True),
                              layers.GRU(3)])
    short = np.array([[3, 1, 4, 0, 0]])
    padded_more = np.array([[3, 1, 4, 0, 0]])
    np.testing.assert_allclose(model.predict(short, verbose=0),
                               model.predict(padded_more, verbose=0))
    no_mask = keras.Sequential([keras.Input((3,)), model.layers[0], layers.GRU(3)])
    no_mask.layers[1].set_weights(model.layers[1].get_weights())
    np.testing.assert_allclose(model.predict(short, verbose=0),
                               no_mask.predict(short[:, :3], verbose=0), rtol=1e-6)


def test_mask_weights_a_per_step_loss_and_metric():
    model = keras.Sequential([keras.Input((5,)), layers.Embedding(10, 4, mask_zero=True),
                              layers.SimpleRNN(3, return_sequences=True),
                              layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    y = np.ones((3, 5))
    pred = model(IDS)
    loss = keras.losses.SparseCategoricalCrossentropy()(y, pred)
    keep = IDS != 0
    per_step = -np.log(pred.value[..., 1])
    np.testing.assert_allclose(float(loss), per_step[keep].mean(), rtol=1e-5)
    logs = model.evaluate(IDS, y, verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["loss"], per_step[keep].mean(), rtol=1e-5)
    correct = pred.value.argmax(-1) == 1
    np.testing.assert_allclose(logs["accuracy"], correct[keep].mean(), rtol=1e-6)


def test_embedding_options_and_keras2_arguments():
    matrix = np.arange(12, dtype="float32").reshape(6, 2)
    emb = layers.Embedding(6, 2, weights=[matrix], trainable=False)
    np.testing.assert_array_equal(emb(np.array([[5, 1]])).value, matrix[[5, 1]][None])
    assert emb.trainable_weights == [] and len(emb.non_trainable_weights) == 1
    with pytest.warns(keras.KerasliteDeprecationWarning, match="input_length"):
        layers.Embedding(6, 2, input_length=10)
    with pytest.raises(ValueError, match="input_dim"):
        layers.Embedding(0, 2)
    config = layers.Embedding(6, 2, mask_zero=True).get_config()
    assert config["mask_zero"] and config["input_dim"] == 6
    assert layers.Embedding.from_config(config).mask_zero


def test_embedding_id_diagnostics():
    word_index = {"a": 1, "b": 2, "c": 3}
    emb = layers.Embedding(len(word_index), 2)
    with pytest.raises(DiagnosticError, match=r"off by one.*input_dim=4") as info:
        emb(np.array([[1, 2, 3]]))
    assert info.value.code == "embedding-id-out-of-range"
    with pytest.raises(DiagnosticError, match="num_words"):
        layers.Embedding(3, 2)(np.array([[1, 9]]))
    with pytest.raises(DiagnosticError, match="negative"):
        layers.Embedding(3, 2)(np.array([[-1, 0]]))


def test_return_sequences_into_per_sample_labels_is_an_error():
    model = keras.Sequential([keras.Input((5, 2)), layers.LSTM(4, return_sequences=True),
                              layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    with pytest.raises(DiagnosticError, match="return_sequences=False") as info:
        model.fit(np.zeros((4, 5, 2)), np.zeros(4), verbose=0)
    assert info.value.code == "rnn-return-sequences-output"
    model.fit(np.zeros((4, 5, 2)), np.zeros((4, 5, 1)), verbose=0)  # per-step labels are fine


def test_rnn_options_and_errors():
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    out, h, c = layers.LSTM(5, return_state=True)(x)
    np.testing.assert_allclose(out.value, h.value)
    assert c.shape == (2, 5)
    lstm = layers.LSTM(5, go_backwards=True, return_sequences=True)
    lstm.build((None, 4, 3))
    forward = layers.LSTM(5, return_sequences=True)
    forward.build((None, 4, 3))
    forward.set_weights(lstm.get_weights())
    np.testing.assert_allclose(lstm(x).value[:, -1], forward(x[:, ::-1]).value[:, -1],
                               rtol=1e-5)
    layer = layers.LSTM(3)
    layer.build((None, 4, 3))
    np.testing.assert_array_equal(layer.cell.bias.value[3:6], 1.0)  # unit_forget_bias
    assert layers.GRU(3).reset_after and layers.GRU(3, dropout=0.2).dropout == 0.2
    layers.LSTM(3, unroll=True, dropout=0.3, recurrent_dropout=0.3)(x, training=True)
    with pytest.raises(ValueError, match="time"):
        layers.SimpleRNN(3)(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="merge"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    pair = layers.Bidirectional(layers.GRU(2, return_state=True), merge_mode=None)(x)
    assert len(pair) == 4 and pair[0].shape == (2, 2)


def test_rnn_learns_a_sequence_task():
    """The sign of the sum of a sequence: a broken gradient could not reach 95%."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(512, 8, 1)).astype("float32")
    y = (x.sum(axis=(1, 2)) > 0).astype("float32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8, 1)), layers.GRU(8),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.Adam(0.02), "binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=15, batch_size=64, verbose=0)
    assert model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"] > 0.95


def test_keras2_module_paths(served):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from keras.layers import activation
        from keras.layers.core import Dense
        from keras.layers.embeddings import Embedding
        from keras.layers.recurrent import LSTM
        from keras.utils.np_utils import to_categorical
    assert activation.ReLU is layers.ReLU and Dense is layers.Dense
    assert Embedding is layers.Embedding and LSTM is layers.LSTM
    assert to_categorical([0, 2]).shape == (2, 3)
    for name in ("keras.layers.recurrent", "keras.layers.activation"):
        sys.modules.pop(name, None)
        with pytest.warns(keras.KerasliteDeprecationWarning, match="Keras 2 module path"):
            importlib.import_module(name)


def test_stateful_training_carries_states_and_keras2_reset():
    model = keras.Sequential([keras.Input(batch_shape=(4, 5, 2)),
                              layers.LSTM(3, stateful=True), layers.Dense(1)])
    model.compile("adam", "mse")
    x = np.random.default_rng(0).normal(size=(8, 5, 2)).astype("float32")
    model.fit(x, np.zeros((8, 1)), batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert np.abs(model.layers[0].states[0].value).sum() > 0
    with pytest.warns(keras.KerasliteDeprecationWarning, match="reset_states"):
        model.reset_states()
    assert np.abs(model.layers[0].states[0].value).sum() == 0
    first = model.predict(x[:4], batch_size=4, verbose=0)
    assert not np.allclose(model.predict(x[:4], batch_size=4, verbose=0), first)
