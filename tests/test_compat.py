"""Unchanged Keras scripts: the served import names, the TensorFlow stand-in, `keraslite run`."""

import importlib
import json
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import numpy as np
import pytest

import keraslite
from keraslite import KerasliteDeprecationWarning, KerasliteWarning
from keraslite.compat import finder, uninstall_as_keras

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "keras_scripts").glob("*.py"))
NOTES = {  # the Keras 2 examples, and the deprecation notes each must show
    "keras2_spellings.py": ["keras.utils.np_utils", "input_shape=(4,)", "learning_rate",
                            "stray spaces", "keras.backend.sum"],
    "tensorflow_python_keras.py": ["tensorflow.python.keras"],
    "keras2_tokenizer.py": ["keras.preprocessing.text", "input_shape=(30,)"],
    "keras2_sklearn_wrapper.py": ["keras.wrappers.SKLearnClassifier"],
}
# `keraslite run` in a subprocess, with keraslite's warnings as errors (deprecation notes shown
# instead for the Keras 2 examples); -W cannot name keraslite's categories at start-up.
BOOT = ("import sys, warnings, keraslite; from keraslite.__main__ import main; "
        "warnings.simplefilter('error', keraslite.KerasliteWarning); "
        "sys.argv[1:2] == ['--notes'] and (sys.argv.pop(1), warnings.simplefilter("
        "'always', keraslite.KerasliteDeprecationWarning)); sys.exit(main(sys.argv[1:]))")


def test_every_import_style_serves_keraslite(served):
    import keras
    import tensorflow as tf
    import tf_keras
    from keras import layers
    from keras.models import Sequential
    from keras.src.layers.core.dense import Dense as PrivateDense
    from tensorflow import keras as tf_keras_module
    from tensorflow.keras.layers import Dense, Input
    from tensorflow.keras.optimizers import Adam

    assert Dense is layers.Dense is PrivateDense is keraslite.layers.Dense
    assert tf.keras.layers.Dense is tf_keras.layers.Dense is tf_keras_module.layers.Dense
    assert Sequential is keraslite.Sequential and Adam is keraslite.optimizers.Adam
    assert Input is keraslite.Input and keras.Model is keraslite.Model
    assert keras.__version__.startswith("3.") and tf.__version__.startswith("2.")
    assert "served by keraslite" in repr(keras)
    namespace = {}
    exec("from keras.layers import *", namespace)
    assert namespace["Dense"] is keraslite.layers.Dense


def test_keras2_module_paths_give_a_note(served):
    with pytest.warns(KerasliteDeprecationWarning, match="keras.utils.np_utils.*keras.utils"):
        from keras.utils.np_utils import to_categorical
    assert to_categorical is keraslite.utils.to_categorical
    with pytest.warns(KerasliteDeprecationWarning, match="private copy of Keras 2"):
        from tensorflow.python.keras import layers
    assert layers.Dense is keraslite.layers.Dense
    with pytest.warns(KerasliteDeprecationWarning, match="keras.preprocessing.text.*Text"):
        importlib.import_module("keras.preprocessing.text")
    with pytest.warns(KerasliteDeprecationWarning, match="use keras.optimizers"):
        from tensorflow.keras.optimizers.legacy import Adam
    assert Adam is keraslite.optimizers.Adam


