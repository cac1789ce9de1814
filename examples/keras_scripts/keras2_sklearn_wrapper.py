"""A Keras 2 course script: 3-fold cross-validation and a small grid search of a Keras model
through scikit-learn, with Keras 2's `keras.wrappers.scikit_learn.KerasClassifier`.

keraslite runs it unchanged, noting once that Keras 3 calls the wrapper
`keras.wrappers.SKLearnClassifier`. Needs scikit-learn.
"""

import numpy as np
from keras.layers import Dense, Input
from keras.models import Sequential
from keras.wrappers.scikit_learn import KerasClassifier
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score

rng = np.random.default_rng(7)
X = rng.normal(size=(240, 8)).astype("float32")
Y = (X[:, 0] + 0.5 * X[:, 1] - X[:, 2] > 0).astype(int)


def create_model(neurons=12, optimizer="adam"):
    model = Sequential()
    model.add(Input(shape=(8,)))
    model.add(Dense(neurons, activation="relu"))
    model.add(Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    return model


model = KerasClassifier(build_fn=create_model, epochs=30, batch_size=16, verbose=0)
kfold = StratifiedKFold(n_splits=3, shuffle=True, random_state=7)
results = cross_val_score(model, X, Y, cv=kfold)
print(f"cross-validated accuracy: {results.mean():.2f} (+/- {results.std():.2f})")

grid = GridSearchCV(model, {"neurons": [2, 12]}, cv=kfold)
grid_result = grid.fit(X, Y)
print(f"best: {grid_result.best_score_:.2f} using {grid_result.best_params_}")
