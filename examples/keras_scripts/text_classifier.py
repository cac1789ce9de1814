"""A small text classifier end to end: texts in, a positive/negative score out.

Runs unchanged on Keras 3 and under `keraslite run` (a few seconds on two cores):

    keraslite run examples/keras_scripts/text_classifier.py

Texts become integer token ids through a simple vocabulary (Keras' Tokenizer or
TextVectorization do the same), are padded with `keras.utils.pad_sequences`, and go through
Embedding(mask_zero=True) -> LSTM -> Dense(sigmoid). The padding is masked: the LSTM skips
it, so a short review scores the same however much padding follows it.
"""

import keras
import numpy as np
from keras import layers

POSITIVE = ["great", "wonderful", "loved", "excellent", "fun", "brilliant", "moving", "best"]
NEGATIVE = ["boring", "awful", "hated", "terrible", "dull", "worst", "weak", "mess"]
NEUTRAL = ["the", "movie", "film", "plot", "actors", "story", "was", "a", "and", "it", "this",
           "ending", "music", "really", "quite", "very", "i", "of"]


def make_reviews(n, rng):
    """Reviews of 4-14 words: neutral words and a few opinion words that set the label."""
    texts, labels = [], []
    for _ in range(n):
        label = int(rng.integers(0, 2))
        words = list(rng.choice(NEUTRAL, size=int(rng.integers(3, 11))))
        opinion = POSITIVE if label else NEGATIVE
        for _ in range(int(rng.integers(1, 4))):
            words.insert(int(rng.integers(0, len(words) + 1)), str(rng.choice(opinion)))
        texts.append(" ".join(words))
        labels.append(label)
    return texts, np.array(labels, dtype="float32")


def build_vocabulary(texts):
    """word -> id, most frequent first, from 1 (0 is the padding)."""
    counts = {}
    for text in texts:
        for word in text.lower().split():
            counts[word] = counts.get(word, 0) + 1
    ordered = sorted(counts, key=lambda w: (-counts[w], w))
    return {word: i + 1 for i, word in enumerate(ordered)}


def to_ids(texts, vocabulary, maxlen):
    sequences = [[vocabulary[w] for w in t.lower().split() if w in vocabulary] for t in texts]
    return keras.utils.pad_sequences(sequences, maxlen=maxlen, padding="post")


def main(epochs=8, seed=0):
    rng = np.random.default_rng(seed)
    keras.utils.set_random_seed(seed)
    texts, y = make_reviews(800, rng)
    vocabulary = build_vocabulary(texts[:600])
    maxlen = 20
    x = to_ids(texts, vocabulary, maxlen)

    model = keras.Sequential([
        keras.Input(shape=(maxlen,), dtype="int32"),
        layers.Embedding(input_dim=len(vocabulary) + 1, output_dim=16, mask_zero=True),
        layers.LSTM(16),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(x[:600], y[:600], epochs=epochs, batch_size=32, validation_split=0.1, verbose=2)
    loss, accuracy = model.evaluate(x[600:], y[600:], verbose=0)
    print(f"test accuracy: {accuracy:.3f}")

    new = ["a wonderful film and the music was great", "boring plot and awful actors"]
    for text, score in zip(new, model.predict(to_ids(new, vocabulary, maxlen), verbose=0)[:, 0]):
        print(f"{score:.3f}  {text}")
    return accuracy


if __name__ == "__main__":
    main()
