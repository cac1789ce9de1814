"""Symbolic shapes keep unknown sizes (None) beyond the batch, as Keras 3 reports them.

The expected shapes are those real Keras 3 gives for the same layers and inputs.
"""

import numpy as np

import keraslite as keras
from keraslite import layers, ops


class Twice(layers.Layer):  # a custom layer without compute_output_shape
    def call(self, x):
        return x * 2


class LastStep(layers.Layer):
    def call(self, x):
        return x[:, -1, :]


def test_unknown_time_axis_stays_unknown():
    seq = keras.Input((None, 5))
    assert layers.Dense(3)(seq).shape == (None, None, 3)
    assert Twice()(seq).shape == (None, None, 5)
    assert LastStep()(seq).shape == (None, 5)
    assert layers.Flatten()(seq).shape == (None, None)
    assert layers.Dense(3)(keras.Input((4, 5))).shape == (None, 4, 3)
    assert layers.Dense(3)(keras.Input(batch_shape=(2, None, 5))).shape == (2, None, 3)


def test_embedding_output_and_its_mask_on_variable_length_ids():
    ids = keras.Input((None,), dtype="int32")
    x = layers.Embedding(10, 4, mask_zero=True)(ids)
    assert x.shape == (None, None, 4)
    assert x._keras_mask.shape == (None, None)
    model = keras.Model(ids, layers.Dense(2)(x))
    assert model.output_shape == (None, None, 2)
    out = model(np.array([[1, 2, 0], [3, 0, 0]]))
    assert out.shape == (2, 3, 2)  # the real call still sees the real length


def test_summary_shows_unknown_sizes(capsys):
    ids = keras.Input((None,), dtype="int32")
    x = layers.Embedding(100, 8)(ids)
    x = layers.Lambda(lambda t: ops.mean(t, axis=1))(x)
    keras.Model(ids, layers.Dense(1)(x)).summary()
    text = capsys.readouterr().out
    assert "(None, None, 8)" in text and "(None, 8)" in text
