"""Golden file ``stateful.npz`` for stateful RNNs, from real Keras 3 (eager calls).

Keras 3 on JAX carries a stateful RNN's states across eager calls (``model(x)``) but not across
``predict``/``fit`` batches (its jitted steps drop the state updates), so the reference is a
sequence of eager calls: two calls (the second continues from the first's states), a reset,
and a third call equal to the first. Run like ``generate.py``.
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import keras  # noqa: E402
import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from rnn_specs import lstm_stateful, rnn_data  # noqa: E402


def main():
    keras.utils.set_random_seed(0)
    model = lstm_stateful(keras)
    x, _ = rnn_data("lstm_stateful")
    out = {"x": x}
    for i, w in enumerate(model.get_weights()):
        out[f"w_in_{i}"] = w
    out["call_0"] = np.asarray(model(x))
    out["call_1"] = np.asarray(model(x))
    out["state_1"] = np.asarray(model.layers[0].states[1])
    for layer in model.layers[:2]:
        layer.reset_states()
    out["call_2"] = np.asarray(model(x))
    out["keras_version"] = np.asarray(keras.__version__)
    np.savez_compressed(HERE / "stateful.npz", **out)


if __name__ == "__main__":
    main()
