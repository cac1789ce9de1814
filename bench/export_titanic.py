"""Export keraslite's Titanic arrays to bench/.data/titanic.npz, so every peer trains on them.

Run with keraslite's interpreter: ``python bench/export_titanic.py`` (bench/run.py does it).
The arrays are those of ``keraslite.datasets.titanic.load_data()`` (the course exercise's
preprocessing: 642 training and 72 test rows of 9 features).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keraslite.datasets import titanic

OUT = Path(__file__).resolve().parent / ".data" / "titanic.npz"


def main() -> None:
    (x_train, y_train), (x_test, y_test) = titanic.load_data()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez(OUT, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    print(f"wrote {OUT}: x_train {x_train.shape} {x_train.dtype}, x_test {x_test.shape}")


if __name__ == "__main__":
    main()
