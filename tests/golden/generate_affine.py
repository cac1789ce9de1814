"""Golden outputs of keras.ops.image.affine_transform from real Keras 3 (JAX backend).

Run: KERAS_BACKEND=jax /path/to/kvenv/bin/python tests/golden/generate_affine.py \
        tests/golden/image_affine.npz
"""

import os
import sys

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

rng = np.random.default_rng(1)
x = rng.random((3, 7, 6, 2)).astype("float32")
c, s = np.cos(0.4), np.sin(0.4)
t = np.array([[c, -s, 1.5, s, c, -0.7, 0, 0],          # a rotation with a shift
              [1.3, 0, -1.2, 0, 0.8, 1.1, 0, 0],       # a zoom
              [1, 0, -2.6, 0, 1, 3.4, 0, 0]],         # a translation
             dtype="float32")
out = {"x": x, "t": t}
for interp in ["bilinear", "nearest"]:
    for mode in ["constant", "nearest", "wrap", "mirror", "reflect"]:
        out[f"{interp}_{mode}"] = np.asarray(keras.ops.image.affine_transform(
            x, t, interpolation=interp, fill_mode=mode, fill_value=0.25))
np.savez(sys.argv[1], **out)
