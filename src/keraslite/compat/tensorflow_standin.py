"""The ``tensorflow`` stand-in served to Keras scripts: the small part of TensorFlow they touch.

``tf.keras`` (served by the finder), ``tf.random`` (``set_seed`` and the draws of
:mod:`keraslite.random`), ``tf.constant`` / ``tf.convert_to_tensor``, ``tf.Variable``,
``tf.GradientTape``, ``tf.function`` (runs the function as is), the dtype names, ``tf.config``
device listing, ``tf.device``, ``tf.TensorShape``, the initializer functions (see
``tensorflow_extras``), the math of custom training loops (``tf.reduce_mean``, ``tf.one_hot``,
``tf.clip_by_global_norm``, ``tf.math``, ``tf.nn``, ``tf.linalg``: see ``tensorflow_math``), the
input pipelines of ``tf.data`` (see ``tensorflow_data``), ``tf.nest`` (:mod:`keraslite.tree`),
and ``tf.get_logger``.
Anything else fails with a message saying that this part of TensorFlow is not provided.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from keraslite import ops
from keraslite import random as keras_random
from keraslite import tree as _tree
from keraslite._version import __version__ as _keraslite_version
from keraslite.autodiff import GradientTape as GradientTape
from keraslite.autodiff import Tensor as Tensor
from keraslite.autodiff import Variable as _Variable
from keraslite.backend import floatx
from keraslite.compat import tensorflow_data, tensorflow_extras, tensorflow_math, tensorflow_strings
from keraslite.compat.tensorflow_data import TensorSpec as TensorSpec
from keraslite.utils import set_random_seed

__version__ = f"2.16.0+keraslite.{_keraslite_version}"

_PROVIDED = ("tf.keras, tf.random (set_seed, normal, uniform, ...), tf.constant, "
             "tf.convert_to_tensor, tf.Variable, tf.GradientTape, tf.function, dtypes, "
             "tf.config device listing, tf.device, tf.TensorShape, tf.*_initializer, tf.nest, "
             "the common tf.math, tf.nn and tf.linalg functions, "
             "tf.strings (lower, regex_replace, ... for TextVectorization), "
             "tf.data.Dataset's from_tensor_slices/batch/shuffle/map/repeat/take/skip/...")


class Namespace:
    """A ``tf.<name>`` namespace whose missing attributes fail with a clear message."""

    def __init__(self, path: str, **members: Any) -> None:
        self.__dict__.update(members)
        self.__dict__["_path"] = path

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(
            f"`{self._path}.{name}` is not provided by keraslite's TensorFlow stand-in, which "
            f"serves only what Keras scripts use ({_PROVIDED}). Install TensorFlow for the "
            "rest, or use keras.ops for math."
        )

    def __repr__(self) -> str:
        return f"<keraslite stand-in for {self._path}>"


# -- dtypes ---------------------------------------------------------------------------------
float16 = half = np.dtype("float16")
float32 = np.dtype("float32")
float64 = double = np.dtype("float64")
int8, int16, int32, int64 = (np.dtype(f"int{b}") for b in (8, 16, 32, 64))
uint8, uint16 = np.dtype("uint8"), np.dtype("uint16")
bool = np.dtype("bool")  # noqa: A001 - TensorFlow's name
string = np.dtype(object)  # keras.Input(dtype=tf.string): layers call it "string"


def as_dtype(dtype: Any) -> np.dtype:
    """The dtype for a name or dtype (``tf.as_dtype("float32")``)."""
    return np.dtype(dtype)


dtypes = Namespace("tf.dtypes", float16=float16, float32=float32, float64=float64, int8=int8,
                   int16=int16, int32=int32, int64=int64, uint8=uint8, uint16=uint16,
                   bool=bool, string=string, as_dtype=as_dtype)


# -- tensors --------------------------------------------------------------------------------
def constant(value: Any, dtype: Any = None, shape: Any = None, name: str | None = None) -> Tensor:
    """A tensor holding ``value`` (broadcast to ``shape`` if given)."""
    array = np.asarray(value)
    if shape is not None:
        array = np.broadcast_to(array, tuple(shape)).copy()
    return ops.convert_to_tensor(array if dtype is not None or array.dtype.kind != "f"
                                 else array.astype(floatx()), dtype=dtype)


def convert_to_tensor(value: Any, dtype: Any = None, dtype_hint: Any = None,
                      name: str | None = None) -> Tensor:
    """``value`` as a tensor (Python floats become float32)."""
    return ops.convert_to_tensor(value, dtype=dtype or dtype_hint)


class Variable(_Variable):
    """``tf.Variable(initial_value, trainable=True, name=None, dtype=None)``.

    As in Keras 3, a layer does not adopt one set as its attribute: weights come from
    ``add_weight``.
    """

    tracked_by_layers = False

    def __init__(self, initial_value: Any = None, trainable: bool = True, name: str | None = None,
                 dtype: Any = None, **kwargs: Any) -> None:
        value = np.asarray(initial_value.value if isinstance(initial_value, Tensor)
                           else initial_value)
        if dtype is None and value.dtype.kind == "f":
            dtype = floatx()
        super().__init__(value, dtype=dtype, trainable=trainable, name=name or "Variable")


def function(func: Callable | None = None, **kwargs: Any) -> Any:
    """``@tf.function``: keraslite runs the function as it is (there is no graph to trace)."""
    if func is None:
        return lambda f: f
    return func


globals().update(tensorflow_math.TOP_LEVEL)  # tf.reduce_mean, tf.one_hot, tf.expand_dims, ...
globals().update(tensorflow_extras.TOP_LEVEL)  # tf.device, tf.TensorShape, tf.*_initializer
initializers = Namespace("tf.initializers", **tensorflow_extras.INITIALIZERS)
math = Namespace("tf.math", **tensorflow_math.MATH)
nn = Namespace("tf.nn", **tensorflow_math.NN)
linalg = Namespace("tf.linalg", **tensorflow_math.LINALG)
strings = Namespace("tf.strings", **tensorflow_strings.STRINGS)


_CARDINALITY = dict(AUTOTUNE=tensorflow_data.AUTOTUNE,
                    INFINITE_CARDINALITY=tensorflow_data.INFINITE_CARDINALITY,
                    UNKNOWN_CARDINALITY=tensorflow_data.UNKNOWN_CARDINALITY)
data = Namespace("tf.data", Dataset=tensorflow_data.Dataset, **_CARDINALITY,
                 experimental=Namespace("tf.data.experimental", **_CARDINALITY,
                                        cardinality=lambda dataset: dataset.cardinality()))


# -- random ---------------------------------------------------------------------------------
def _normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None,
            seed: int | None = None, name: str | None = None) -> Tensor:
    """``tf.random.normal``, drawn by :func:`keraslite.random.normal`."""
    return keras_random.normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)


def _uniform(shape: Any, minval: float = 0.0, maxval: float | None = None, dtype: Any = None,
             seed: int | None = None, name: str | None = None) -> Tensor:
    """``tf.random.uniform``: floats in [minval, maxval), or integers for an integer dtype."""
    if dtype is not None and np.dtype(dtype).kind in "iu":
        if maxval is None:
            raise ValueError("tf.random.uniform needs `maxval` for an integer dtype. "
                             f"Received: dtype={np.dtype(dtype)}, maxval=None")
        return keras_random.randint(shape, int(minval), int(maxval), dtype=dtype, seed=seed)
    high = 1.0 if maxval is None else maxval
    return keras_random.uniform(shape, minval=minval, maxval=high, dtype=dtype, seed=seed)


def _truncated_normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None,
                      seed: int | None = None, name: str | None = None) -> Tensor:
    """``tf.random.truncated_normal``, drawn by :func:`keraslite.random.truncated_normal`."""
    return keras_random.truncated_normal(shape, mean=mean, stddev=stddev, dtype=dtype,
                                         seed=seed)


def _shuffle(value: Any, seed: int | None = None, name: str | None = None) -> Tensor:
    """``tf.random.shuffle``: permute along the first axis."""
    return keras_random.shuffle(value, axis=0, seed=seed)


def _categorical(logits: Any, num_samples: int, dtype: Any = None, seed: int | None = None,
                 name: str | None = None) -> Tensor:
    """``tf.random.categorical`` (int64 indices by default, as in TensorFlow)."""
    return keras_random.categorical(logits, num_samples, dtype=dtype or "int64", seed=seed)


def _set_seed(seed: int) -> None:
    """``tf.random.set_seed``: seeds keraslite's generator (and Python's and NumPy's)."""
    set_random_seed(int(seed))


