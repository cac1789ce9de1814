"""TensorFlow stand-in names the Keras guides use beside Keras: tf.split, tf.nn.embedding_lookup."""

import numpy as np
import pytest


def test_split_takes_sizes_like_tensorflow(served):
    import tensorflow as tf

    x = np.arange(24.0).reshape(2, 12)
    halves = tf.split(x, 2, axis=1)
    assert [h.shape for h in halves] == [(2, 6), (2, 6)]
    np.testing.assert_array_equal(np.asarray(halves[1]), x[:, 6:])
    parts = tf.split(x, [3, 4, 5], axis=1)  # sizes, not cut points as in keras.ops.split
    assert [p.shape for p in parts] == [(2, 3), (2, 4), (2, 5)]
    np.testing.assert_array_equal(np.asarray(parts[2]), x[:, 7:])
    rest = tf.split(x, [2, -1], axis=1)
    assert [p.shape for p in rest] == [(2, 2), (2, 10)]
    with pytest.raises(ValueError, match="add up to the length of axis 1"):
        tf.split(x, [3, 3], axis=1)


def test_split_is_differentiable(served):
    import tensorflow as tf

    v = tf.Variable(np.arange(6.0).reshape(1, 6))
    with tf.GradientTape() as tape:
        a, b = tf.split(v, [2, 4], axis=1)
        loss = tf.reduce_sum(a) * 3.0 + tf.reduce_sum(b * b)
    grad = np.asarray(tape.gradient(loss, v))
    np.testing.assert_allclose(grad, [[3.0, 3.0, 4.0, 6.0, 8.0, 10.0]])


def test_embedding_lookup_gathers_rows_with_gradient(served):
    import tensorflow as tf

    table = tf.Variable(np.arange(8.0).reshape(4, 2))
    ids = np.array([[3, 0], [3, 3]])
    with tf.GradientTape() as tape:
        rows = tf.nn.embedding_lookup(table, ids)
        loss = tf.reduce_sum(rows)
    assert rows.shape == (2, 2, 2)
    np.testing.assert_array_equal(np.asarray(rows)[0, 0], [6.0, 7.0])
    # row 3 is looked up three times, row 0 once, rows 1-2 never
    np.testing.assert_allclose(np.asarray(tape.gradient(loss, table)),
                               [[1, 1], [0, 0], [0, 0], [3, 3]])
    with pytest.raises(NotImplementedError, match="max_norm"):
        tf.nn.embedding_lookup(table, ids, max_norm=1.0)
