"""Tutorial 2: the gradient of a two-layer network by hand (NumPy), then by GradientTape,
then checked numerically.
"""
# --8<-- [start:setup]
import numpy as np

rng = np.random.default_rng(0)
X = rng.normal(size=(8, 2))                 # 8 samples, 2 features
y = rng.integers(0, 2, size=(8, 1)).astype("float64")
W1, b1 = rng.normal(size=(2, 3)), np.zeros(3)   # layer 1: 2 inputs -> 3 neurons
W2, b2 = rng.normal(size=(3, 1)), np.zeros(1)   # layer 2: 3 inputs -> 1 neuron


def sigmoid(z):
    return 1 / (1 + np.exp(-z))
# --8<-- [end:setup]


# --8<-- [start:forward]
z1 = X @ W1 + b1          # (8, 3)  weighted inputs of layer 1
h = sigmoid(z1)           # (8, 3)  f1(x)
z2 = h @ W2 + b2          # (8, 1)  weighted inputs of layer 2
p = sigmoid(z2)           # (8, 1)  f2(f1(x)), the predicted probabilities
loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
print(f"loss = {loss:.6f}")
# --8<-- [end:forward]

# --8<-- [start:backward]
N = len(X)
d_z2 = (p - y) / N                 # dL/dz2: sigmoid and cross-entropy together
d_W2 = h.T @ d_z2                  # dL/dW2 = hᵀ · dL/dz2
d_b2 = d_z2.sum(axis=0)            # dL/db2: the bias is added to every sample
d_h = d_z2 @ W2.T                  # dL/dh: back through the weights of layer 2
d_z1 = d_h * h * (1 - h)           # dL/dz1: times σ'(z1) = σ(z1)(1 - σ(z1))
d_W1 = X.T @ d_z1                  # dL/dW1 = Xᵀ · dL/dz1
d_b1 = d_z1.sum(axis=0)
print("dL/dW1 by hand:\n", d_W1.round(6))
# --8<-- [end:backward]

# --8<-- [start:tape]
import keraslite as keras

keras.config.set_floatx("float64")  # compare in double precision
model = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(3, activation="sigmoid"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.set_weights([W1, b1, W2, b2])  # the very same weights

with keras.GradientTape() as tape:
    p_keras = model(X)
    loss_keras = keras.ops.mean(keras.losses.binary_crossentropy(y, p_keras))
grads = tape.gradient(loss_keras, model.trainable_variables)  # [dW1, db1, dW2, db2]

print(f"loss from keraslite = {float(loss_keras):.6f}")
print("dL/dW1 from GradientTape:\n", np.asarray(grads[0]).round(6))
for name, mine, tapes in zip(["W1", "b1", "W2", "b2"], [d_W1, d_b1, d_W2, d_b2], grads):
    print(f"{name}: largest difference {np.abs(mine - np.asarray(tapes)).max():.1e}")
# --8<-- [end:tape]

# --8<-- [start:graph]
a = keras.Variable(np.array([1.0, 2.0]))
b = keras.Variable(np.array([3.0, -1.0]))
with keras.GradientTape() as tape:
    c = a * b                    # a Tensor that remembers its parents a and b
    s = keras.ops.sum(c)
print("parents of c are a and b:", c.parents[0] is a, c.parents[1] is b)
print("c.vjp(ones) =", c.vjp(np.ones(2)))   # (dc/da · 1, dc/db · 1) = (b, a)
print("ds/da, ds/db =", [np.asarray(g) for g in tape.gradient(s, [a, b])])
# --8<-- [end:graph]

# --8<-- [start:numerical]
def loss_of(W1_):
    """The loss as a function of W1 alone, in plain NumPy."""
    p_ = sigmoid(sigmoid(X @ W1_ + b1) @ W2 + b2)
    return -np.mean(y * np.log(p_) + (1 - y) * np.log(1 - p_))


eps = 1e-6
numerical = np.zeros_like(W1)
for i in range(W1.shape[0]):
    for j in range(W1.shape[1]):
        step = np.zeros_like(W1)
        step[i, j] = eps
        numerical[i, j] = (loss_of(W1 + step) - loss_of(W1 - step)) / (2 * eps)
print(f"central differences vs by hand: {np.abs(numerical - d_W1).max():.1e}")
# --8<-- [end:numerical]

# --8<-- [start:gradcheck]
from keraslite.autodiff.gradcheck import check_gradients


def network(X_, W1_, b1_, W2_, b2_):
    """The same network written with keraslite.ops: every op records its gradient."""
    ops = keras.ops
    h_ = ops.sigmoid(ops.matmul(X_, W1_) + b1_)
    return ops.sigmoid(ops.matmul(h_, W2_) + b2_)


check_gradients(network, [X, W1, b1, W2, b2])  # raises AssertionError on a mismatch
print("check_gradients: the backward pass matches central differences")
# --8<-- [end:gradcheck]
