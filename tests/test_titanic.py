"""keraslite.datasets.titanic: shapes, parity with pandas/scikit-learn, and learning on it."""

import csv
import sys
import warnings

import numpy as np
import pytest

import keraslite as keras
from keraslite.__main__ import NETWORKS, binary_scores, train_network
from keraslite.datasets import titanic


def test_shapes_and_dtypes():
    (x_train, y_train), (x_test, y_test) = keras.datasets.titanic.load_data()
    assert x_train.shape == (642, 9) and x_test.shape == (72, 9)
    assert y_train.shape == (642,) and y_test.shape == (72,)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert set(np.unique(y_train)) == {0, 1} and set(np.unique(y_test)) == {0, 1}
    assert not np.isnan(x_train).any() and not np.isnan(x_test).any()
    assert len(titanic.feature_names) == 9
    assert titanic.feature_names == ("Pclass", "Sex", "Age", "SibSp", "Parch", "Ticket", "Fare",
                                     "Cabin", "Embarked")


def test_preprocessing_details():
    x, y = titanic.load_xy("float64")
    assert x.shape == (714, 9) and y.shape == (714,)
    col = {name: x[:, i] for i, name in enumerate(titanic.feature_names)}
    # Codes in order of first appearance over all 891 rows: row 1 is a man from Southampton
    # in cabin-less third class, row 2 a woman in cabin C85 who embarked at Cherbourg.
    assert col["Sex"][:2].tolist() == [0, 1]
    assert col["Embarked"][:2].tolist() == [0, 1]
    assert col["Cabin"][:2].tolist() == [-1, 0]
    assert col["Age"][:2].tolist() == [22, 38]
    # Missing Cabin (-1) and Embarked (-1) codes survive the row drop; only Age drops rows.
    assert (col["Cabin"] == -1).sum() == 529
    assert set(np.unique(col["Embarked"])) == {-1, 0, 1, 2}
    assert set(np.unique(col["Pclass"])) == {1, 2, 3}


def test_path_and_csv():
    with open(titanic.path(), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == titanic.COLUMNS
    assert len(rows) == 892


def test_split_is_deterministic_and_partitions_rows():
    train, test = titanic.split_indices(714, 0.1, 0)
    assert len(train) == 642 and len(test) == 72
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(714))
    (a, _), (b, _) = titanic.load_data()
    (c, _), (d, _) = titanic.load_data()
    np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(b, d)
    (_, _), (e, _) = titanic.load_data(test_size=100, random_state=1)
    assert e.shape == (100, 9)


@pytest.mark.parametrize("bad", [0.0, 1.0, 0, 714, -3, "0.1", None, True])
def test_bad_test_size(bad):
    with pytest.raises(ValueError, match="test_size"):
        titanic.split_indices(714, bad, 0)


def test_factorize():
    codes, uniques = titanic.factorize(["b", None, "a", "b", None, "c"])
    assert codes.tolist() == [0, -1, 1, 0, -1, 2]
    assert uniques == ["b", "a", "c"]


def _pandas_pipeline(pd):
    """The course exercise's preprocessing, with pandas."""
    df = pd.read_csv(titanic.path()).drop(["Name", "PassengerId"], axis=1)
    for column in ["Sex", "Cabin", "Ticket", "Embarked"]:
        df[column], _ = pd.factorize(df[column])
    df = df.dropna()
    return df.drop("Survived", axis=1), df["Survived"]


def test_factorize_matches_pandas():
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(titanic.path())
    raw = titanic._read_columns()
    for column in titanic.CATEGORICAL:
        expected_codes, expected_uniques = pd.factorize(frame[column])
        codes, uniques = titanic.factorize(raw[column])
        np.testing.assert_array_equal(codes, expected_codes, err_msg=column)
        assert uniques == list(expected_uniques), column


def test_preprocessing_matches_pandas():
    pd = pytest.importorskip("pandas")
    x_frame, y_frame = _pandas_pipeline(pd)
    assert tuple(x_frame.columns) == titanic.feature_names
    x, y = titanic.load_xy("float64")
    np.testing.assert_array_equal(x, x_frame.to_numpy(np.float64))
    np.testing.assert_array_equal(y, y_frame.to_numpy())
    x32, _ = titanic.load_xy()
    np.testing.assert_array_equal(x32, x_frame.to_numpy(np.float32))


@pytest.mark.parametrize("test_size, random_state", [(0.1, 0), (0.25, 42), (100, 7)])
def test_split_matches_sklearn(test_size, random_state):
    model_selection = pytest.importorskip("sklearn.model_selection")
    x, y = titanic.load_xy()
    x_train, x_test, y_train, y_test = model_selection.train_test_split(
        x, y, test_size=test_size, random_state=random_state)
    (a, b), (c, d) = titanic.load_data(test_size=test_size, random_state=random_state)
    np.testing.assert_array_equal(a, x_train)
    np.testing.assert_array_equal(b, y_train)
    np.testing.assert_array_equal(c, x_test)
    np.testing.assert_array_equal(d, y_test)


