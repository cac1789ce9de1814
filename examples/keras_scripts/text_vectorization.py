"""TensorFlow's text-classification tutorial, shrunk: raw strings through a tf.data pipeline
into a model that starts with TextVectorization (custom standardization with tf.strings)."""

import re
import string

import numpy as np
import tensorflow as tf
from tensorflow import keras

keras.utils.set_random_seed(0)

def custom_standardization(input_data):
    lowercase = tf.strings.lower(input_data)
    stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
    return tf.strings.regex_replace(stripped_html, f"[{re.escape(string.punctuation)}]", "")


positive = ["great", "wonderful", "loved", "excellent", "fun", "superb"]
negative = ["awful", "boring", "terrible", "worst", "hated", "dull"]
filler = ["the", "movie", "plot", "acting", "was", "a", "and", "really"]
rng = np.random.default_rng(5)
texts, labels = [], []
for _ in range(400):
    label = int(rng.integers(2))
    words = list(rng.choice(filler, 4)) + list(rng.choice(positive if label else negative, 2))
    rng.shuffle(words)
    texts.append(" ".join(words[:3]).upper() + "<br />" + " ".join(words[3:]) + ".")
    labels.append(label)
raw_train = tf.data.Dataset.from_tensor_slices((np.array(texts), np.array(labels))).batch(32)

vectorize_layer = keras.layers.TextVectorization(
    standardize=custom_standardization, max_tokens=100, output_mode="tf_idf")
vectorize_layer.adapt(raw_train.map(lambda text, label: text))

inputs = keras.Input(shape=(1,), dtype=tf.string)
hidden = keras.layers.Dense(16, activation="relu")(vectorize_layer(inputs))
model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))
model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(),
              metrics=["accuracy"])
model.fit(raw_train, epochs=10, verbose=0)
loss, accuracy = model.evaluate(raw_train, verbose=0)
assert accuracy > 0.95, accuracy
scores = model.predict(np.array(["A WONDERFUL, fun film!", "boring<br />and awful."]), verbose=0)
assert scores[0, 0] > 0.5 > scores[1, 0], scores
print(f"vocabulary {vectorize_layer.vocabulary_size()}, accuracy {accuracy:.3f}")
