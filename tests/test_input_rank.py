"""Keras' rank adjustment of inputs, and the error for one sample passed without a batch axis."""

import numpy as np
import pytest

import keraslite as keras
from keraslite.naming import KerasliteDeprecationWarning


def test_the_hello_world_exercise_one_feature_as_a_1d_array():
    """Dense(1, input_shape=[1]) trained on 1-D xs, as the classic first exercise does."""
    keras.utils.set_random_seed(0)
    with pytest.warns(KerasliteDeprecationWarning, match="input_shape"):
        model = keras.Sequential([keras.layers.Dense(units=1, input_shape=[1])])
    model.compile(optimizer="sgd", loss="mean_squared_error")
    xs = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0])
    ys = 2 * xs - 1
    model.fit(xs, ys, epochs=500, verbose=0)
    prediction = model.predict(np.array([10.0]), verbose=0)
    assert prediction.shape == (1, 1)
    assert abs(prediction[0, 0] - 19.0) < 0.5
    assert model.evaluate(xs, ys, verbose=0) < 0.01


def test_a_trailing_axis_of_one_is_dropped():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    x = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    np.testing.assert_array_equal(model.predict(x[..., None], verbose=0),
                                  model.predict(x, verbose=0))


def test_one_sample_without_its_batch_axis_is_named_as_such():
    model = keras.Sequential([keras.Input((9,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"one sample without its batch axis.*reshape\(1, -1\)"):
        model.predict(np.ones(9), verbose=0)
    assert model.predict(np.ones(9).reshape(1, -1), verbose=0).shape == (1, 1)


def test_other_shape_mismatches_still_name_the_feature_count():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"expects samples of shape \(4,\).*shape=\(3,\)"):
        model.fit(np.ones((10, 3)), np.ones(10), verbose=0)
