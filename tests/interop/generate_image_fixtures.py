"""Interop fixtures for the image layers between real Keras 3 and keraslite. Run by hand:

    KERAS_BACKEND=jax /path/to/keras-venv/bin/python tests/interop/generate_image_fixtures.py \
        --keraslite-python python3

1. Builds the same model (every image preprocessing/augmentation layer, then Dense) in Keras,
   writes ``keras_image_layers.keras`` and ``keras_image_layers.npz`` (input ``x``, Keras'
   prediction ``p``; the random layers pass inputs through in ``predict``).
2. Runs this script's ``--write-keraslite`` part with keraslite, which writes
   ``keraslite_image_layers.keras`` (+ ``.npz``); loads that file here in Keras and records
   whether the configs and predictions agree in ``keras_loads_keraslite_image.json``.

This script imports keras only in step 1-2's parent process and keraslite only in its child.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).parent / "fixtures"


def build(k):
    L = k.layers  # noqa: N806
    return k.Sequential([
        k.Input((12, 10, 3)),
        L.Resizing(10, 9, interpolation="bilinear", antialias=True),
        L.CenterCrop(9, 8),
        L.RandomCrop(9, 8, seed=1),  # at inference Keras passes inputs through unchanged
        L.RandomFlip("horizontal", seed=2),
        L.RandomRotation((-0.1, 0.2), fill_mode="constant", fill_value=0.5, seed=3),
        L.RandomTranslation(0.1, (-0.2, 0.1), fill_mode="wrap", interpolation="nearest",
                            seed=4),
        L.RandomZoom(0.2, (-0.3, 0.1), fill_mode="nearest", seed=5),
        L.RandomContrast((0.1, 0.3), value_range=(0, 1), seed=6),
        L.RandomBrightness(0.2, value_range=(0, 1), seed=7),
        L.Flatten(),
        L.Dense(4, kernel_initializer="glorot_uniform"),
    ])


def write_keraslite() -> None:
    import keraslite

    keraslite.utils.set_random_seed(0)
    model = build(keraslite)
    x = np.random.default_rng(1).random((3, 12, 10, 3)).astype("float32")
    model.save(FIXTURES / "keraslite_image_layers.keras")
    np.savez(FIXTURES / "keraslite_image_layers.npz", x=x, p=model.predict(x, verbose=0))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keraslite-python", default=None)
    parser.add_argument("--write-keraslite", action="store_true")
    args = parser.parse_args()
    if args.write_keraslite:
        write_keraslite()
        return
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    keras.utils.set_random_seed(0)
    model = build(keras)
    x = np.random.default_rng(1).random((3, 12, 10, 3)).astype("float32")
    model.save(FIXTURES / "keras_image_layers.keras")
    np.savez(FIXTURES / "keras_image_layers.npz", x=x, p=model.predict(x, verbose=0))
    root = Path(__file__).parents[2]
    subprocess.run([args.keraslite_python or "python3", __file__, "--write-keraslite"],
                   check=True, env={**os.environ, "PYTHONPATH": str(root / "src")})
    theirs = keras.models.load_model(FIXTURES / "keraslite_image_layers.keras")
    data = np.load(FIXTURES / "keraslite_image_layers.npz")
    pred = theirs.predict(data["x"], verbose=0)
    verdict = {
        "keras_version": keras.__version__,
        "loaded": True,
        "layers": [type(layer).__name__ for layer in theirs.layers],
        "configs": {layer.name: {k: v for k, v in layer.get_config().items() if k != "dtype"}
                    for layer in theirs.layers},
        "predictions_max_abs_diff": float(np.abs(pred - data["p"]).max()),
    }
    (FIXTURES / "keras_loads_keraslite_image.json").write_text(
        json.dumps(verdict, indent=1, default=list) + "\n")
    print(json.dumps(verdict, default=list)[:400])


if __name__ == "__main__":
    sys.exit(main())
