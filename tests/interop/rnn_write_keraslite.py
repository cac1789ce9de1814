"""Write the RNN interop models with keraslite (``.keras`` and ``.weights.h5``), for Keras.

    PYTHONPATH=src python tests/interop/rnn_write_keraslite.py tests/interop/fixtures
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from interop_models import fixture_arrays, one
from rnn_models import builders

import keraslite as keras


def main(out: Path) -> None:
    for name, build in builders(keras, offset=100).items():
        keras.utils.set_random_seed(0)
        model, x, y = build()
        model.fit(one(x), one(y), batch_size=8, epochs=2, shuffle=False, verbose=0)
        model.save(out / f"keraslite_{name}.keras")
        model.save_weights(out / f"keraslite_{name}.weights.h5")
        preds = model.predict(one(x), verbose=0)
        preds = preds if isinstance(preds, list) else [preds]
        model.train_on_batch(one(x), one(y))
        np.savez(out / f"keraslite_{name}.npz", **fixture_arrays(model, x, y, preds))
        print(f"wrote keraslite_{name}.keras")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "fixtures")
