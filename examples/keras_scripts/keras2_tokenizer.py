"""A Keras 2 course's text classifier: Tokenizer, texts_to_matrix (tf-idf) and pad_sequences.

`keras.preprocessing.text` and `.sequence` are Keras 2 module paths (one deprecation note);
the Tokenizer gives the same word index and matrices as Keras 2.
"""

import keras
import numpy as np
from keras.layers import Dense
from keras.models import Sequential
from keras.preprocessing.sequence import pad_sequences
from keras.preprocessing.text import Tokenizer, tokenizer_from_json

positive = ["great", "wonderful", "loved", "excellent", "fun", "superb"]
negative = ["awful", "boring", "terrible", "worst", "hated", "dull"]
filler = ["the", "movie", "plot", "acting", "was", "a", "and", "really"]
rng = np.random.default_rng(3)
texts, labels = [], []
for _ in range(300):
    label = int(rng.integers(2))
    words = list(rng.choice(filler, 4)) + list(rng.choice(positive if label else negative, 2))
    rng.shuffle(words)
    texts.append(" ".join(words).capitalize() + "!")
    labels.append(label)
labels = np.array(labels)

tokenizer = Tokenizer(num_words=30, oov_token="<OOV>")
tokenizer.fit_on_texts(texts)
x = tokenizer.texts_to_matrix(texts, mode="tfidf")
sequences = pad_sequences(tokenizer.texts_to_sequences(texts), maxlen=8, padding="post")

keras.utils.set_random_seed(3)  # the same weights, and the same result, at every run
model = Sequential([Dense(16, activation="relu", input_shape=(30,)),
                    Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, labels, epochs=15, batch_size=32, verbose=0)
loss, accuracy = model.evaluate(x, labels, verbose=0)
assert accuracy > 0.95, accuracy
again = tokenizer_from_json(tokenizer.to_json())
assert again.texts_to_sequences(texts[:3]) == tokenizer.texts_to_sequences(texts[:3])
print(f"vocabulary {len(tokenizer.word_index)} words, padded {sequences.shape}, "
      f"accuracy {accuracy:.3f}")
