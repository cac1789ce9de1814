"""keras.utils and keras.config helpers that course and tutorial code calls."""

import io
import warnings

import numpy as np
import pytest

import keraslite as keras


def test_pad_sequences_as_keras():
    pad = keras.utils.pad_sequences
    np.testing.assert_array_equal(pad([[1, 2, 3], [4, 5]], maxlen=4),
                                  [[0, 1, 2, 3], [0, 0, 4, 5]])
    np.testing.assert_array_equal(pad([[1, 2, 3], [4, 5]], maxlen=2, padding="post",
                                      truncating="post"), [[1, 2], [4, 5]])
    out = pad([[1, 2, 3], []], value=-1)
    assert out.dtype == np.int32 and out.tolist() == [[1, 2, 3], [-1, -1, -1]]
    assert pad([[0.5]], maxlen=2, dtype="float32").tolist() == [[0.0, 0.5]]
    with pytest.raises(ValueError, match="padding"):
        pad([[1]], padding="middle")
    with pytest.raises(ValueError, match="non-iterable"):
        pad([1, 2])


def test_normalize_divides_by_the_norm_and_leaves_zero_rows():
    out = keras.utils.normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])
    np.testing.assert_allclose(keras.utils.normalize(np.array([[1.0, 1.0]]), order=1),
                               [[0.5, 0.5]])


def test_progbar_averages_values_and_shows_the_last_one_at_the_end(monkeypatch):
    out = io.StringIO()
    bar = keras.utils.Progbar(4, verbose=2)
    bar.stream = out
    shown = []
    def record(self, current, values=None, finalize=None):
        self._seen = current
        shown.append(values)

    monkeypatch.setattr(type(bar).__mro__[1], "update", record)
    for i in range(3):
        bar.update(i + 1, values=[("loss", float(i)), ("acc", 1.0)])
    bar.add(1, values=[("loss", 9.0), ("acc", 1.0)])
    assert shown[2] == [("loss", 1.0), ("acc", 1.0)]  # mean of 0, 1, 2
    assert shown[3] == [("loss", 9.0), ("acc", 1.0)]  # finalized: the value given
    stateful = keras.utils.Progbar(10, stateful_metrics=["acc"], verbose=0)
    with pytest.raises(ValueError, match="Only one"):
        keras.utils.Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])
    assert stateful.stateful_metrics == {"acc"}


def test_utils_and_config_names_that_keras_offers():
    assert keras.utils.is_keras_tensor(keras.Input((3,)))
    assert not keras.utils.is_keras_tensor(np.ones(3))
    assert keras.utils.unpack_x_y_sample_weight((1, 2)) == (1, 2, None)
    assert keras.utils.get_custom_objects() is keras.saving.get_custom_objects()
    assert keras.config.image_data_format() == "channels_last"
    assert keras.version() == keras.__version__
    keras.config.disable_interactive_logging()
    keras.config.enable_interactive_logging()
    assert keras.config.is_interactive_logging_enabled()
    with pytest.raises(ValueError, match="mixed precision"):
        keras.config.set_dtype_policy("mixed_float16")


def test_enable_unsafe_deserialization_is_the_callers_safe_mode_false(tmp_path):
    pytest.importorskip("h5py")
    from keraslite import config

    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Lambda(lambda t: t * 2.0)(inputs))
    path = tmp_path / "lambda.keras"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.save(path)
    with pytest.raises(Exception, match="safe_mode"):
        keras.models.load_model(path)
    config.enable_unsafe_deserialization()
    try:
        loaded = keras.models.load_model(path)
    finally:
        config._STATE["unsafe_deserialization"] = False
    np.testing.assert_allclose(loaded.predict(np.ones((1, 2)), verbose=0), [[2.0, 2.0]])
