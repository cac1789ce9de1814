"""Targets that do not fit the model's outputs are refused with the fix, not broadcast."""

import numpy as np
import pytest

import keraslite as keras


def fit(units, activation, loss, y):
    x = np.random.default_rng(0).random((40, 4)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation=activation)])
    model.compile(optimizer="sgd", loss=loss)
    return model.fit(x, y, verbose=0)


@pytest.mark.parametrize("units, activation, loss, y, fix", [
    (2, "softmax", "categorical_crossentropy", np.eye(3)[np.arange(40) % 3], r"Dense\(3"),
    (1, "sigmoid", "binary_crossentropy", np.eye(2)[np.arange(40) % 2], "0/1 labels"),
    (2, "sigmoid", "binary_crossentropy", np.arange(40) % 2, r"Dense\(1"),
    (3, "linear", "mse", np.ones((40, 2)), r"Dense\(2"),
])
def test_mismatched_targets_name_both_shapes_and_the_fix(units, activation, loss, y, fix):
    with pytest.raises(ValueError, match=rf"same shape.*{fix}.*target\.shape=.*output\.shape="):
        fit(units, activation, loss, y)


def test_shapes_that_keras_matches_still_train():
    assert fit(1, "sigmoid", "binary_crossentropy", np.arange(40) % 2).history["loss"]
    assert fit(3, "softmax", "sparse_categorical_crossentropy", np.arange(40) % 3).history
    assert fit(3, "linear", "mse", np.ones((40, 1))).history  # broadcasts, as in Keras


def test_a_standalone_loss_call_checks_too():
    with pytest.raises(ValueError, match="same shape"):
        keras.losses.CategoricalCrossentropy()(np.eye(3), np.full((3, 2), 0.5))
