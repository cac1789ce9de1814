"""Tutorial 6: from raw texts to a score. Keras 2's Tokenizer and pad_sequences, Keras 3's
TextVectorization, an Embedding with a mask, an LSTM and a Bidirectional LSTM, against a
bag-of-words neuron that cannot see word order.

Writes text_training.png.
"""
# --8<-- [start:data]
import numpy as np

import keraslite as keras

rng = np.random.default_rng(0)
POSITIVE = ["good", "great", "excellent", "wonderful", "funny", "moving"]
NEGATIVE = ["bad", "awful", "boring", "dull", "terrible", "weak"]
SUBJECTS = ["the film", "the plot", "the acting", "the music", "the ending", "this movie"]
OPENERS = ["", "i saw it on sunday and", "honestly", "my friends said", "to be fair",
           "after an hour", "as expected"]
CLOSERS = ["", "", "all in all", "and i mean it", "in my opinion", "at least for me"]


def review():
    """One short review and its label (1: positive). "not" flips the adjective."""
    positive, negated = rng.random() < 0.5, rng.random() < 0.5
    adjective = rng.choice(POSITIVE if positive else NEGATIVE)
    words = [rng.choice(OPENERS), rng.choice(SUBJECTS), "was",
             "not" if negated else "", adjective, rng.choice(CLOSERS)]
    return " ".join(w for w in words if w) + ".", int(positive != negated)


texts, labels = zip(*(review() for _ in range(2000)))
texts, labels = list(texts), np.array(labels)
train_texts, test_texts = texts[:1600], texts[1600:]
y_train, y_test = labels[:1600], labels[1600:]
for text, label in zip(texts[:4], labels[:4]):
    print(label, text)
# --8<-- [end:data]

# --8<-- [start:tokenizer]
from keraslite.preprocessing.sequence import pad_sequences
from keraslite.preprocessing.text import Tokenizer

tokenizer = Tokenizer()                 # Keras 2: keras.preprocessing.text.Tokenizer
tokenizer.fit_on_texts(train_texts)     # word -> index, the most frequent word first
print("vocabulary:", len(tokenizer.word_index), "words;",
      list(tokenizer.word_index.items())[:6], "...")
sequences = tokenizer.texts_to_sequences(train_texts[:2])
print(sequences)
print(pad_sequences(sequences, maxlen=12))  # zeros in front ("pre"), the default
# --8<-- [end:tokenizer]

# --8<-- [start:vectorization]
vectorize = keras.layers.TextVectorization(output_sequence_length=16)  # Keras 3
vectorize.adapt(train_texts)
vocabulary = vectorize.get_vocabulary()
print(len(vocabulary), "tokens:", vocabulary[:8], "...")
print(np.asarray(vectorize(train_texts[:2])))
x_train = np.asarray(vectorize(train_texts))  # (1600, 16) token ids, 0 = padding
x_test = np.asarray(vectorize(test_texts))
# --8<-- [end:vectorization]

# --8<-- [start:embedding]
keras.utils.set_random_seed(0)
embedding = keras.layers.Embedding(input_dim=len(vocabulary), output_dim=8, mask_zero=True)
vectors = embedding(x_train[:2])
print("ids", x_train[:2].shape, "-> vectors", tuple(vectors.shape))
print("row of 'good':", np.round(np.asarray(embedding.embeddings)[vocabulary.index("good")], 3))
print("mask of the first review:", np.asarray(embedding.compute_mask(x_train[:1])).astype(int))
# --8<-- [end:embedding]

# --8<-- [start:bag]
bag_of_words = keras.layers.TextVectorization(output_mode="multi_hot")
bag_of_words.adapt(train_texts)
keras.utils.set_random_seed(0)
neuron = keras.Sequential([keras.Input(shape=(bag_of_words.vocabulary_size(),)),
                           keras.layers.Dense(1, activation="sigmoid")])
neuron.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
neuron_history = neuron.fit(np.asarray(bag_of_words(train_texts)), y_train, epochs=10,
                            batch_size=32, validation_split=0.2, verbose=0)
