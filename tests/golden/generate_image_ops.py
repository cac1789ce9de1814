"""Golden outputs of keras.ops.image.resize / extract_patches from real Keras 3 (JAX backend).

Run: KERAS_BACKEND=jax /path/to/kvenv/bin/python tests/golden/generate_image_ops.py \
        tests/golden/image_ops.npz
"""

import os
import sys

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

rng = np.random.default_rng(0)
out = {}
x = rng.random((2, 9, 7, 3)).astype("float32")
out["x"] = x
resize = keras.ops.image.resize
patches = keras.ops.image.extract_patches
for interp in ["bilinear", "nearest", "bicubic", "lanczos3"]:
    for aa in [False, True]:
        for size in [(4, 5), (15, 11), (9, 3)]:
            out[f"r_{interp}_{aa}_{size}"] = np.asarray(
                resize(x, size, interpolation=interp, antialias=aa))
out["crop"] = np.asarray(resize(x, (4, 8), crop_to_aspect_ratio=True))
out["pad"] = np.asarray(resize(x, (4, 8), pad_to_aspect_ratio=True, fill_value=0.5))
out["cf"] = np.asarray(resize(x.transpose(0, 3, 1, 2), (5, 4), data_format="channels_first"))
for args in [((2, 2), None, 1, "valid"), ((3, 3), (1, 1), 1, "same"),
             ((3, 2), (2, 1), 1, "same"), ((2, 2), 1, (2, 2), "valid"),
             ((3, 3), (2, 2), 1, "valid")]:
    out["p_" + str(args)] = np.asarray(patches(x, *args))
    out["pcf_" + str(args)] = np.asarray(
        patches(x.transpose(0, 3, 1, 2), *args, data_format="channels_first"))
v = rng.random((2, 6, 5, 4, 2)).astype("float32")
out["v"] = v
out["p3"] = np.asarray(patches(v, (2, 2, 2)))
np.savez(sys.argv[1], **out)
