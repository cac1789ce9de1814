"""sparse=True (SciPy CSR) and ragged=True (a list of arrays) outputs of the text layers."""

import sys

import numpy as np
import pytest

import keraslite as keras
from keraslite.layers import (
    CategoryEncoding,
    Hashing,
    IntegerLookup,
    StringLookup,
    TextVectorization,
)

sparse = pytest.importorskip("scipy.sparse")

TEXTS = ["good movie, great fun", "bad film and awful", "great acting good plot",
         "awful plot, bad acting", "a good good film", "the worst movie"]
LABELS = np.array([1, 0, 1, 0, 1, 0], "float32")
IDS = np.array([[0, 1, 1, -1], [3, 5, 5, 2]])


def adapted(**kwargs):
    layer = TextVectorization(**kwargs)
    layer.adapt(TEXTS)
    return layer


CASES = {
    "category_count": lambda s: CategoryEncoding(6, "count", sparse=s),
    "category_multi_hot": lambda s: CategoryEncoding(6, "multi_hot", sparse=s),
    "hashing_multi_hot": lambda s: Hashing(8, output_mode="multi_hot", sparse=s),
    "hashing_one_hot": lambda s: Hashing(8, output_mode="one_hot", salt=3, sparse=s),
    "string_tf_idf": lambda s: StringLookup(vocabulary=["good", "bad", "film"],
                                            idf_weights=[0.5, 1.5, 2.0],
                                            output_mode="tf_idf", sparse=s),
    "integer_count": lambda s: IntegerLookup(vocabulary=[3, 5, 7], output_mode="count",
                                             sparse=s),
    "text_multi_hot": lambda s: adapted(output_mode="multi_hot", sparse=s),
    "text_count_bigrams": lambda s: adapted(output_mode="count", ngrams=2, sparse=s),
    "text_tf_idf": lambda s: adapted(output_mode="tf_idf", max_tokens=8,
                                     pad_to_max_tokens=True, sparse=s),
    "text_one_hot": lambda s: adapted(output_mode="one_hot", sparse=s),
    "text_unsplit_multi_hot": lambda s: adapted(output_mode="multi_hot", split=None, sparse=s),
}
INPUTS = {
    "category": IDS, "hashing_multi_hot": np.array([["a", "b"], ["c", "a"]]),
    "hashing_one_hot": np.array(["a", "b", "zz"]),
    "string": np.array([["good", "good", "film", "new"], ["bad", "x", "y", "film"]]),
    "integer": np.array([[3, 3, 9], [7, 5, 5]]), "text": np.array(TEXTS),
}


def input_for(case):
    return next(v for k, v in INPUTS.items() if case.startswith(k))


@pytest.mark.parametrize("case", sorted(CASES))
def test_sparse_output_is_csr_equal_to_the_dense_output(case):
    dense_layer, sparse_layer = CASES[case](False), CASES[case](True)
    data = input_for(case)
    out = sparse_layer(data)
    assert isinstance(out, sparse.csr_matrix) and out.dtype == np.float32
    expected = np.atleast_2d(dense_layer(data).value)  # a single sample is one row
    np.testing.assert_allclose(out.toarray(), expected, rtol=1e-6)
    again = type(sparse_layer).from_config(sparse_layer.get_config())
    assert again.get_config()["sparse"] is True


def test_count_weights_and_a_single_sample_give_one_row_per_sample():
    layer = CategoryEncoding(4, "count", sparse=True)
    out = layer(np.array([[0, 1, 1]]), count_weights=np.array([[0.5, 1.0, 2.0]]))
    np.testing.assert_allclose(out.toarray(), [[0.5, 3.0, 0, 0]])
    assert adapted(output_mode="multi_hot", sparse=True)("good film").shape[0] == 1
    assert CategoryEncoding(4, sparse=True)(np.array([1, 3])).toarray().tolist() == [
        [0, 1, 0, 1]]


def test_sparse_output_feeds_fit_and_learns():
    vectorizer = adapted(output_mode="tf_idf", sparse=True)
    x = vectorizer(TEXTS * 8)
    assert isinstance(x, sparse.csr_matrix)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(x.shape[1],)),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, np.tile(LABELS, 8), epochs=15, batch_size=8, verbose=0)
    assert history.history["accuracy"][-1] == 1.0
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_inside_a_model_sparse_layers_pass_dense_batches_and_save(tmp_path):
    def model_with(layer):
        keras.utils.set_random_seed(1)
        model = keras.Sequential([layer, keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(np.array(TEXTS), LABELS, epochs=3, verbose=0)
        return model

    dense = model_with(adapted(output_mode="multi_hot"))
    model = model_with(adapted(output_mode="multi_hot", sparse=True))
    expected = dense.predict(np.array(TEXTS), verbose=0)
    np.testing.assert_allclose(model.predict(np.array(TEXTS), verbose=0), expected, rtol=1e-6)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(np.array(TEXTS), verbose=0), expected, rtol=1e-6)
    assert isinstance(loaded.layers[0](TEXTS), sparse.csr_matrix)  # direct call: sparse
    ids = keras.Input(shape=(3,), dtype="int64")
    encoded = CategoryEncoding(5, "multi_hot", sparse=True)(ids)
    functional = keras.Model(ids, keras.layers.Dense(2)(encoded))
    assert functional.predict(np.array([[0, 1, 4]]), verbose=0).shape == (1, 2)


def test_ragged_returns_unpadded_rows_and_pads_inside_a_model(tmp_path):
    layer = adapted(ragged=True)
    rows = layer(TEXTS[:3])
    assert isinstance(rows, list) and [len(r) for r in rows] == [4, 4, 4]
    padded = adapted()(TEXTS[:3]).value
    for row, full in zip(rows, padded):
        np.testing.assert_array_equal(row, full[:len(row)])
        assert row.dtype == np.int64
    assert [len(r) for r in adapted(ragged=True)(["a b c d e f", "b"])] == [6, 1]
    assert [len(r) for r in adapted(ragged=True, output_sequence_length=2)(
        ["a b c", "b"])] == [2, 1]
    np.testing.assert_array_equal(layer("good film"), layer(["good film"])[0])  # one text
    keras.utils.set_random_seed(2)
    model = keras.Sequential([layer, keras.layers.Embedding(layer.vocabulary_size(), 4),
                              keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)])
    out = model.predict(np.array(TEXTS), verbose=0)
    assert out.shape == (len(TEXTS), 1)
    model.save(tmp_path / "r.keras")
    loaded = keras.models.load_model(tmp_path / "r.keras")
    assert loaded.layers[0].get_config()["ragged"] is True
    np.testing.assert_allclose(loaded.predict(np.array(TEXTS), verbose=0), out, rtol=1e-6)


def test_sparse_and_ragged_argument_errors_follow_keras():
    for make in (lambda: Hashing(4, sparse=True), lambda: StringLookup(sparse=True),
                 lambda: IntegerLookup(sparse=True), lambda: TextVectorization(sparse=True)):
        with pytest.raises(ValueError, match="sparse=True and output_mode=int"):
            make()
    with pytest.raises(ValueError, match="ragged=True and output_mode=count"):
        TextVectorization(output_mode="count", ragged=True)
    with pytest.raises(ValueError, match=r"2-D SciPy matrix.*\(2, 2, 4\)"):
        CategoryEncoding(4, "one_hot", sparse=True)(np.array([[0, 1], [2, 3]]))


def test_missing_scipy_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy.sparse", None)
    with pytest.raises(ImportError, match=r"keraslite\[scipy\]"):
        CategoryEncoding(4, sparse=True)(np.array([[0, 1]]))
