"""Every class keraslite exports round-trips through its config and through a saved file.

The lists come from the registry (what ``keraslite.layers``, ``optimizers``, ... export), so a
class added later is covered automatically; one whose constructor needs arguments gets them
from the tables below.
"""

import json

import numpy as np
import pytest

import keraslite as keras
from keraslite.saving import deserialize_keras_object, registry, serialize_keras_object

h5py = pytest.importorskip("h5py")

# Constructor arguments and input shapes for layers that need them (default: no arguments,
# input shape (6,)). Layers that take a list of inputs are tried on two inputs.
LAYER_ARGS = {
    "Dense": {"units": 3}, "Activation": {"activation": "tanh"}, "Dropout": {"rate": 0.5},
    "AlphaDropout": {"rate": 0.2}, "GaussianDropout": {"rate": 0.2},
    "GaussianNoise": {"stddev": 0.1}, "SpatialDropout1D": {"rate": 0.2},
    "Permute": {"dims": (2, 1)}, "RepeatVector": {"n": 2},
    "Rescaling": {"scale": 0.5, "offset": 1.0}, "Reshape": {"target_shape": (3, 2)},
    "Dot": {"axes": -1}, "Hashing": {"num_bins": 3},
    "CenterCrop": {"height": 2, "width": 3}, "RandomCrop": {"height": 2, "width": 3},
    "Resizing": {"height": 3, "width": 2}, "RandomBrightness": {"factor": 0.2},
    "RandomContrast": {"factor": 0.2}, "RandomRotation": {"factor": 0.1},
    "RandomTranslation": {"height_factor": 0.1, "width_factor": 0.1},
    "RandomZoom": {"height_factor": 0.1},
    "SimpleRNN": {"units": 2}, "LSTM": {"units": 2}, "GRU": {"units": 2},
    "RNN": lambda: {"cell": keras.layers.LSTMCell(2), "return_sequences": True},
    "Bidirectional": lambda: {"layer": keras.layers.GRU(2), "merge_mode": "sum"},
    "TimeDistributed": lambda: {"layer": keras.layers.Dense(2)},
}
_IMAGE = (4, 5, 3)
_SEQUENCE = (3, 4)
LAYER_SHAPES = {"SpatialDropout1D": (3, 4), "Permute": (3, 4), "CenterCrop": _IMAGE,
                "RandomCrop": _IMAGE, "Resizing": _IMAGE, "RandomBrightness": _IMAGE,
                "RandomContrast": _IMAGE, "RandomRotation": _IMAGE, "RandomTranslation": _IMAGE,
                "RandomZoom": _IMAGE, "RandomFlip": _IMAGE, "SimpleRNN": _SEQUENCE,
                "LSTM": _SEQUENCE, "GRU": _SEQUENCE, "RNN": _SEQUENCE, "Bidirectional": _SEQUENCE,
                "TimeDistributed": _SEQUENCE}
# The convolutional family (issue 10): 1-D layers on (6, 3), 2-D on (4, 4, 3), 3-D on (4, 4, 4, 2).
for _rank, _shape in {1: (6, 3), 2: (4, 4, 3), 3: (4, 4, 4, 2)}.items():
    _d = f"{_rank}D"
    for _name in ("Conv", "ConvTranspose", "SeparableConv", "DepthwiseConv", "MaxPooling",
                  "AveragePooling", "GlobalMaxPooling", "GlobalAveragePooling", "UpSampling",
                  "ZeroPadding", "Cropping", "SpatialDropout"):
        _cls = _name.replace("Transpose", "") + _d + ("Transpose" if "Transpose" in _name else "")
        LAYER_SHAPES[_cls] = _shape
        if "Conv" in _name:
            LAYER_ARGS[_cls] = {"kernel_size": 2} if "Depthwise" in _name else \
                {"filters": 2, "kernel_size": 2}
        elif _name == "AveragePooling":
            LAYER_ARGS[_cls] = {"pool_size": 2}
        elif _name == "SpatialDropout":
            LAYER_ARGS[_cls] = {"rate": 0.2}
_SKIP_LAYERS = {"Layer", "InputLayer", "Lambda"}  # Lambda: see test_lambda_layer_needs_unsafe
# Layers that read strings or category ids, not float features: test_text_saving.py
_SKIP_LAYERS |= {"TextVectorization", "StringLookup", "CategoryEncoding"}
# Cells run inside an RNN (covered through RNN below); Embedding reads token ids: both are
# saved and loaded in test_masking_sequences.py and tests/interop (rnn_*).
_SKIP_LAYERS |= {"SimpleRNNCell", "LSTMCell", "GRUCell", "StackedRNNCells", "Embedding"}


def exported(kind):
    registry._ensure_builtins()
    table = registry._BUILTINS[kind]
    return sorted({obj for name, obj in table.items() if isinstance(obj, type)
                   and name == obj.__name__}, key=lambda c: c.__name__)


def layer_classes():
    return [c for c in exported("layers") if c.__name__ not in _SKIP_LAYERS]


def layer_args(cls):
    args = LAYER_ARGS.get(cls.__name__, {})
    return args() if callable(args) else dict(args)  # wrapped layers: new ones each time


def strip_name(config):
    """The config without its name, as JSON would store it (tuples become lists)."""
    return json.loads(json.dumps({k: v for k, v in config.items() if k != "name"}))


