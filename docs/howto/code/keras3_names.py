"""Record the public names of real Keras 3 in keras3_names.json (run with Keras installed).

    KERAS_BACKEND=jax /path/to/keras-venv/bin/python docs/howto/code/keras3_names.py

api_coverage.py compares them with what keraslite serves as ``keras``; the differences page
shows the result. This script never imports keraslite.
"""

import json
import types
from pathlib import Path

import keras

MODULES = ["activations", "callbacks", "config", "constraints", "datasets", "initializers",
           "layers", "losses", "metrics", "models", "ops", "optimizers",
           "optimizers.schedules", "random", "regularizers", "saving", "utils", "applications",
           "preprocessing", "export", "quantizers", "mixed_precision", "distribution", "tree",
           "visualization", "wrappers", "dtype_policies", "backend", "legacy"]


def public(obj):
    names = [n for n in dir(obj) if not n.startswith("_")]
    return (sorted(n for n in names if not isinstance(getattr(obj, n), types.ModuleType)),
            sorted(n for n in names if isinstance(getattr(obj, n), types.ModuleType)))


out = {"keras_version": keras.__version__, "modules": {}}
for path in MODULES:
    obj = keras
    for part in path.split("."):
        obj = getattr(obj, part)
    names, submodules = public(obj)
    out["modules"][path] = {"names": names, "submodules": submodules}
out["top_level"] = sorted(n for n in dir(keras) if not n.startswith("_"))
target = Path(__file__).with_name("keras3_names.json")
target.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
print(f"wrote {target} (Keras {keras.__version__})")