print("bag of words, test accuracy:",
      round(neuron.evaluate(np.asarray(bag_of_words(test_texts)), y_test, verbose=0)[1], 3))
# --8<-- [end:bag]

# --8<-- [start:lstm]
keras.utils.set_random_seed(0)
lstm_net = keras.Sequential([
    keras.Input(shape=(16,), dtype="int32"),
    keras.layers.Embedding(len(vocabulary), 16, mask_zero=True),
    keras.layers.LSTM(16),                  # the last state h_T of each review
    keras.layers.Dense(1, activation="sigmoid"),
])
lstm_net.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),  # 10 x the default
                 loss="binary_crossentropy", metrics=["accuracy"])
lstm_history = lstm_net.fit(x_train, y_train, epochs=10, batch_size=32,
                            validation_split=0.2, verbose=2)
print("LSTM, test accuracy:", round(lstm_net.evaluate(x_test, y_test, verbose=0)[1], 3))
# --8<-- [end:lstm]

# --8<-- [start:bidirectional]
keras.utils.set_random_seed(0)
bi_net = keras.Sequential([
    keras.Input(shape=(16,), dtype="int32"),
    keras.layers.Embedding(len(vocabulary), 16, mask_zero=True),
    keras.layers.Bidirectional(keras.layers.LSTM(8)),  # 8 forward + 8 backward units
    keras.layers.Dense(1, activation="sigmoid"),
])
bi_net.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
               loss="binary_crossentropy", metrics=["accuracy"])
bi_history = bi_net.fit(x_train, y_train, epochs=10, batch_size=32, validation_split=0.2,
                        verbose=0)
print("Bidirectional LSTM, test accuracy:",
      round(bi_net.evaluate(x_test, y_test, verbose=0)[1], 3))
bi_net.summary()
# --8<-- [end:bidirectional]

# --8<-- [start:end-to-end]
reader = keras.Sequential([keras.Input(shape=(1,), dtype="string"), vectorize, lstm_net])
new = ["the music was not boring.", "honestly the plot was not good.",
       "the ending was moving, in my opinion."]
for text, score in zip(new, reader.predict(np.array(new), verbose=0)[:, 0]):
    print(f"{score:.3f}  {text}")
# --8<-- [end:end-to-end]

# --8<-- [start:plot]
import matplotlib.pyplot as plt

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
epochs = np.arange(1, 11)
for history, label in [(neuron_history, "bag of words + Dense(1)"),
                       (lstm_history, "Embedding + LSTM(16)"),
                       (bi_history, "Embedding + Bidirectional(LSTM(8))")]:
    left.plot(epochs, history.history["val_accuracy"], marker=".", label=label)
left.set_xlabel("epoch")
left.set_ylabel("validation accuracy")
left.set_title("Reading in order: the bag of words stays at chance")
left.legend()

table = np.asarray(lstm_net.layers[0].embeddings)   # the trained embedding, one row per token
words = POSITIVE + NEGATIVE + ["not", "was", "the", "film", "music"]
rows = table[[vocabulary.index(w) for w in words]]
centered = rows - rows.mean(axis=0)
_, _, components = np.linalg.svd(centered, full_matrices=False)
xy = centered @ components[:2].T                     # projection on the 2 main directions
groups = [(POSITIVE, "tab:green", "positive adjectives"),
          (NEGATIVE, "tab:red", "negative adjectives"),
          (words[-5:], "tab:gray", "other words")]
start = 0
for group, color, label in groups:
    right.scatter(xy[start:start + len(group), 0], xy[start:start + len(group), 1],
                  c=color, label=label)
    start += len(group)
for (px, py), word in zip(xy, words):
    if word in ("good", "awful") or word in words[-5:]:
        right.annotate(word, (px, py), textcoords="offset points", xytext=(4, 3))
right.legend()
right.set_title("The LSTM's word vectors, projected on 2 principal axes")
fig.savefig("text_training.png", dpi=100, bbox_inches="tight")
# --8<-- [end:plot]