@pytest.mark.parametrize("cls", layer_classes(), ids=lambda c: c.__name__)
def test_every_layer_round_trips_through_a_file(cls, tmp_path):
    try:
        layer = cls(**layer_args(cls))
    except TypeError as error:
        pytest.fail(f"add constructor arguments for {cls.__name__} to LAYER_ARGS ({error})")
    shape = LAYER_SHAPES.get(cls.__name__, (6,))
    rng = np.random.default_rng(0)
    try:
        model = keras.Sequential([keras.Input(shape), layer])
        x = rng.normal(size=(5,) + shape).astype("float32")
    except (ValueError, TypeError):  # a merging layer: call it on a list of two inputs
        layer = cls(**layer_args(cls))
        inputs = [keras.Input(shape), keras.Input(shape)]
        model = keras.Model(inputs, layer(inputs))
        x = [rng.normal(size=(5,) + shape).astype("float32") for _ in inputs]
    config = serialize_keras_object(layer)
    clone = deserialize_keras_object(config)
    assert type(clone) is cls
    assert strip_name(clone.get_config()) == strip_name(layer.get_config())
    for w in model.weights:  # non-default values, so that loading them is visible
        w.assign(rng.uniform(0.5, 1.5, size=w.shape).astype(w.value.dtype))
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))


def double(x):
    return x * 2.0


def test_lambda_layer_needs_unsafe_mode(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(double),
                              keras.layers.Lambda(lambda x: x + 1.0)])
    with pytest.warns(UserWarning, match="lambda"):
        model.save(tmp_path / "lam.keras")
    with pytest.raises(keras.saving.UnsafeFileError, match="safe_mode=False"):
        keras.models.load_model(tmp_path / "lam.keras")
    loaded = keras.models.load_model(tmp_path / "lam.keras", safe_mode=False,
                                     custom_objects={"double": double})
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), x * 2 + 1)


@pytest.mark.parametrize("cls", [c for c in exported("optimizers") if c.__name__ != "Optimizer"],
                         ids=lambda c: c.__name__)
def test_every_optimizer_state_round_trips(cls, tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 4)).astype("float32"), rng.normal(size=(32, 2)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="tanh"),
                              keras.layers.Dense(2)])
    model.compile(optimizer=cls(), loss="mse")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert type(loaded.optimizer) is cls
    assert [tuple(v.shape) for v in loaded.optimizer.variables] == \
        [tuple(v.shape) for v in model.optimizer.variables]
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a.value), np.asarray(b.value))
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def default_instances(kind, skip=()):
    out = []
    for cls in exported(kind):
        if cls.__name__ in skip or cls.__name__.startswith("_"):
            continue
        try:
            out.append(cls())
        except TypeError:
            continue  # needs arguments (e.g. a wrapper around a function)
    return out


@pytest.mark.parametrize("kind,skip", [
    ("losses", {"Loss", "LossFunctionWrapper"}),
    ("metrics", {"Metric", "MeanMetricWrapper"}),
    ("initializers", {"Initializer", "RandomInitializer"}),
    ("regularizers", {"Regularizer"}),
    ("constraints", {"Constraint"}),
])
def test_every_object_round_trips_through_its_config(kind, skip):
    instances = default_instances(kind, skip)
    assert instances, f"no {kind} found in the registry"
    for obj in instances:
        config = serialize_keras_object(obj)
        assert config["module"] == f"keras.{kind}", config
        clone = deserialize_keras_object(config)
        assert type(clone) is type(obj)
        assert clone.get_config() == obj.get_config()


def test_compile_config_restores_loss_and_metric_objects(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
                  metrics=["accuracy", keras.metrics.MeanSquaredError(name="m")])
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    loss = loaded._compile_args[0]
    assert isinstance(loss, keras.losses.CategoricalCrossentropy)
    assert loss.get_config() == model._compile_args[0].get_config()
    metrics = loaded._compile_args[2]
    assert metrics[0] == "accuracy" and metrics[1].name == "m"
    assert loaded.optimizer.learning_rate == pytest.approx(0.01)


def test_register_keras_serializable_rules():
    with pytest.raises(ValueError, match="get_config"):
        keras.saving.register_keras_serializable()(type("NoConfig", (), {}))

    @keras.saving.register_keras_serializable(package="pkg", name="twice")
    def double(x):
        return x * 2

    assert keras.saving.get_registered_name(double) == "pkg>twice"
    assert keras.saving.get_registered_object("pkg>twice") is double
    config = serialize_keras_object(double)
    assert config["class_name"] == "function" and config["config"] == "pkg>twice"
    assert deserialize_keras_object(config) is double
    with keras.saving.CustomObjectScope({"other": abs}):
        assert keras.saving.get_registered_object("other") is abs
    assert keras.saving.get_registered_object("other") is None


def test_saving_is_lazy_and_explains_missing_h5py(monkeypatch, tmp_path):
    import subprocess
    import sys

    code = "import sys, keraslite; print('h5py' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False"
    monkeypatch.setitem(sys.modules, "h5py", None)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    assert '"Sequential"' in model.to_json()  # configs need no h5py
    with pytest.raises(ImportError, match=r"pip install \"keraslite\[h5\]\""):
        model.save(tmp_path / "m.keras")
