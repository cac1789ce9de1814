"""Report an interpreter's versions, BLAS and threads after importing a peer's library.

Usage: python probe.py keraslite|keras|torch|sklearn|numpy
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
import warnings

import numpy as np
from common import emit

warnings.simplefilter("ignore")


def blas_pools():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    return [
        {k: d.get(k) for k in ("user_api", "internal_api", "prefix", "version", "architecture",
                               "num_threads", "threading_layer")}
        for d in threadpool_info()
    ]


def main():
    lib = sys.argv[1]
    info = {"python": platform.python_version(), "executable": sys.executable,
            "numpy": np.__version__}
    if lib == "keraslite":
        import keraslite
        info["keraslite"] = getattr(keraslite, "__version__", "?")
        info["keraslite_file"] = keraslite.__file__
        info["engine"] = "NumPy"
    elif lib == "keras":
        keras = importlib.import_module("keras")
        info["keras"] = keras.__version__
        backend = keras.backend.backend()
        info["backend"] = backend
        if backend == "jax":
            import jax
            import jaxlib
            info["jax"] = jax.__version__
            info["jaxlib"] = jaxlib.__version__
            info["devices"] = [str(d) for d in jax.devices()]
            info["engine"] = "XLA:CPU (jaxlib; its own GEMM kernels, no BLAS library)"
        elif backend == "tensorflow":
            import tensorflow as tf
            info["tensorflow"] = tf.__version__
            info["devices"] = [d.name for d in tf.config.list_physical_devices()]
            onednn = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default (on for x86)")
            info["engine"] = f"TensorFlow CPU kernels (Eigen; oneDNN: {onednn})"
    elif lib == "torch":
        import torch
        info["torch"] = torch.__version__
        info["cuda"] = torch.version.cuda
        info["torch_threads"] = torch.get_num_threads()
        config = torch.__config__.show()
        blas = [part.split("=", 1)[1] for line in config.splitlines()
                for part in line.replace(",", " ").split() if part.startswith("BLAS_INFO=")]
        mkldnn = torch.backends.mkldnn.is_available()
        info["engine"] = f"ATen CPU (BLAS_INFO={blas[0] if blas else '?'}, oneDNN={mkldnn})"
    elif lib == "sklearn":
        import scipy
        import sklearn
        from sklearn.neural_network import MLPClassifier  # noqa: F401
        info["scikit-learn"] = sklearn.__version__
        info["scipy"] = scipy.__version__
        info["engine"] = "NumPy/SciPy BLAS (safe_sparse_dot -> numpy matmul)"
    elif lib == "numpy":
        info["engine"] = "NumPy"
    info["blas"] = blas_pools()
    info["env"] = {k: os.environ.get(k) for k in (
        "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
        "MKL_NUM_THREADS", "KERAS_BACKEND", "XLA_FLAGS")}
    emit(info)


if __name__ == "__main__":
    main()
