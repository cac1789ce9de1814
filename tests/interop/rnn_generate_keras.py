"""RNN interop fixtures with real Keras 3 (run by hand, like generate_keras_fixtures.py):

    KERAS_BACKEND=jax /path/to/keras-venv/bin/python tests/interop/rnn_generate_keras.py \
        --keraslite-python "env PYTHONPATH=src python3"

1. Keras builds, trains and saves ``keras_rnn_*.keras`` and ``.weights.h5`` (+ ``.npz``).
2. keraslite writes ``keraslite_rnn_*`` (rnn_write_keraslite.py); Keras loads each ``.keras``
   and ``.weights.h5`` and checks predictions and the next training step; the verdict goes
   to ``keras_loads_keraslite_rnn.json`` (committed evidence, read by the tests).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
from pathlib import Path

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
from interop_models import fixture_arrays, one  # noqa: E402
from rnn_models import builders  # noqa: E402

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"


def _as_list(p) -> list:
    return [np.asarray(v) for v in p] if isinstance(p, (list, tuple)) else [np.asarray(p)]


def write_keras() -> None:
    for name, build in builders(keras).items():
        keras.utils.set_random_seed(0)
        model, x, y = build()
        model.fit(one(x), one(y), batch_size=8, epochs=2, shuffle=False, verbose=0)
        model.save(FIXTURES / f"keras_{name}.keras")
        model.save_weights(FIXTURES / f"keras_{name}.weights.h5")
        preds = _as_list(model.predict(one(x), verbose=0))
        model.train_on_batch(one(x), one(y))
        np.savez(FIXTURES / f"keras_{name}.npz", **fixture_arrays(model, x, y, preds))


def check_keraslite(python: str) -> dict:
    subprocess.run([*shlex.split(python), str(HERE / "rnn_write_keraslite.py"), str(FIXTURES)],
                   check=True)
    results = {}
    for name, build in builders(keras, offset=100).items():
        data = np.load(FIXTURES / f"keraslite_{name}.npz")
        x = [data[k] for k in sorted(k for k in data.files if k.startswith("x"))]
        y = [data[k] for k in sorted(k for k in data.files if k.startswith("y"))]
        entry: dict = {}
        try:
            model = keras.saving.load_model(FIXTURES / f"keraslite_{name}.keras")
            preds = _as_list(model.predict(one(x), verbose=0))
            entry["prediction_max_abs_diff"] = max(
                float(np.max(np.abs(p - data[f"p{i}"]))) for i, p in enumerate(preds))
            model.train_on_batch(one(x), one(y))
            entry["next_step_max_abs_diff"] = max(
                float(np.max(np.abs(np.asarray(w) - data[f"step:{layer.name}:{i}"])))
                for layer in model.layers for i, w in enumerate(layer.get_weights()))
            fresh, _, _ = build()
            fresh.load_weights(FIXTURES / f"keraslite_{name}.weights.h5")
            entry["weights_h5_prediction_max_abs_diff"] = max(
                float(np.max(np.abs(p - data[f"p{i}"])))
                for i, p in enumerate(_as_list(fresh.predict(one(x), verbose=0))))
            entry["passed"] = bool(entry["prediction_max_abs_diff"] <= 1e-5
                                   and entry["next_step_max_abs_diff"] <= 1e-5
                                   and entry["weights_h5_prediction_max_abs_diff"] <= 1e-5)
        except Exception as error:  # recorded as evidence
            entry = {"passed": False, "error": f"{type(error).__name__}: {error}"[:2000]}
        results[name] = entry
        print(name, entry)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--keraslite-python", default="python3")
    args = parser.parse_args()
    write_keras()
    models = check_keraslite(args.keraslite_python)
    verdict = {"keras_version": keras.__version__, "models": models,
               "all_passed": all(m["passed"] for m in models.values())}
    (FIXTURES / "keras_loads_keraslite_rnn.json").write_text(json.dumps(verdict, indent=1))
    print("all passed:", verdict["all_passed"])