def test_missing_parts_fail_with_a_clear_message(served):
    import keras
    import tensorflow as tf

    with pytest.raises(ModuleNotFoundError, match="`keras.quantizers` is not provided"):
        importlib.import_module("keras.quantizers")
    with pytest.raises(ModuleNotFoundError, match="`keras.applications.resnet` is not provided"):
        importlib.import_module("keras.applications.resnet")
    with pytest.raises(ModuleNotFoundError, match="`keras.datasets.svhn` is not provided"):
        importlib.import_module("keras.datasets.svhn")
    assert importlib.import_module("keras.datasets.mnist").load_data is \
        keraslite.datasets.mnist.load_data
    with pytest.raises(ModuleNotFoundError, match="TensorFlow stand-in"):
        importlib.import_module("tensorflow.compat.v1")
    with pytest.raises(AttributeError, match="`keras.layers.NoSuchLayer` is not provided"):
        keras.layers.NoSuchLayer  # noqa: B018
    with pytest.raises(ImportError, match="cannot import name 'NoSuchLayer'"):
        exec("from keras.layers import NoSuchLayer", {})
    with pytest.raises(ModuleNotFoundError, match="`keras.layers.nosuch` is not provided"):
        importlib.import_module("keras.layers.nosuch")
    with pytest.raises(TypeError, match="is a module, not a function"):
        importlib.import_module("keras.src.utils.no_such_function")()
    with pytest.raises(AttributeError, match="`tf.nn.conv2d` is not provided.*keras.ops"):
        tf.nn.conv2d  # noqa: B018
    with pytest.raises(AttributeError, match="`tensorflow.io` is not provided"):
        tf.io  # noqa: B018
    assert not hasattr(tf, "io")


def test_tensorflow_standin(served):
    import keras
    import tensorflow as tf

    tf.random.set_seed(3)
    a = keras.layers.Dense(2)(np.ones((1, 3))).numpy()
    tf.random.set_seed(3)
    keraslite.utils.clear_session()
    np.testing.assert_array_equal(keras.layers.Dense(2)(np.ones((1, 3))).numpy(), a)
    assert tf.constant([1.0, 2.0]).dtype == tf.float32 == np.float32
    assert tf.constant(1, shape=(2, 2)).shape == (2, 2)
    assert tf.convert_to_tensor([[1.0]], dtype=tf.float64).dtype == np.float64
    assert tf.config.list_physical_devices("GPU") == [] == tf.config.experimental.list_physical_devices("GPU")  # noqa: E501
    assert tf.config.list_physical_devices()[0].device_type == "CPU"
    tf.config.experimental.set_memory_growth(None, True)
    assert keras.Input(shape=(3,), dtype=tf.float64).dtype == "float64"
    v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.square(v * 2.0))
    assert float(tape.gradient(y, v)) == pytest.approx(24.0)
    assert tf.function(lambda t: t + 1)(1) == 2


def test_backend_is_keras_backend_not_keraslites(served):
    from keras import backend as K
    from tensorflow.keras import backend as K2

    assert K.epsilon is K2.epsilon and K is not keraslite.backend
    assert K.epsilon() == keraslite.config.epsilon() and K.backend() == "numpy"
    keraslite.compat.backend._NOTED.clear()
    with pytest.warns(KerasliteDeprecationWarning, match="keras.ops.mean"):
        assert float(K.mean(np.array([1.0, 3.0]))) == 2.0
    assert float(K.mean(np.array([1.0]))) == 1.0  # noted once per function


def test_install_warns_if_real_keras_was_imported(monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", types.ModuleType("keras"))
    try:
        with pytest.warns(KerasliteWarning, match="already imported"):
            keraslite.install_as_keras()
    finally:
        uninstall_as_keras()


def test_uninstall_forgets_the_served_modules(served):
    importlib.import_module("keras.layers")
    uninstall_as_keras()
    assert not finder.is_installed()
    assert not any(isinstance(m, finder.AliasModule) for m in sys.modules.values())


# -- subprocesses ------------------------------------------------------------------------
def _run(*args, cwd=None):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=60)


SCRIPT = """
    import json, sys
    if sys.argv[1:2] == ["fail"]:
        def inner():
            raise RuntimeError("boom")
        inner()
    import keras, helper
    print(json.dumps({"argv": sys.argv, "name": __name__, "file": __file__,
                      "path0": sys.path[0], "helper": helper.VALUE,
                      "dense": keras.layers.Dense.__module__}))
    sys.exit(int(sys.argv[1]) if sys.argv[1:2] and sys.argv[1].isdigit() else 0)
"""


