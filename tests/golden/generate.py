"""Generate golden files from real Keras 3 for the specs in ``specs.py``.

Run from the repository root, in an environment with Keras 3 and JAX (not keraslite)::

    KERAS_BACKEND=jax /path/to/kvenv/bin/python tests/golden/generate.py [NAME ...]
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import keras  # noqa: E402
import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from specs import SPECS, data  # noqa: E402

N_TRAIN_STEPS = 3


def _put(out, key, value, dtype=None):
    """Store ``value`` under ``key``, or under ``key_0``, ``key_1``, ... if it is a list."""
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            out[f"{key}_{i}"] = np.asarray(v, dtype=dtype)
    else:
        out[key] = np.asarray(value, dtype=dtype)


def _scalars(result):
    """evaluate/train_on_batch return a float or a list of floats; always store a 1-D float64."""
    return np.atleast_1d(np.asarray(result, dtype=np.float64))


def generate(name):
    # clear_session resets the auto-name counters, so names like "dense_1_loss" do not depend
    # on which specs ran before.
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    model = SPECS[name](keras)
    x, y = data(name)

    out = {}
    _put(out, "x", x)
    _put(out, "y", y)
    _put(out, "w_in", model.get_weights())
    _put(out, "pred", model.predict(x, verbose=0))
    out["evaluate"] = _scalars(model.evaluate(x, y, verbose=0))
    for step in range(N_TRAIN_STEPS):
        out[f"train_{step}"] = _scalars(model.train_on_batch(x, y))
    _put(out, "w_out", model.get_weights())
    # model.metrics_names is e.g. ["loss", "compile_metrics"]; result_names names each entry of
    # evaluate/train_*, in the order Keras flattens its logs dict (e.g. ["loss", "accuracy"]).
    out["metrics_names"] = np.asarray(model.metrics_names, dtype=str)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    names = model._flatten_metrics_in_order({k: k for k in logs})
    out["result_names"] = np.atleast_1d(np.asarray(names, dtype=str))
    assert len(out["result_names"]) == len(out["evaluate"])
    out["keras_version"] = np.asarray(keras.__version__)
    out["backend"] = np.asarray(keras.backend.backend())

    path = HERE / f"{name}.npz"
    np.savez_compressed(path, **out)
    return path


def main(argv):
    if keras.backend.backend() != "jax":
        raise SystemExit("run with KERAS_BACKEND=jax")
    for name in argv or SPECS:
        path = generate(name)
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
