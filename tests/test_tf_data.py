"""tf.data in the TensorFlow stand-in: pipelines, and datasets through fit/evaluate/predict."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import keraslite
from keraslite.autodiff import Tensor
from keraslite.compat import tensorflow_standin as tf

Dataset = tf.data.Dataset


def _values(ds):
    return [np.asarray(e).tolist() for e in ds.as_numpy_iterator()]


def _data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5]) > 0).astype("float32")
    return x, y


def _model():
    model = keraslite.Sequential([keraslite.Input(shape=(3,)),
                                  keraslite.layers.Dense(8, activation="relu"),
                                  keraslite.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keraslite.optimizers.Adam(0.05), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


# -- pipelines --------------------------------------------------------------------------------
@pytest.mark.parametrize("drop, sizes", [(False, [4, 4, 2]), (True, [4, 4])])
def test_batch_sizes_and_drop_remainder(drop, sizes):
    ds = Dataset.from_tensor_slices((np.zeros((10, 3)), np.arange(10))).batch(4, drop)
    assert [len(y) for _, y in ds] == sizes
    assert len(ds) == len(sizes) == int(ds.cardinality())
    x, y = next(iter(ds))
    assert isinstance(x, Tensor) and x.shape == (4, 3) and y.numpy().tolist() == [0, 1, 2, 3]


def test_take_skip_repeat_map_unbatch_zip_range():
    ds = Dataset.range(6)
    assert _values(ds.skip(2).take(3)) == [2, 3, 4]
    assert _values(ds.take(2).repeat(3)) == [0, 1] * 3
    assert len(ds.repeat(2)) == 12
    assert int(ds.repeat().cardinality()) == tf.data.INFINITE_CARDINALITY
    assert _values(ds.map(lambda v: v * 10, num_parallel_calls=tf.data.AUTOTUNE)) == [
        0, 10, 20, 30, 40, 50]
    assert _values(ds.batch(4).unbatch()) == list(range(6))
    pairs = Dataset.zip((ds, ds.map(lambda v: -v)))
    assert _values(pairs.take(2)) == [[0, 0], [1, -1]]
    assert _values(ds.repeat().take(8).prefetch(tf.data.experimental.AUTOTUNE).cache()) == [
        0, 1, 2, 3, 4, 5, 0, 1]
    with pytest.raises(TypeError, match="infinite"):
        len(ds.repeat())


def test_map_gets_tensors_per_element_and_per_batch():
    seen = []

    def scale(x, y):
        seen.append((type(x), tuple(x.shape)))
        return tf.cast(x, "float32") / 2.0, y

    ds = Dataset.from_tensor_slices((np.ones((5, 2)), np.arange(5)))
    assert [tuple(x.shape) for x, _ in ds.map(scale).batch(2)] == [(2, 2), (2, 2), (1, 2)]
    assert seen[0] == (Tensor, (2,))
    assert [float(x[0, 0]) for x, _ in ds.batch(5).map(scale)] == [0.5]


def test_dicts_generators_and_what_is_not_provided():
    ds = Dataset.from_tensor_slices(({"a": [1.0, 2.0], "b": [3, 4]}, [0, 1]))
    features, label = next(ds.as_numpy_iterator())
    assert features == {"a": 1.0, "b": 3} and label == 0 and features["a"].dtype == np.float32

    def gen(n):
        for i in range(n):
            yield i, [i, i]

    spec = (tf.TensorSpec(shape=(), dtype=tf.int32), tf.TensorSpec(shape=(2,), dtype="float32"))
    gds = Dataset.from_generator(gen, output_signature=spec, args=(3,))
    assert int(gds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    assert [(int(i), v.dtype) for i, v in gds.as_numpy_iterator()] == [
        (0, np.float32), (1, np.float32), (2, np.float32)]
    with pytest.raises(AttributeError, match="`tf.data.Dataset.interleave` is not provided"):
        ds.interleave(lambda x: x)
    with pytest.raises(AttributeError, match="`tf.data.TFRecordDataset` is not provided"):
        tf.data.TFRecordDataset("x.tfrecord")


def test_shuffle_is_a_buffer_shuffle_repeatable_with_a_seed():
    keraslite.utils.set_random_seed(1)
    ds = Dataset.range(20).shuffle(20)
    first, second = _values(ds), _values(ds)
    assert sorted(first) == list(range(20)) and first != second  # reshuffled each pass
    keraslite.utils.set_random_seed(1)
    assert [_values(ds), _values(ds)] != [first, second]  # ds drew its own draws already
    keraslite.utils.set_random_seed(1)
    again = Dataset.range(20).shuffle(20)
    assert [_values(again), _values(again)] == [first, second]
    seeded = Dataset.range(20).shuffle(20, seed=3)
    assert _values(seeded) != _values(seeded)
    assert _values(Dataset.range(20).shuffle(20, seed=3)) == _values(
        Dataset.range(20).shuffle(20, seed=3))
    fixed = Dataset.range(20).shuffle(20, reshuffle_each_iteration=False)
    assert _values(fixed) == _values(fixed)
    # a small buffer only moves elements a short way, as in TensorFlow
    assert _values(Dataset.range(20).shuffle(1)) == list(range(20))
    assert _values(Dataset.range(20).shuffle(3))[0] in (0, 1, 2)


# -- fit / evaluate / predict ------------------------------------------------------------------
def test_fit_evaluate_predict_on_datasets():
    x, y = _data()
    train = Dataset.from_tensor_slices((x[:64], y[:64])).shuffle(64).batch(16)
    val = Dataset.from_tensor_slices((x[64:], y[64:])).batch(16)
    model = _model()
    history = model.fit(train, epochs=15, validation_data=val, verbose=0)
    loss = history.history["loss"]
    assert len(loss) == 15 and loss[-1] < 0.6 * loss[0]
    assert len(history.history["val_loss"]) == 15
    logs = model.evaluate(val, return_dict=True, verbose=0)
    assert logs["loss"] == pytest.approx(history.history["val_loss"][-1], rel=1e-5)
    pred = model.predict(Dataset.from_tensor_slices(x).batch(10), verbose=0)
    assert pred.shape == (96, 1)
    np.testing.assert_allclose(pred, model.predict(x, verbose=0), rtol=1e-5)
    with_targets = model.predict(val, verbose=0)  # the targets of the elements are ignored
    assert with_targets.shape == (32, 1)


def test_each_epoch_is_one_pass_in_the_datasets_own_order():
    x, y = _data(40)
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    seen = []

    def record(xb, yb):
        seen.append(yb.numpy().tolist())
        return xb, yb

    ds = Dataset.from_tensor_slices((x, np.arange(40.0))).batch(10, drop_remainder=True)
    model.fit(ds.map(record), epochs=2, verbose=0)  # shuffle=True does not reorder the batches
    order = [row[0] for row in seen]
    assert order == [0, 10, 20, 30] * 2


def test_endless_dataset_needs_steps_per_epoch():
    x, y = _data(32)
    ds = Dataset.from_tensor_slices((x, y)).batch(8).repeat()
    model = _model()
    with pytest.raises(ValueError, match="steps_per_epoch"):
        model.fit(ds, epochs=2, verbose=0)
    history = model.fit(ds, epochs=3, steps_per_epoch=6, verbose=0)
    assert len(history.history["loss"]) == 3
    assert np.isfinite(model.evaluate(ds, steps=2, verbose=0)[0])


def test_dict_features_into_named_inputs():
    rng = np.random.default_rng(0)
    features = {"age": rng.uniform(0, 1, 64).astype("float32"),
                "fare": rng.uniform(0, 1, 64).astype("float32")}
    label = (features["age"] + features["fare"] > 1).astype("float32")
    inputs = {name: keraslite.Input(shape=(1,), name=name) for name in features}
    merged = keraslite.layers.Concatenate()(list(inputs.values()))
    out = keraslite.layers.Dense(1, activation="sigmoid")(keraslite.layers.Dense(8)(merged))
    model = keraslite.Model(inputs, out)
    model.compile(optimizer=keraslite.optimizers.Adam(0.05), loss="binary_crossentropy")
    ds = Dataset.from_tensor_slices((features, label)).shuffle(64, seed=1).batch(16)
    loss = model.fit(ds, epochs=20, verbose=0).history["loss"]
    assert loss[-1] < 0.7 * loss[0]


def test_a_script_runs_unchanged_through_keraslite_run(tmp_path):
    script = tmp_path / "pipeline.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        import tensorflow as tf
        tf.random.set_seed(0)
        x = np.random.rand(64, 2).astype("float32")
        y = x.sum(axis=1, keepdims=True)
        ds = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(64)
              .batch(16).prefetch(tf.data.AUTOTUNE))
        model = tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(ds, epochs=2, verbose=0)
        print(len(ds), model.predict(ds.take(1), verbose=0).shape)
    """))
    done = subprocess.run([sys.executable, "-m", "keraslite", "run", str(script)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["4", "(16,", "1)"]
