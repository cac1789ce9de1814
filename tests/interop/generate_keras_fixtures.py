"""Interoperability fixtures between real Keras 3 and keraslite. Run by hand, with Keras:

    KERAS_BACKEND=jax /path/to/keras-venv/bin/python tests/interop/generate_keras_fixtures.py \
        [--keraslite-python python3]

1. Builds small models in real Keras 3, trains them a few steps (so optimizer state exists),
   and writes ``keras_NAME.keras`` (+ ``keras_sequential.weights.h5`` and a legacy
   ``keras_legacy.h5``) with ``keras_NAME.npz``: inputs ``x*``, targets ``y*``, predictions
   ``p*``, and each layer's weights after one more training step (``step:<layer>:<i>``).
2. Runs tests/interop/write_keraslite_models.py with the keraslite Python to write
   ``keraslite_NAME.keras`` files, loads each one here in real Keras, and checks the
   predictions and the next training step against keraslite's. The verdict goes to
   ``keras_loads_keraslite.json``, which is committed as evidence (tests read it).
3. The same for the legacy HDF5 model format (``model.save("m.h5")``), for the models in
   ``interop_models.LEGACY``: Keras writes ``keras_legacy_NAME.h5`` (+ ``.npz``), keraslite
   writes ``keraslite_legacy_NAME.h5`` (+ ``.npz``), and Keras' verdict on keraslite's files
   goes to ``keras_loads_keraslite_legacy_h5.json``. ``--legacy-only`` runs only this step.

Keras 3.15's legacy loader restores only the optimizer's iteration count and learning rate
(it builds the optimizer for no variables), and its next training step then fails; step 3
records that, and checks keraslite's full optimizer state by giving it to a freshly built
Keras optimizer (``set_weights``) and comparing the next training step.

Custom classes without ``get_config`` (``auto_config_models``: a layer and a subclassed model,
saved from their recorded constructor arguments) go through steps 1-2 too, loaded with
``custom_objects``; their verdict goes to ``keras_loads_keraslite_auto_config.json``.
``--auto-config-only`` writes and checks only these. ``--conv-only`` does steps 1-2 for the
convnets of ``conv_models`` (verdict in ``keras_loads_keraslite_conv.json``).

This script never imports keraslite; keraslite's tests never import keras.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
from auto_config_models import auto_config_builders, custom_objects  # noqa: E402
from conv_models import CONV_RANDOM_TRAINING, conv_builders  # noqa: E402
from interop_models import builders, fixture_arrays, legacy_builders, one  # noqa: E402

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
PRED_TOL = 1e-6
RANDOM_TRAINING = {"zoo"}  # Dropout draws differ between the libraries: predictions only
STEP_TOL = 1e-5


# The same definitions build keraslite's models in write_keraslite_models.py.
BUILDERS = builders(keras)


def _as_list(p) -> list:
    return [np.asarray(v) for v in p] if isinstance(p, (list, tuple)) else [np.asarray(p)]


def write_keras_fixtures(models: dict = BUILDERS) -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name, build in models.items():
        keras.utils.set_random_seed(0)
        model, x, y = build()
        model.fit(one(x), one(y), batch_size=16, epochs=2, shuffle=False, verbose=0)
        model.save(FIXTURES / f"keras_{name}.keras")
        if name == "sequential":
            model.save_weights(FIXTURES / "keras_sequential.weights.h5")
            model.save(FIXTURES / "keras_legacy.h5")
        preds = _as_list(model.predict(one(x), verbose=0))
        model.train_on_batch(one(x), one(y))
        np.savez(FIXTURES / f"keras_{name}.npz", **fixture_arrays(model, x, y, preds))
        print(f"wrote keras_{name}.keras")


def check_keraslite_files(keraslite_python: str, models: dict = BUILDERS,
                          custom: dict | None = None, writer_flags: tuple = ()) -> dict:
    subprocess.run([keraslite_python, str(HERE / "write_keraslite_models.py"), str(FIXTURES),
                    *writer_flags], check=True)
    results = {}
    for name in models:
        path = FIXTURES / f"keraslite_{name}.keras"
        data = np.load(FIXTURES / f"keraslite_{name}.npz")
        n_x = len([k for k in data.files if k.startswith("x")])
        n_y = len([k for k in data.files if k.startswith("y")])
        x = [data[f"x{i}"] for i in range(n_x)]
        y = [data[f"y{i}"] for i in range(n_y)]
        entry: dict = {"file": path.name}
        try:
            model = keras.saving.load_model(path, custom_objects=custom)
            preds = _as_list(model.predict(one(x), verbose=0))
            entry["prediction_max_abs_diff"] = max(
                float(np.max(np.abs(p - data[f"p{i}"]))) for i, p in enumerate(preds))
            diffs = [0.0]
            if name not in RANDOM_TRAINING:
                model.train_on_batch(one(x), one(y))
                diffs += [float(np.max(np.abs(np.asarray(w) - data[f"step:{layer.name}:{i}"])))
                          for layer in model.layers for i, w in enumerate(layer.get_weights())]
            entry["next_step_max_abs_diff"] = max(diffs)
            entry["optimizer"] = type(model.optimizer).__name__
            entry["optimizer_iterations"] = int(np.asarray(model.optimizer.iterations))
            entry["passed"] = bool(entry["prediction_max_abs_diff"] <= PRED_TOL
                                   and entry["next_step_max_abs_diff"] <= STEP_TOL)
        except Exception as error:  # record the failure as evidence
            entry["passed"] = False
            entry["error"] = f"{type(error).__name__}: {error}"[:2000]
        results[name] = entry
        print(name, entry)
    if "sequential" not in models:
        return results
    weights = FIXTURES / "keraslite_sequential.weights.h5"
    data = np.load(FIXTURES / "keraslite_sequential.npz")
    model, _, _ = BUILDERS["sequential"]()
    model.load_weights(weights)
    diff = float(np.max(np.abs(np.asarray(model.predict(data["x0"], verbose=0)) - data["p0"])))
    results["sequential_weights_h5"] = {"file": weights.name, "prediction_max_abs_diff": diff,
                                        "passed": diff <= PRED_TOL}
    return results


def write_keras_legacy_fixtures() -> None:
    for name, build in legacy_builders(keras).items():
        keras.utils.set_random_seed(0)
        model, x, y = build()
        model.fit(one(x), one(y), batch_size=16, epochs=2, shuffle=False, verbose=0)
        model.save(FIXTURES / f"keras_legacy_{name}.h5")
        preds = _as_list(model.predict(one(x), verbose=0))
        model.train_on_batch(one(x), one(y))
        np.savez(FIXTURES / f"keras_legacy_{name}.npz", **fixture_arrays(model, x, y, preds))
        print(f"wrote keras_legacy_{name}.h5")


def _stored_optimizer_state(path: Path) -> list:
    with h5py.File(path, "r") as f:
        group = f["optimizer_weights"]
        return [np.asarray(group[n][()]) for n in group.attrs["weight_names"]]


def check_keraslite_legacy_files(keraslite_python: str) -> dict:
    subprocess.run([keraslite_python, str(HERE / "write_keraslite_models.py"), str(FIXTURES),
                    "--legacy-h5"], check=True)
    results = {}
    for name in legacy_builders(keras):
        path = FIXTURES / f"keraslite_legacy_{name}.h5"
        data = np.load(FIXTURES / f"keraslite_legacy_{name}.npz")
        x = [data[f"x{i}"] for i in range(len([k for k in data.files if k.startswith("x")]))]
        y = [data[f"y{i}"] for i in range(len([k for k in data.files if k.startswith("y")]))]
        entry: dict = {"file": path.name}
        try:
            model = keras.saving.load_model(path)
            preds = _as_list(model.predict(one(x), verbose=0))
            entry["prediction_max_abs_diff"] = max(
                float(np.max(np.abs(p - data[f"p{i}"]))) for i, p in enumerate(preds))
            entry["optimizer"] = type(model.optimizer).__name__
            entry["optimizer_iterations"] = int(np.asarray(model.optimizer.iterations))
            entry["loss"] = str(model.loss)
            try:  # Keras' own loader: does training continue?
                model.train_on_batch(one(x), one(y))
                entry["keras_trains_after_its_own_load"] = "yes"
            except Exception as error:
                entry["keras_trains_after_its_own_load"] = f"no: {str(error)[:160]}"
            # keraslite's full optimizer state, given to a freshly built Keras optimizer.
            model = keras.saving.load_model(path)
            optimizer = type(model.optimizer).from_config(model.optimizer.get_config())
            optimizer.build(model.trainable_variables)
            stored = _stored_optimizer_state(path)
            entry["optimizer_state_count"] = [len(stored), len(optimizer.variables)]
            optimizer.set_weights(stored)
            model.compile(optimizer=optimizer, loss=model.loss)
            diffs = [0.0]
            if name not in RANDOM_TRAINING:
                model.train_on_batch(one(x), one(y))
                diffs += [float(np.max(np.abs(np.asarray(w) - data[f"step:{layer.name}:{i}"])))
                          for layer in model.layers for i, w in enumerate(layer.get_weights())]
            entry["next_step_max_abs_diff_with_stored_optimizer_state"] = max(diffs)
            entry["passed"] = bool(entry["prediction_max_abs_diff"] <= PRED_TOL
                                   and len(stored) == len(optimizer.variables)
                                   and max(diffs) <= STEP_TOL)
        except Exception as error:  # record the failure as evidence
            entry["passed"] = False
            entry["error"] = f"{type(error).__name__}: {error}"[:2000]
        results[name] = entry
        print(name, entry)
    return results


def _verdict(results: dict) -> dict:
    return {
        "keras_version": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "date": datetime.date.today().isoformat(),
        "prediction_tolerance": PRED_TOL,
        "next_step_tolerance": STEP_TOL,
        "all_passed": all(r["passed"] for r in results.values()),
        "models": results,
    }


def write_and_check_auto_config(keraslite_python: str) -> bool:
    """Both directions for the custom classes without ``get_config``; True when all passed."""
    models = auto_config_builders(keras)
    write_keras_fixtures(models)
    results = check_keraslite_files(keraslite_python, models, custom_objects(keras),
                                    ("--auto-config",))
    verdict = {"keras_version": keras.__version__, "keras_backend": keras.backend.backend(),
               "date": datetime.date.today().isoformat(), "prediction_tolerance": PRED_TOL,
               "next_step_tolerance": STEP_TOL,
               "all_passed": all(r["passed"] for r in results.values()), "models": results}
    (FIXTURES / "keras_loads_keraslite_auto_config.json").write_text(
        json.dumps(verdict, indent=2) + "\n")
    print("auto-config fixtures:", "all passed" if verdict["all_passed"] else "SOME FAILED")
    return verdict["all_passed"]


def write_and_check_legacy(keraslite_python: str) -> bool:
    """Both directions for the legacy ``.h5`` model format; True when all passed."""
    write_keras_legacy_fixtures()
    verdict = _verdict(check_keraslite_legacy_files(keraslite_python))
    (FIXTURES / "keras_loads_keraslite_legacy_h5.json").write_text(
        json.dumps(verdict, indent=2) + "\n")
    print("legacy .h5 fixtures:", "all passed" if verdict["all_passed"] else "SOME FAILED")
    return verdict["all_passed"]


def write_and_check_conv(keraslite_python: str) -> bool:
    """The convnets both ways; the verdict goes to ``keras_loads_keraslite_conv.json``."""
    models = conv_builders(keras)
    write_keras_fixtures(models)
    RANDOM_TRAINING.update(CONV_RANDOM_TRAINING)
    verdict = _verdict(check_keraslite_files(keraslite_python, models,
                                             writer_flags=("--conv",)))
    (FIXTURES / "keras_loads_keraslite_conv.json").write_text(json.dumps(verdict, indent=2) +
                                                             "\n")
    print("conv: all passed" if verdict["all_passed"] else "conv: SOME FAILED")
    return verdict["all_passed"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keraslite-python", default="python3",
                        help="a Python interpreter that can import keraslite")
    parser.add_argument("--auto-config-only", action="store_true",
                        help="only the custom classes without get_config, and their verdict")
    parser.add_argument("--conv-only", action="store_true",
                        help="only the convnets of conv_models, and their verdict")
    parser.add_argument("--legacy-only", action="store_true",
                        help="only the legacy .h5 fixtures and their verdict")
    args = parser.parse_args()
    FIXTURES.mkdir(parents=True, exist_ok=True)
    if args.conv_only:
        return 0 if write_and_check_conv(args.keraslite_python) else 1
    if args.legacy_only:
        return 0 if write_and_check_legacy(args.keraslite_python) else 1
    auto_config_passed = write_and_check_auto_config(args.keraslite_python)
    if args.auto_config_only:
        return 0 if auto_config_passed else 1
    write_keras_fixtures()
    verdict = _verdict(check_keraslite_files(args.keraslite_python))
    (FIXTURES / "keras_loads_keraslite.json").write_text(json.dumps(verdict, indent=2) + "\n")
    print("all passed" if verdict["all_passed"] else "SOME FAILED")
    passed = write_and_check_legacy(args.keraslite_python) and verdict["all_passed"]
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