def test_run_behaves_like_python(tmp_path):
    folder = tmp_path / "course"
    folder.mkdir()
    script = folder / "train.py"
    script.write_text(textwrap.dedent(SCRIPT))
    (folder / "helper.py").write_text("VALUE = 42\n")
    done = _run("-m", "keraslite", "run", "course/train.py", "3", "--lr", "0.1", cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    info = json.loads(done.stdout)
    assert info["argv"] == ["course/train.py", "3", "--lr", "0.1"]
    assert info["name"] == "__main__" and info["file"] == str(script)
    assert info["path0"] == str(folder) and info["helper"] == 42
    assert info["dense"].startswith("keraslite.")
    failed = _run("-m", "keraslite", "run", str(script), "fail", cwd=tmp_path)
    assert failed.returncode == 1
    lines = failed.stderr.strip().splitlines()
    assert lines[0] == "Traceback (most recent call last):" and lines[-1] == "RuntimeError: boom"
    assert f'File "{script}", line 6, in <module>' in failed.stderr
    assert "keraslite" not in failed.stderr  # no frames of the runner
    missing = _run("-m", "keraslite", "run", "nope.py", cwd=tmp_path)
    assert missing.returncode == 2 and "can't open file" in missing.stderr


def test_served_names_do_not_leak_outside_the_process():
    done = _run("-c", "import importlib.util as u, keraslite; "
                      "print(u.find_spec('keras') is None, u.find_spec('tensorflow') is None)")
    real = [importlib.util.find_spec(name) is None for name in ("keras", "tensorflow")]
    assert done.stdout.split() == [str(r) for r in real]


@pytest.fixture(scope="module")
def example_runs():
    """Start every example at once (they are independent), so the tests only wait."""
    runs = {}
    for path in EXAMPLES:
        if path.name == "titanic_course.py" and importlib.util.find_spec("pandas") is None:
            continue
        flag = ["--notes"] if path.name in NOTES else []
        runs[path.name] = subprocess.Popen(
            [sys.executable, "-c", BOOT, *flag, "run", str(path)], cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    yield runs
    for process in runs.values():
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize("name", [p.name for p in EXAMPLES])
def test_example_runs_through_keraslite_run(example_runs, name):
    if name not in example_runs:
        pytest.skip("needs pandas")
    out, err = example_runs[name].communicate(timeout=120)
    assert example_runs[name].returncode == 0, f"{name} failed:\n{err}"
    assert out.strip()
    for note in NOTES.get(name, []):
        assert note in err, f"{name}: missing the deprecation note about {note}:\n{err}"
    if name not in NOTES:
        assert "Warning" not in err, err


def test_run_hides_keraslites_frames_but_keeps_the_users(tmp_path):
    script = tmp_path / "bad.py"
    script.write_text(textwrap.dedent("""
        import sys
        import numpy as np
        import keras

        class Boom(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                raise RuntimeError("from a callback")

        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        if sys.argv[1:] == ["full"]:
            keras.config.disable_traceback_filtering()
        if sys.argv[1:] == ["shape"]:
            model.fit(np.ones((4, 2)), np.ones(4), verbose=0)
        model.fit(np.ones((4, 3)), np.ones(4), verbose=0, callbacks=[Boom()])
    """))
    shape = _run("-m", "keraslite", "run", str(script), "shape", cwd=tmp_path)
    assert "ValueError: Input 0" in shape.stderr and "inputs.py" not in shape.stderr
    callback = _run("-m", "keraslite", "run", str(script), cwd=tmp_path)
    assert "in on_epoch_end" in callback.stderr and "trainer.py" not in callback.stderr
    full = _run("-m", "keraslite", "run", str(script), "full", cwd=tmp_path)
    assert "trainer.py" in full.stderr


def test_tensorflow_math_of_custom_training_loops(served):
    import tensorflow as tf

    logits = np.array([[2.0, -1.0, 0.5], [0.1, 0.2, 3.0]], "float32")
    labels = np.array([0, 2])
    sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    dense = tf.nn.softmax_cross_entropy_with_logits(labels=tf.one_hot(labels, 3), logits=logits)
    shifted = logits - logits.max(axis=1, keepdims=True)
    expected = -(shifted - np.log(np.exp(shifted).sum(1, keepdims=True)))[[0, 1], labels]
    np.testing.assert_allclose(np.asarray(sparse), expected, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(dense), expected, rtol=1e-6)
    z, y = np.array([-3.0, 0.5, 4.0]), np.array([0.0, 1.0, 1.0])
    np.testing.assert_allclose(np.asarray(tf.nn.sigmoid_cross_entropy_with_logits(
        labels=y, logits=z)), -(y * np.log(1 / (1 + np.exp(-z))) +
                                (1 - y) * np.log(1 - 1 / (1 + np.exp(-z)))), rtol=1e-6)
    clipped, norm = tf.clip_by_global_norm([np.full(4, 3.0), None, np.full(9, 4.0)], 6.0)
    assert float(norm) == pytest.approx(np.sqrt(4 * 9 + 9 * 16))
    assert float(tf.linalg.norm(tf.concat([clipped[0], clipped[2]], 0))) == pytest.approx(6.0)
    assert clipped[1] is None
    np.testing.assert_array_equal(np.asarray(tf.math.confusion_matrix([0, 1, 1], [0, 1, 0])),
                                  [[1, 0], [1, 1]])
    np.testing.assert_array_equal(np.asarray(tf.one_hot([1], 3, on_value=5, off_value=-1)),
                                  [[-1, 5, -1]])
    assert tf.shape(np.zeros((4, 2))).numpy().tolist() == [4, 2]
    assert tf.expand_dims(np.zeros(3), 0).shape == (1, 3)
    assert np.asarray(tf.range(1, 7, 2)).tolist() == [1, 3, 5]
    assert float(tf.reduce_mean(tf.square(np.array([1.0, 3.0])))) == 5.0
    with pytest.raises(AttributeError, match="not provided"):
        tf.data.TFRecordDataset  # noqa: B018


def test_tensorflow_standin_device_shape_and_initializers(served):
    import keras
    import tensorflow as tf
    from keras import backend as K

    with tf.device("/GPU:0"):  # a no-op: keraslite computes on the CPU
        w_init = tf.random_normal_initializer(stddev=0.05, seed=1)
        w = tf.Variable(initial_value=w_init(shape=(300, 20), dtype="float32"), trainable=True)
    assert w.shape == (300, 20) and abs(float(np.std(w.numpy())) - 0.05) < 0.005
    b = tf.Variable(initial_value=tf.zeros_initializer()(shape=(20,), dtype="float32"))
    assert not b.numpy().any()
    assert (tf.ones_initializer()(shape=(2,)) == 1).all()
    assert (tf.constant_initializer(3.0)(shape=(2, 2)) == 3).all()
    u = tf.random_uniform_initializer(-1.0, 1.0, seed=2)(shape=(1000,))
    assert -1 <= float(np.min(u)) < -0.9 and 0.9 < float(np.max(u)) <= 1
    layer = keras.layers.Dense(2, kernel_initializer=tf.initializers.RandomNormal(stddev=0.1))
    assert layer(np.ones((1, 3), "float32")).shape == (1, 2)

    shape = tf.TensorShape([None, 3])
    assert shape.as_list() == [None, 3] and shape.rank == 2 and shape == (None, 3)
    assert not shape.is_fully_defined() and tf.TensorShape([2, 3]).num_elements() == 6
    assert str(tf.TensorShape([4])) == "(4,)" and shape[1] == 3 and list(shape) == [None, 3]
    assert tf.TensorShape(None).rank is None

    keraslite.compat.backend._NOTED.clear()
    with pytest.warns(KerasliteDeprecationWarning, match="keras.random.normal"):
        sample = K.random_normal((2000,), mean=1.0, stddev=0.5, seed=3)
    assert abs(float(np.mean(sample)) - 1.0) < 0.05
    with pytest.warns(KerasliteDeprecationWarning, match="keras.random.uniform"):
        assert float(np.max(K.random_uniform((100,), 0.0, 2.0))) <= 2.0