def test_exercise_split_matches_pandas_and_sklearn():
    pd = pytest.importorskip("pandas")
    model_selection = pytest.importorskip("sklearn.model_selection")
    x_frame, y_frame = _pandas_pipeline(pd)
    x_train, x_test, y_train, y_test = model_selection.train_test_split(
        x_frame, y_frame, test_size=0.1, random_state=0)
    (a, b), (c, d) = titanic.load_data()
    np.testing.assert_array_equal(a, x_train.to_numpy(np.float32))
    np.testing.assert_array_equal(b, y_train.to_numpy())
    np.testing.assert_array_equal(c, x_test.to_numpy(np.float32))
    np.testing.assert_array_equal(d, y_test.to_numpy())


def test_load_frame():
    pytest.importorskip("pandas")
    frame = titanic.load_frame()
    assert frame.shape == (891, 12)
    assert tuple(frame.columns) == titanic.COLUMNS
    assert int(frame["Age"].isna().sum()) == 177


def test_load_frame_without_pandas(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        titanic.load_frame()
    (x_train, _), _ = titanic.load_data()  # the arrays need no pandas
    assert x_train.shape == (642, 9)


def test_binary_scores():
    y = np.array([1, 0, 1, 1, 0])
    p = np.array([[0.9], [0.6], [0.4], [0.5], [0.1]])
    precision, recall, f1 = binary_scores(y, p)
    assert precision == pytest.approx(2 / 3) and recall == pytest.approx(2 / 3)
    assert f1 == pytest.approx(2 / 3)
    assert binary_scores(y, np.zeros(5)) == (0.0, 0.0, 0.0)
    precision, recall, _ = binary_scores(y, np.ones(5))
    assert precision == pytest.approx(0.6) and recall == 1.0


def test_sound_network_learns():
    """Median test F1 over 3 seeds >= 0.75 (predicting 'all survive' gives 0.56)."""
    data = titanic.load_data()
    sound = NETWORKS[-1]
    assert not sound.flawed and sound.output_activation == "sigmoid"
    scores = []
    for seed in range(3):
        prob, notes = train_network(sound, data, seed=seed, verbose=0)
        assert notes == []
        scores.append(binary_scores(data[1][1], prob)[2])
    assert np.median(scores) >= 0.75, scores


@pytest.mark.parametrize("spec", [n for n in NETWORKS if n.flawed], ids=lambda n: n.name)
def test_exercise_networks_predict_all_ones(spec):
    data = titanic.load_data()
    prob, _ = train_network(spec, data, seed=0, verbose=0)
    assert prob.shape == (72, 1)
    np.testing.assert_array_equal(prob, 1.0)
    precision, recall, _ = binary_scores(data[1][1], prob)
    assert recall == 1.0 and precision == pytest.approx(float(np.mean(data[1][1])))


def test_training_accuracy_of_constant_predictions_is_the_survival_rate():
    """All predictions are 1.0, so each epoch's accuracy is exactly the survival rate.

    Regression: accuracy once averaged each batch (1-D labels, (n, 1) outputs), weighting the
    last, smaller batch like a full one.
    """
    (x_train, y_train), _ = titanic.load_data()
    model = keras.Sequential([keras.Input(shape=(9,)), keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([np.zeros((9, 1), np.float32), np.full((1,), 50.0, np.float32)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=2, batch_size=25, verbose=0)
    np.testing.assert_allclose(history.history["accuracy"], float(np.mean(y_train)), rtol=1e-6)


def test_flawed_network_warnings_become_notes(monkeypatch):
    """A KerasliteWarning about a 1-unit softmax is caught and returned, not raised."""
    import keraslite.__main__ as cli

    original = cli.build_network

    def build_and_warn(spec, n_features=9):
        warnings.warn("a 1-unit softmax always outputs 1.0", keras.KerasliteWarning, stacklevel=2)
        return original(spec, n_features)

    monkeypatch.setattr(cli, "build_network", build_and_warn)
    flawed = next(n for n in NETWORKS if n.flawed)
    _, notes = train_network(flawed, titanic.load_data(), verbose=0)
    assert notes[0] == "a 1-unit softmax always outputs 1.0"  # then keraslite's own diagnostics
    with pytest.raises(keras.KerasliteWarning):  # the sound network's warnings are not hidden
        train_network(NETWORKS[-1], titanic.load_data(), verbose=0)
