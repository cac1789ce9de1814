"""Write conv_ops.npz: real Keras 3's outputs for the cases in ``conv_op_cases.py``.

    KERAS_BACKEND=jax /path/to/kvenv/bin/python tests/golden/generate_conv_ops.py
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

from conv_op_cases import CASES, inputs  # noqa: E402


def main():
    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    out = {}
    for i, (op, _, kwargs) in enumerate(CASES):
        if op.endswith("_pool") and kwargs.get("strides") is None:
            # Keras 3.15's JAX backend converts a default stride twice (a shape error).
            kwargs = dict(kwargs, strides=kwargs["pool_size"])
        out[f"out_{i}"] = np.asarray(getattr(keras.ops, op)(*inputs(i), **kwargs))
    out["keras_version"] = np.asarray(keras.__version__)
    np.savez_compressed(HERE / "conv_ops.npz", **out)
    print(len(CASES), "cases")


if __name__ == "__main__":
    main()
