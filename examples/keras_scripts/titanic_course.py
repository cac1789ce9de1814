"""The course's Titanic exercise, done right: pandas preprocessing, then a sound network.

The data is Kaggle's Titanic train.csv (pass its path; by default the copy bundled with
keraslite). Compared with the exercise, the inputs are standardized and the output layer is
Dense(1, activation="sigmoid"): the exercise's Dense(1, activation="softmax") always outputs 1.0.
"""

import sys

import numpy as np
import pandas as pd
from tensorflow import keras

if len(sys.argv) > 1:
    csv = sys.argv[1]
else:
    from keraslite.datasets import titanic

    csv = titanic.path()

df = pd.read_csv(csv).drop(["Name", "PassengerId"], axis=1)
for column in ["Sex", "Cabin", "Ticket", "Embarked"]:
    df[column], _ = pd.factorize(df[column])
df = df.dropna()  # dropna() returns a new DataFrame: keep it
x = df.drop("Survived", axis=1).to_numpy("float32")
y = df["Survived"].to_numpy("float32")

rng = np.random.RandomState(0)
order = rng.permutation(len(x))
test, train = order[:72], order[72:]
mean, std = x[train].mean(axis=0), x[train].std(axis=0)
x = (x - mean) / std

keras.utils.set_random_seed(0)
model = keras.Sequential([
    keras.Input(shape=(x.shape[1],)),
    keras.layers.Dense(20, activation="sigmoid"),
    keras.layers.Dense(10, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x[train], y[train], epochs=15, batch_size=25, verbose=0)
predicted = (model.predict(x[test], verbose=0).ravel() >= 0.5)
truth = y[test] == 1
precision = (predicted & truth).sum() / max(predicted.sum(), 1)
recall = (predicted & truth).sum() / max(truth.sum(), 1)
print(f"rows: {len(df)}, precision: {precision:.3f}, recall: {recall:.3f}")
assert 0 < predicted.sum() < len(predicted), "the network should not predict one class only"
