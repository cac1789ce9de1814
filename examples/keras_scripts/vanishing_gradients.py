"""Watch gradients vanish in a deep sigmoid network, and not in the same network with relu.

GradientNormLogger records each layer's gradient norm per epoch into the history; keraslite
also warns on its own when the first layer's gradients stay orders of magnitude below the last
layer's (caught and printed here, so the script runs cleanly with warnings as errors).
"""

import warnings

import keras
import numpy as np

rng = np.random.default_rng(0)
x = rng.normal(size=(512, 10)).astype("float32")
y = (x[:, :3].sum(axis=1) > 0).astype("float32")


def train(activation):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(10,))]
                             + [keras.layers.Dense(16, activation=activation) for _ in range(6)]
                             + [keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", keras.KerasliteWarning)
        history = model.fit(x, y, epochs=5, batch_size=64, verbose=0,
                            callbacks=[keras.callbacks.GradientNormLogger()])
    notes = [str(w.message).splitlines()[0] for w in caught]
    return history, notes


for activation in ("sigmoid", "relu"):
    history, notes = train(activation)
    norms = {k.split("/")[1]: v[-1] for k, v in history.history.items()
             if k.startswith("grad_norm/")}
    first, last = list(norms.values())[0], list(norms.values())[-1]
    print(f"{activation}: first/last layer gradient norm after 5 epochs = {first / last:.1e}")
    for note in notes:
        print(f"  keraslite warned: {note}")
    if activation == "sigmoid":
        assert any("Vanishing gradients" in n for n in notes), notes
    else:
        assert not notes, notes
try:
    keras.utils.plot_gradient_norms(history)
    print("plotted (matplotlib)")
except ImportError:
    print("install matplotlib to plot the norms: keras.utils.plot_gradient_norms(history)")
