"""Text models train end to end: raw strings → TextVectorization → Dense (bag of words), and
CategoryEncoding feeding Dense; string data through fit / predict / tf.data."""

import numpy as np
import pytest

import keraslite as keras
from keraslite.compat import tensorflow_data

POSITIVE = ["great", "wonderful", "loved", "excellent", "fun", "best", "enjoyed", "superb"]
NEGATIVE = ["awful", "boring", "terrible", "worst", "hated", "dull", "mess", "poor"]
FILLER = ["the", "movie", "plot", "acting", "was", "a", "and", "film", "it", "really"]


def _reviews(n, seed):
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(n):
        label = int(rng.integers(2))
        words = list(rng.choice(FILLER, size=int(rng.integers(3, 7))))
        words += list(rng.choice(POSITIVE if label else NEGATIVE, size=int(rng.integers(1, 3))))
        rng.shuffle(words)
        texts.append(" ".join(words).capitalize() + rng.choice([".", "!", "?"]))
        labels.append(label)
    return np.array(texts), np.array(labels, dtype="float32")


@pytest.mark.parametrize("mode", ["multi_hot", "tf_idf"])
def test_bag_of_words_model_learns_a_toy_sentiment_task(mode):
    x_train, y_train = _reviews(400, seed=1)
    x_test, y_test = _reviews(200, seed=2)
    vectorize = keras.layers.TextVectorization(max_tokens=40, output_mode=mode)
    vectorize.adapt(x_train)
    inputs = keras.Input(shape=(1,), dtype="string")
    hidden = keras.layers.Dense(8, activation="relu")(vectorize(inputs))
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy",
                  metrics=["accuracy"])
    before = model.evaluate(x_test, y_test, verbose=0)[1]
    model.fit(x_train, y_train, epochs=8, batch_size=32, verbose=0)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy > 0.95 and accuracy > before + 0.2, (before, accuracy)
    assert model.predict(["Superb, really loved it", "dull and boring"], verbose=0).ravel() \
        .round().tolist() == [1.0, 0.0]


def test_category_encoding_feeds_dense_and_trains():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 6, size=(300, 3))
    y = (np.isin(ids, [1, 4]).any(axis=1)).astype("float32")  # "contains category 1 or 4"
    inputs = keras.Input(shape=(3,), dtype="int64")
    encoded = keras.layers.CategoryEncoding(num_tokens=6, output_mode="multi_hot")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(encoded))
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(ids, y, epochs=30, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.95


def test_string_data_paths_sequential_dataset_and_lookup_chain():
    x, y = _reviews(64, seed=3)
    vectorize = keras.layers.TextVectorization(output_mode="count", max_tokens=30)
    vectorize.adapt(tensorflow_data.Dataset.from_tensor_slices(x).batch(16))
    model = keras.Sequential([vectorize, keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(list(x), y, epochs=1, verbose=0)  # a plain list of strings
    dataset = tensorflow_data.Dataset.from_tensor_slices((x, y)).batch(16)
    model.fit(dataset, epochs=1, verbose=0)
    assert model.predict(dataset.map(lambda a, b: a), verbose=0).shape == (64, 1)
    # StringLookup → CategoryEncoding on a string column, IntegerLookup on ints.
    words = keras.Input(shape=(1,), dtype="string")
    ids = keras.layers.StringLookup(vocabulary=["red", "green"], output_mode="one_hot")(words)
    model = keras.Model(words, keras.layers.Dense(2)(ids))
    assert model.predict(np.array([["red"], ["blue"]]), verbose=0).shape == (2, 2)
    look = keras.layers.IntegerLookup(vocabulary=[10, 20, 30], output_mode="multi_hot")
    np.testing.assert_array_equal(look(np.array([[10, 30], [99, 99]])).numpy(),
                                  [[0, 1, 0, 1], [1, 0, 0, 0]])


def test_raw_text_into_a_numeric_model_points_at_text_vectorization():
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match=r"TextVectorization.*adapt"):
        model.fit(np.array([["a great movie"], ["so bad"]]), np.array([1.0, 0.0]), verbose=0)


def test_served_under_keras_and_tf_keras_names(served):
    import keras as served_keras
    import tensorflow as tf

    assert served_keras.layers.TextVectorization is keras.layers.TextVectorization
    assert tf.keras.layers.StringLookup is keras.layers.StringLookup
    inputs = tf.keras.Input(shape=(1,), dtype=tf.string)
    assert inputs.dtype == "string"
    layer = tf.keras.layers.TextVectorization(output_sequence_length=3, vocabulary=["hi"])
    np.testing.assert_array_equal(layer(tf.constant([["hi there"]])).numpy(), [[2, 1, 0]])


def test_tf_strings_custom_standardization_of_the_tensorflow_tutorial(served):
    import re
    import string

    import tensorflow as tf

    def custom_standardization(input_data):
        lowercase = tf.strings.lower(input_data)
        stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
        return tf.strings.regex_replace(stripped_html, f"[{re.escape(string.punctuation)}]", "")

    layer = tf.keras.layers.TextVectorization(standardize=custom_standardization,
                                              output_sequence_length=4)
    layer.adapt(["Great film!<br />Really great.", "Bad film."])
    assert layer.get_vocabulary() == ["", "[UNK]", "great", "film", "really", "bad"]
    np.testing.assert_array_equal(layer(["GREAT<br />bad"]).numpy(), [[2, 5, 0, 0]])
    assert tf.strings.length(["ab", "é"]).numpy().tolist() == [2, 2]
    assert tf.strings.join([["a"], ["b"]], separator="-").numpy().tolist() == ["a-b"]


def test_text_dataset_from_directory_feeds_adapt_and_fit(tmp_path, capsys):
    for label, words in (("neg", NEGATIVE), ("pos", POSITIVE)):
        (tmp_path / "reviews" / label / "more").mkdir(parents=True)
        for i, word in enumerate(words):
            folder = tmp_path / "reviews" / label / ("more" if i % 2 else "")
            (folder / f"{i}.txt").write_text(f"the {word} film, {word}!")
        (tmp_path / "reviews" / label / "notes.md").write_text("not a sample")
    train, val = keras.utils.text_dataset_from_directory(
        tmp_path / "reviews", batch_size=4, validation_split=0.25, subset="both", seed=1)
    assert "Found 16 files belonging to 2 classes." in capsys.readouterr().out
    assert train.class_names == ["neg", "pos"]
    texts, labels = next(iter(train))
    assert texts.shape == (4,) and labels.value.dtype == np.int32
    vectorize = keras.layers.TextVectorization(output_mode="multi_hot")
    vectorize.adapt(train.map(lambda x, y: x))
    model = keras.Sequential([vectorize, keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(train, validation_data=val, epochs=1, verbose=0)
    binary = keras.utils.text_dataset_from_directory(
        tmp_path / "reviews", label_mode="binary", batch_size=None, shuffle=False,
        max_length=5, verbose=False)
    first_text, first_label = next(iter(binary))
    assert first_text == "the a" and first_label.shape == (1,)
