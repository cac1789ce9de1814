"""Tutorial 5: the Titanic exercise, from the CSV file to precision, recall and F1; the 1-unit
softmax trap and its diagnosis; a network that beats the trivial F1 of 0.56.

Writes titanic_accuracy.png.
"""
# --8<-- [start:csv]
import warnings

import numpy as np
import pandas as pd

import keraslite as keras

df = pd.read_csv(keras.datasets.titanic.path())  # the CSV bundled with keraslite
print(df.shape)
print(df.head(3).to_string(max_colwidth=18))
print("missing values:", df.isna().sum()[lambda s: s > 0].to_dict())
# --8<-- [end:csv]

# --8<-- [start:prepare]
from sklearn.model_selection import train_test_split

df = df.drop(["Name", "PassengerId"], axis=1)
for column in ["Sex", "Cabin", "Ticket", "Embarked"]:
    df[column], _ = pd.factorize(df[column])  # text -> integer codes (-1 where missing)
df = df.dropna()                              # drops the rows without an Age
x, y = df.drop("Survived", axis=1), df["Survived"]
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.1, random_state=0)
print("train:", x_train.shape, " test:", x_test.shape)
print("survival rate in the test set:", round(y_test.mean(), 3))
# --8<-- [end:prepare]

# --8<-- [start:load_data]
(x_train2, y_train2), (x_test2, y_test2) = keras.datasets.titanic.load_data()
print("same rows as load_data():", np.allclose(x_train2, x_train), np.allclose(x_test2, x_test))
# --8<-- [end:load_data]

# --8<-- [start:exercise]
keras.utils.set_random_seed(0)
exercise_net = keras.Sequential([
    keras.Input(shape=(9,)),
    keras.layers.Dense(10, activation="softmax"),
    keras.layers.Dense(1, activation="softmax"),
])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    exercise_net.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    exercise_history = exercise_net.fit(x_train, y_train, epochs=20, batch_size=25, verbose=2)
# --8<-- [end:exercise]

# --8<-- [start:scores]
def scores(y_true, probabilities, threshold=0.5):
    """Precision, recall and F1 of 'survived' predictions, from the confusion counts."""
    truth = np.asarray(y_true).reshape(-1) == 1
    predicted = np.asarray(probabilities).reshape(-1) >= threshold
    tp = np.sum(predicted & truth)    # predicted survived, did survive
    fp = np.sum(predicted & ~truth)   # predicted survived, died
    fn = np.sum(~predicted & truth)   # predicted died, survived
    tn = np.sum(~predicted & ~truth)  # predicted died, died
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"TP={tp} FP={fp} FN={fn} TN={tn}  precision={precision:.3f} "
          f"recall={recall:.3f} F1={f1:.3f}")
    return precision, recall, f1


exercise_prob = exercise_net.predict(x_test, verbose=0)
scores(y_test, exercise_prob)
# --8<-- [end:scores]

# --8<-- [start:sklearn]
from sklearn.metrics import f1_score, precision_score, recall_score

exercise_pred = exercise_prob[:, 0] >= 0.5
print("scikit-learn:", round(precision_score(y_test, exercise_pred), 3),
      round(recall_score(y_test, exercise_pred), 3), round(f1_score(y_test, exercise_pred), 3))
# --8<-- [end:sklearn]

# --8<-- [start:diagnosis]
print("distinct predictions:", np.unique(exercise_prob))
print("loss per epoch:", np.round(exercise_history.history["loss"][:5], 4), "...")

batch = x_train.to_numpy()[:25]
labels = y_train.to_numpy()[:25].reshape(-1, 1)
with keras.GradientTape() as tape:
    loss = keras.ops.mean(keras.losses.binary_crossentropy(labels, exercise_net(batch)))
gradients = tape.gradient(loss, exercise_net.trainable_variables)
print("largest gradient:", max(float(np.abs(np.asarray(g)).max()) for g in gradients))
# --8<-- [end:diagnosis]

# --8<-- [start:warnings]
for warning in caught:
    print(f"[{warning.message.code}] {str(warning.message).splitlines()[0]}")
# --8<-- [end:warnings]

# --8<-- [start:fix]
mean, std = x_train.mean(axis=0), x_train.std(axis=0)  # training statistics only
x_train_std, x_test_std = (x_train - mean) / std, (x_test - mean) / std

keras.utils.set_random_seed(0)
sound_net = keras.Sequential([
    keras.Input(shape=(9,)),
    keras.layers.Dense(20, activation="sigmoid"),
    keras.layers.Dense(10, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),  # a probability: σ(z), not a 1-unit softmax
])
sound_net.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
sound_history = sound_net.fit(x_train_std, y_train, epochs=30, batch_size=25, verbose=0)
sound_prob = sound_net.predict(x_test_std, verbose=0)
precision, recall, f1 = scores(y_test, sound_prob)
print("F1 above 0.56:", f1 > 0.56)
# --8<-- [end:fix]

# --8<-- [start:plot]
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(range(1, 21), exercise_history.history["accuracy"], marker=".",
        label="exercise net: Dense(1, softmax), raw inputs")
ax.plot(range(1, 31), sound_history.history["accuracy"], marker=".",
        label="Dense(1, sigmoid), standardized inputs")
ax.set_xlabel("epoch")
ax.set_ylabel("training accuracy")
ax.set_title("Titanic: the 1-unit softmax never learns")
ax.legend()
fig.savefig("titanic_accuracy.png", dpi=100, bbox_inches="tight")
# --8<-- [end:plot]
