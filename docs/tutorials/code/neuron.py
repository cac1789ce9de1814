"""Tutorial 1: a neuron is logistic regression.

One Dense(1, activation="sigmoid") unit and scikit-learn's LogisticRegression, trained on the
same data, find the same weights and the same decision boundary. Writes sigmoid.png and
neuron_boundary.png.
"""
# --8<-- [start:sigmoid]
import matplotlib.pyplot as plt
import numpy as np

t = np.linspace(-6, 6, 200)
fig, ax = plt.subplots(figsize=(6, 3.5))
for a, b in [(1, 0), (3, 0), (1, 2), (-1, 0)]:
    ax.plot(t, 1 / (1 + np.exp(-(a * t + b))), label=f"a={a}, b={b}")
ax.axhline(0.5, color="gray", lw=0.5)
ax.set_xlabel("x")
ax.set_ylabel("σ(ax + b)")
ax.legend()
fig.savefig("sigmoid.png", dpi=100, bbox_inches="tight")
# --8<-- [end:sigmoid]

# --8<-- [start:data]
rng = np.random.default_rng(0)
n = 200  # points per class
x = np.concatenate([
    rng.normal(loc=[-1.0, -0.5], scale=1.0, size=(n, 2)),  # class 0
    rng.normal(loc=[1.0, 0.5], scale=1.0, size=(n, 2)),    # class 1
]).astype("float32")
y = np.concatenate([np.zeros(n), np.ones(n)]).astype("float32")
print("x:", x.shape, "y:", y.shape)
# --8<-- [end:data]

# --8<-- [start:sklearn]
from sklearn.linear_model import LogisticRegression

logreg = LogisticRegression(C=1e6)  # (almost) no regularization: plain maximum likelihood
logreg.fit(x, y)
w_sklearn, b_sklearn = logreg.coef_[0], logreg.intercept_[0]
print("scikit-learn: w =", w_sklearn.round(3), " b =", round(b_sklearn, 3))
# --8<-- [end:sklearn]

# --8<-- [start:neuron]
import keraslite as keras

keras.utils.set_random_seed(0)
neuron = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(1, activation="sigmoid"),  # f(x) = σ(w·x + b)
])
neuron.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05),
               loss="binary_crossentropy", metrics=["accuracy"])
neuron.fit(x, y, epochs=300, batch_size=len(x), verbose=0)  # one step per epoch

kernel, bias = neuron.layers[0].get_weights()  # shapes (2, 1) and (1,)
w_keras, b_keras = kernel[:, 0], bias[0]
print("keraslite:    w =", w_keras.round(3), " b =", round(float(b_keras), 3))
# --8<-- [end:neuron]

# --8<-- [start:compare]
p_sklearn = logreg.predict_proba(x)[:, 1]
p_keras = neuron.predict(x, verbose=0)[:, 0]
print("largest difference between the two probabilities:", np.abs(p_sklearn - p_keras).max())
print("same class for every point:", np.array_equal(p_sklearn > 0.5, p_keras > 0.5))
# --8<-- [end:compare]

# --8<-- [start:plot]
fig, ax = plt.subplots(figsize=(6, 5))
ax.scatter(*x[y == 0].T, s=12, alpha=0.6, label="class 0")
ax.scatter(*x[y == 1].T, s=12, alpha=0.6, label="class 1")
x1 = np.linspace(x[:, 0].min(), x[:, 0].max(), 2)
# The boundary is where σ(w·x + b) = 0.5, that is w1·x1 + w2·x2 + b = 0.
ax.plot(x1, -(w_sklearn[0] * x1 + b_sklearn) / w_sklearn[1], "k-", lw=3,
        label="scikit-learn LogisticRegression")
ax.plot(x1, -(w_keras[0] * x1 + b_keras) / w_keras[1], "--", color="gold", lw=2,
        label="keraslite Dense(1, sigmoid)")
ax.set_ylim(x[:, 1].min() - 0.5, x[:, 1].max() + 0.5)
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_title("Same data, same decision boundary")
ax.legend(loc="lower right")
fig.savefig("neuron_boundary.png", dpi=100, bbox_inches="tight")
# --8<-- [end:plot]