random = Namespace("tf.random", set_seed=_set_seed, normal=_normal, uniform=_uniform,
                   truncated_normal=_truncated_normal, shuffle=_shuffle,
                   categorical=_categorical)


# -- devices --------------------------------------------------------------------------------
class PhysicalDevice(NamedTuple):
    """A device as ``tf.config.list_physical_devices`` describes it."""

    name: str
    device_type: str


_CPU = PhysicalDevice("/physical_device:CPU:0", "CPU")


def list_physical_devices(device_type: str | None = None) -> list[PhysicalDevice]:
    """The devices keraslite computes on: one CPU (no GPU is ever listed)."""
    return [_CPU] if device_type in (None, "CPU") else []


def list_logical_devices(device_type: str | None = None) -> list[PhysicalDevice]:
    """As :func:`list_physical_devices`, with logical device names."""
    return [PhysicalDevice("/device:CPU:0", "CPU")] if device_type in (None, "CPU") else []


def _no_op(*args: Any, **kwargs: Any) -> None:
    """Accepted for compatibility; keraslite has nothing to configure."""


experimental = Namespace(
    "tf.config.experimental", list_physical_devices=list_physical_devices,
    list_logical_devices=list_logical_devices, set_memory_growth=_no_op,
    get_memory_growth=lambda device: False, set_visible_devices=_no_op,
)
config = Namespace(
    "tf.config", list_physical_devices=list_physical_devices,
    list_logical_devices=list_logical_devices, get_visible_devices=list_physical_devices,
    set_visible_devices=_no_op, run_functions_eagerly=_no_op, experimental=experimental,
    threading=Namespace("tf.config.threading", set_inter_op_parallelism_threads=_no_op,
                        set_intra_op_parallelism_threads=_no_op),
)
test = Namespace("tf.test", is_gpu_available=lambda *a, **k: False,
                 is_built_with_cuda=lambda: False, gpu_device_name=lambda: "")
autograph = Namespace("tf.autograph", set_verbosity=_no_op)
nest = Namespace("tf.nest", **{name: getattr(_tree, name) for name in _tree.__all__})


def get_logger() -> logging.Logger:
    """The ``"tensorflow"`` logger (scripts call ``tf.get_logger().setLevel("ERROR")``)."""
    return logging.getLogger("tensorflow")


def executing_eagerly() -> bool:
    """Always True: keraslite runs every operation eagerly."""
    return True
