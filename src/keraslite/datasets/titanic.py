"""The Titanic passengers (Kaggle's training set, 891 rows), in the style of ``keras.datasets``.

``load_data()`` applies the preprocessing of the course exercise, without pandas::

    df = pd.read_csv("train.csv").drop(["Name", "PassengerId"], axis=1)
    for column in ["Sex", "Cabin", "Ticket", "Embarked"]:
        df[column], _ = pd.factorize(df[column])
    df = df.dropna()                      # only Age is still missing: 714 rows remain
    x, y = df.drop("Survived", axis=1), df["Survived"]
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.1, random_state=0)

The result is the same, row for row (tested against pandas and scikit-learn where installed).
The CSV ships inside the package: nothing is downloaded and nothing is unpickled.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

COLUMNS: tuple[str, ...] = (
    "PassengerId", "Survived", "Pclass", "Name", "Sex", "Age", "SibSp", "Parch", "Ticket",
    "Fare", "Cabin", "Embarked",
)
"""The CSV's columns, in file order."""

feature_names: tuple[str, ...] = (
    "Pclass", "Sex", "Age", "SibSp", "Parch", "Ticket", "Fare", "Cabin", "Embarked",
)
"""The names of the 9 feature columns of ``x``, in order."""

label_name: str = "Survived"
"""The name of the label column ``y`` (1: survived, 0: died)."""

CATEGORICAL: tuple[str, ...] = ("Sex", "Cabin", "Ticket", "Embarked")
"""The text columns that are factorized into integer codes."""

# The strings pandas.read_csv reads as missing by default (pandas._libs.parsers.STR_NA_VALUES).
NA_VALUES = frozenset({
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
})


def path() -> str:
    """The path of the bundled CSV file (``.../keraslite/datasets/data/titanic.csv``)."""
    return str(Path(__file__).resolve().parent / "data" / "titanic.csv")


def _read_columns() -> dict[str, list[str | None]]:
    """The CSV as one list of strings per column, with missing values as None."""
    with open(path(), newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = tuple(next(reader))
        if header != COLUMNS:
            raise ValueError(
                f"Unexpected columns in {path()}: expected {COLUMNS}. Received: {header}"
            )
        rows = list(reader)
    return {
        name: [None if row[i] in NA_VALUES else row[i] for row in rows]
        for i, name in enumerate(COLUMNS)
    }


def factorize(values: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Encode values as integer codes in order of first appearance, as ``pandas.factorize``.

    Args:
        values: the values to encode; None marks a missing value.

    Returns:
        ``(codes, uniques)``: int64 codes with -1 for missing values, and the distinct
        non-missing values in order of first appearance (``uniques[codes[i]] == values[i]``).

    """
    table: dict[Any, int] = {}
    codes = np.empty(len(values), dtype=np.int64)
    for i, value in enumerate(values):
        codes[i] = -1 if value is None else table.setdefault(value, len(table))
    return codes, list(table)


def _numbers(values: Sequence[str | None]) -> np.ndarray:
    return np.array([math.nan if v is None else float(v) for v in values], dtype=np.float64)


def load_xy(dtype: Any = "float32") -> tuple[np.ndarray, np.ndarray]:
    """All 714 preprocessed rows, before the train/test split.

    Args:
        dtype: the dtype of the features (``float32`` by default; ``float64`` is exact).

    Returns:
        ``(x, y)``: features of shape ``(714, 9)`` in the order of ``feature_names``, and the
        int64 labels ``Survived`` of shape ``(714,)``.

    """
    columns = _read_columns()
    encoded = {name: factorize(columns[name])[0].astype(np.float64) for name in CATEGORICAL}
    x = np.stack([encoded[name] if name in encoded else _numbers(columns[name])
                  for name in feature_names], axis=1)
    keep = ~np.isnan(x).any(axis=1)
    y = _numbers(columns[label_name])
    keep &= ~np.isnan(y)
    return x[keep].astype(dtype), y[keep].astype(np.int64)


def split_indices(n_samples: int, test_size: float | int = 0.1,
                  random_state: int | np.random.RandomState | None = 0,
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled train and test row indices, as ``sklearn.model_selection.train_test_split``.

    Args:
        n_samples: the number of rows.
        test_size: the test fraction (a float in (0, 1), rounded up to whole rows) or the
            number of test rows (an int).
        random_state: the seed of the shuffle (a ``numpy.random.RandomState`` is used as is;
            None draws from NumPy's global random state).

    Returns:
        ``(train_indices, test_indices)``.

    """
    if isinstance(test_size, (int, np.integer)) and not isinstance(test_size, bool):
        n_test = int(test_size)
        valid = 0 < n_test < n_samples
    elif isinstance(test_size, (float, np.floating)):
        n_test = math.ceil(float(test_size) * n_samples)
        valid = 0.0 < test_size < 1.0 and 0 < n_test < n_samples
    else:
        valid = False
    if not valid:
        raise ValueError(
            f"`test_size` must be a float in (0, 1) or an int in [1, {n_samples - 1}] that "
            f"leaves rows on both sides of the split. Received: test_size={test_size!r}"
        )
    if random_state is None:
        rng = np.random.mtrand._rand
    elif isinstance(random_state, np.random.RandomState):
        rng = random_state
    else:
        rng = np.random.RandomState(random_state)
    permutation = rng.permutation(n_samples)
    return permutation[n_test:], permutation[:n_test]


def load_data(test_size: float | int = 0.1, random_state: int | None = 0,
              ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load the preprocessed Titanic data, split into train and test sets.

    Name and PassengerId are dropped; Sex, Cabin, Ticket and Embarked are factorized (codes in
    order of first appearance, -1 for missing); rows with a missing value (Age) are dropped,
    leaving 714; the rows are split as ``train_test_split(x, y, test_size, random_state)``.

    Args:
        test_size: the test fraction, or the number of test rows.
        random_state: the seed of the shuffle before the split.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: float32 features of shape ``(n, 9)`` (see
        ``feature_names``) and int64 labels of shape ``(n,)``. The defaults give 642 training
        and 72 test rows.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_data()
        >>> x_train.shape, x_test.shape
        ((642, 9), (72, 9))

    """
    x, y = load_xy()
    train, test = split_indices(len(x), test_size, random_state)
    return (x[train], y[train]), (x[test], y[test])


def load_frame() -> Any:
    """The raw CSV (891 rows, 12 columns) as a ``pandas.DataFrame``, as ``pd.read_csv`` reads it.

    Raises:
        ImportError: when pandas is not installed (``load_data`` needs no pandas).

    """
    try:
        import pandas
    except ImportError as err:
        raise ImportError(
            "keraslite.datasets.titanic.load_frame() needs pandas, which is not installed. "
            "Install it with `pip install pandas` (or `pip install \"keraslite[pandas]\"`), "
            "or use load_data(), which returns NumPy arrays without pandas."
        ) from err
    return pandas.read_csv(path())
