"""Golden outputs of Keras 3's augmentation layers with degenerate factor ranges (lower ==
upper, so the "random" transform is fixed and comparable across libraries).

Run: KERAS_BACKEND=jax /path/to/kvenv/bin/python tests/golden/generate_image_layers.py \
        tests/golden/image_layers.npz
"""

import os
import sys

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
from image_layer_specs import SPECS  # noqa: E402

rng = np.random.default_rng(2)
x = (rng.random((2, 9, 8, 3)) * 255).astype("float32")
out = {"x": x}
for name, (cls, kwargs) in SPECS.items():
    layer = getattr(keras.layers, cls)(**kwargs)
    out[name] = np.asarray(layer(x, training=True))
np.savez(sys.argv[1], **out)
