"""Write small models with keraslite, for real Keras 3 to load (run by the generator script).

Usage (normally called by generate_keras_fixtures.py):
    python tests/interop/write_keraslite_models.py tests/interop/fixtures [--legacy-h5]

For each model NAME it writes ``keraslite_NAME.keras`` and ``keraslite_NAME.npz`` holding the
inputs (``x0``, ``x1``, ...), the targets (``y0``, ...), the predictions (``p0``, ...), and each
layer's weights after one more training step on that batch (``step:<layer>:<i>``), taken after
the file was saved, so that the loader can check that the optimizer state continues exactly.
With ``--conv`` it writes the convnets of ``conv_models``.
With ``--auto-config`` it writes the models of ``auto_config_models`` (custom classes without
``get_config``) instead.
With ``--legacy-h5`` it writes ``keraslite_legacy_NAME.h5`` (the legacy HDF5 model format) and
``keraslite_legacy_NAME.npz`` instead, for the models in ``interop_models.LEGACY``.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
from auto_config_models import auto_config_builders
from conv_models import conv_builders
from interop_models import builders, fixture_arrays, legacy_builders, one

import keraslite as keras

# The same definitions build Keras' models in generate_keras_fixtures.py; the committed
# keraslite_*.npz fixtures were written with these data seeds.
BUILDERS = builders(keras, seeds={"sequential": 1, "functional": 2, "activations": 3})


def main(out: Path, models: dict = BUILDERS) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, build in models.items():
        keras.utils.clear_session()
        keras.utils.set_random_seed(0)
        model, x, y = build()
        model.fit(one(x), one(y), batch_size=16, epochs=2, shuffle=False, verbose=0)
        model.save(out / f"keraslite_{name}.keras")
        if name == "sequential":
            model.save_weights(out / f"keraslite_{name}.weights.h5")
        preds = model.predict(one(x), verbose=0)
        preds = preds if isinstance(preds, list) else [preds]
        model.train_on_batch(one(x), one(y))
        np.savez(out / f"keraslite_{name}.npz", **fixture_arrays(model, x, y, preds))
        print(f"wrote keraslite_{name}.keras")


def main_legacy(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, build in legacy_builders(keras).items():
        keras.utils.clear_session()
        keras.utils.set_random_seed(0)
        model, x, y = build()
        model.fit(one(x), one(y), batch_size=16, epochs=2, shuffle=False, verbose=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", keras.saving.LegacyFormatWarning)
            model.save(out / f"keraslite_legacy_{name}.h5")
        preds = model.predict(one(x), verbose=0)
        preds = preds if isinstance(preds, list) else [preds]
        model.train_on_batch(one(x), one(y))
        np.savez(out / f"keraslite_legacy_{name}.npz", **fixture_arrays(model, x, y, preds))
        print(f"wrote keraslite_legacy_{name}.h5")


if __name__ == "__main__":
    if "--conv" in sys.argv[1:]:
        folders = [a for a in sys.argv[1:] if a != "--conv"]
        main(Path(folders[0]) if folders else Path(__file__).parent / "fixtures",
             conv_builders(keras))
        sys.exit(0)
    if "--auto-config" in sys.argv[1:]:
        folders = [a for a in sys.argv[1:] if a != "--auto-config"]
        main(Path(folders[0]) if folders else Path(__file__).parent / "fixtures",
             auto_config_builders(keras))
        sys.exit(0)
    args = [a for a in sys.argv[1:] if a != "--legacy-h5"]
    folder = Path(args[0]) if args else Path(__file__).parent / "fixtures"
    (main_legacy if "--legacy-h5" in sys.argv[1:] else main)(folder)
