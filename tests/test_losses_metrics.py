"""Losses and metrics against their closed forms, and numerical stability."""

import numpy as np
import pytest

import keraslite as keras
from keraslite import losses


def test_mse_and_mae_per_sample_and_reduced():
    y_true = np.array([[0.0, 1.0], [2.0, 2.0]])
    y_pred = np.array([[1.0, 1.0], [0.0, 2.0]])
    np.testing.assert_allclose(losses.mean_squared_error(y_true, y_pred).numpy(), [0.5, 2.0])
    np.testing.assert_allclose(losses.mean_absolute_error(y_true, y_pred).numpy(), [0.5, 1.0])
    assert float(losses.MeanSquaredError()(y_true, y_pred)) == pytest.approx(1.25)
    assert float(losses.MeanSquaredError(reduction="sum")(y_true, y_pred)) == pytest.approx(2.5)
    # sum_over_batch_size divides by the batch size, not by the sum of weights
    weighted = losses.MeanSquaredError()(y_true, y_pred, sample_weight=np.array([1.0, 0.0]))
    assert float(weighted) == pytest.approx(0.25)


def test_binary_crossentropy_probabilities_and_logits_agree():
    logits = np.array([[-3.0], [0.5], [4.0]])
    probs = 1 / (1 + np.exp(-logits))
    y = np.array([[0.0], [1.0], [1.0]])
    expected = -(y * np.log(probs) + (1 - y) * np.log(1 - probs)).mean()
    assert float(losses.BinaryCrossentropy()(y, probs)) == pytest.approx(expected, rel=1e-6)
    assert float(losses.BinaryCrossentropy(from_logits=True)(y, logits)) == pytest.approx(
        expected, rel=1e-6)


def test_crossentropies_are_finite_at_extremes():
    y = np.array([[1.0], [0.0]])
    assert np.isfinite(float(losses.binary_crossentropy(y, np.array([[0.0], [1.0]])).numpy()[0]))
    big = np.array([[1000.0], [-1000.0]])
    value = float(losses.BinaryCrossentropy(from_logits=True)(y, big))
    assert value == pytest.approx(0.0, abs=1e-6)
    logits = np.array([[1000.0, -1000.0, 0.0]])
    cce = losses.CategoricalCrossentropy(from_logits=True)(np.array([[0.0, 1.0, 0.0]]), logits)
    assert float(cce) == pytest.approx(2000.0)


def test_categorical_and_sparse_agree_and_normalize_probabilities():
    p = np.array([[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]])
    labels = np.array([2, 0])
    onehot = keras.utils.to_categorical(labels, 3)
    expected = -np.log([0.5, 0.6])
    np.testing.assert_allclose(losses.categorical_crossentropy(onehot, p).numpy(), expected,
                               rtol=1e-6)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy(labels, p).numpy(),
                               expected, rtol=1e-6)
    # unnormalized probabilities are scaled to sum to one first
    np.testing.assert_allclose(losses.categorical_crossentropy(onehot, 2 * p).numpy(), expected,
                               rtol=1e-6)


def test_label_smoothing():
    y = np.array([[1.0, 0.0]])
    p = np.array([[0.7, 0.3]])
    smoothed = np.array([[0.95, 0.05]])
    expected = -(smoothed * np.log(p)).sum()
    got = losses.CategoricalCrossentropy(label_smoothing=0.1)(y, p)
    assert float(got) == pytest.approx(expected, rel=1e-6)


def test_accuracy_functions():
    y = np.array([[1.0], [0.0], [1.0]])
    p = np.array([[0.7], [0.6], [0.4]])
    np.testing.assert_allclose(keras.metrics.binary_accuracy(y, p).numpy(), [1, 0, 0])
    probs = np.array([[0.1, 0.9], [0.8, 0.2]])
    np.testing.assert_allclose(keras.metrics.sparse_categorical_accuracy([1, 1], probs).numpy(),
                               [1, 0])
    np.testing.assert_allclose(
        keras.metrics.categorical_accuracy([[0, 1], [0, 1]], probs).numpy(), [1, 0])


def test_stateful_mean_and_accuracy_accumulate():
    acc = keras.metrics.BinaryAccuracy()
    acc.update_state([[1.0], [0.0]], [[0.9], [0.9]])
    acc.update_state([[1.0], [1.0]], [[0.9], [0.9]])
    assert float(acc.result()) == pytest.approx(0.75)
    acc.reset_state()
    assert float(acc.result()) == 0.0
    mean = keras.metrics.Mean()
    mean.update_state([1.0, 3.0], sample_weight=[1.0, 3.0])
    assert float(mean.result()) == pytest.approx(2.5)


@pytest.mark.parametrize("shapes, expected", [
    (((8, 1), (8, 1)), "BinaryAccuracy"),
    (((8,), (8, 3)), "SparseCategoricalAccuracy"),
    (((8, 1), (8, 3)), "SparseCategoricalAccuracy"),
    (((8, 3), (8, 3)), "CategoricalAccuracy"),
])
def test_accuracy_resolved_from_shapes_like_keras(shapes, expected):
    metric = keras.metrics.resolve_accuracy("accuracy", *shapes)
    assert type(metric).__name__ == expected and metric.name == "accuracy"
