"""Write ``losses.npz``: what Keras 3's losses return on fixed inputs, in float64.

Run from the repository root, in an environment with Keras 3 and JAX (not keraslite)::

    KERAS_BACKEND=jax /path/to/kvenv/bin/python tests/golden/generate_losses.py

Inputs are stored once, under ``inputsNN/y_true`` and ``inputsNN/y_pred``, with the sample
weights ``sw`` (shape (n,)) and ``sw_column`` (n, 1). ``cases`` holds a JSON list of
``{"id", "kind": "fn" | "cls", "name", "kwargs", "inputs", "reduction", "sample_weight"}``, one
per call: ``keras.losses.<name>(y_true, y_pred, **kwargs)`` for "fn",
``keras.losses.<name>(reduction=..., **kwargs)(y_true, y_pred, sample_weight=...)`` for "cls";
Keras' result is ``expected[offset:offset + size].reshape(shape)``.
``identifiers`` and ``resolves_to`` record the names ``keras.losses.get`` accepts, and
``crossentropy_*`` what ``loss="crossentropy"`` resolves to for a few shape pairs.
"""

import json
import os
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ["JAX_ENABLE_X64"] = "1"

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras.src.losses import ALL_OBJECTS_DICT  # noqa: E402
from keras.src.trainers.compile_utils import get_loss  # noqa: E402

keras.config.set_floatx("float64")
OUT = Path(__file__).resolve().parent / "losses.npz"
N, D, K = 6, 3, 4
R = np.random.default_rng(20240611)


def normal(*shape):
    return R.standard_normal(shape)


def probs(*shape, low=0.05):
    p = R.uniform(low, 1.0, shape)
    return p / p.sum(-1, keepdims=True)


def onehot(labels, k=K):
    return np.eye(k)[labels]


LABELS = R.integers(0, K, N)
BINARY = (R.random((N, D)) > 0.5) * 1.0
SIGNED = BINARY * 2 - 1
REG_T, REG_P = normal(N, D), normal(N, D)
SW = R.uniform(0.1, 2.0, N)

# (name, y_true, y_pred, kwargs) per function; every one is also run through its class.
FUNCTION_CASES = [
    ("mean_squared_error", REG_T, REG_P, {}),
    ("mean_absolute_error", REG_T, REG_P, {}),
    ("mean_absolute_percentage_error", REG_T, REG_P, {}),
    ("mean_absolute_percentage_error", np.where(REG_T > 1.0, 0.0, REG_T), REG_P, {}),
    ("mean_squared_logarithmic_error", np.abs(REG_T) * 3, REG_P * 2, {}),
    ("huber", REG_T, REG_P * 2, {}),
    ("huber", REG_T, REG_P * 2, {"delta": 0.5}),
    ("log_cosh", REG_T, REG_P * 3, {}),
    ("log_cosh", REG_T, REG_P * 40, {}),
    ("cosine_similarity", REG_T, REG_P, {}),
    ("cosine_similarity", np.vstack([REG_T[:-1], np.zeros((1, D))]), REG_P, {}),
    ("cosine_similarity", REG_T, REG_P, {"axis": 0}),
    ("hinge", BINARY, REG_P, {}),
    ("hinge", SIGNED, REG_P, {}),
    ("hinge", R.uniform(-1, 1, (N, D)), REG_P, {}),
    ("squared_hinge", BINARY, REG_P, {}),
    ("squared_hinge", SIGNED, REG_P, {}),
    ("categorical_hinge", onehot(LABELS), normal(N, K), {}),
    ("kl_divergence", probs(N, K), probs(N, K), {}),
    ("kl_divergence", onehot(LABELS), probs(N, K), {}),
    ("poisson", R.poisson(2.0, (N, D)) * 1.0, R.uniform(0.2, 4.0, (N, D)), {}),
    ("binary_crossentropy", BINARY, R.uniform(0.02, 0.98, (N, D)), {}),
    ("binary_crossentropy", BINARY, normal(N, D) * 3, {"from_logits": True}),
    ("binary_crossentropy", BINARY, R.uniform(0.02, 0.98, (N, D)), {"label_smoothing": 0.2}),
    ("binary_crossentropy", R.random((N, D)), normal(N, D) * 3,
     {"from_logits": True, "label_smoothing": 0.1}),
    ("categorical_crossentropy", onehot(LABELS), R.uniform(0.1, 2.0, (N, K)), {}),
    ("categorical_crossentropy", onehot(LABELS), normal(N, K) * 2, {"from_logits": True}),
    ("categorical_crossentropy", onehot(LABELS), probs(N, K), {"label_smoothing": 0.1}),
    ("categorical_crossentropy", probs(N, K), normal(N, K) * 2,
     {"from_logits": True, "label_smoothing": 0.3}),
    ("sparse_categorical_crossentropy", LABELS, probs(N, K), {}),
    ("sparse_categorical_crossentropy", LABELS[:, None], normal(N, K) * 2, {"from_logits": True}),
    ("binary_focal_crossentropy", BINARY, R.uniform(0.02, 0.98, (N, D)), {}),
    ("binary_focal_crossentropy", BINARY, normal(N, D) * 3, {"from_logits": True}),
    ("binary_focal_crossentropy", BINARY, R.uniform(0.02, 0.98, (N, D)),
     {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5}),
    ("binary_focal_crossentropy", BINARY, normal(N, D) * 3,
     {"apply_class_balancing": True, "from_logits": True, "label_smoothing": 0.2, "gamma": 3.0}),
    ("categorical_focal_crossentropy", onehot(LABELS), probs(N, K), {}),
    ("categorical_focal_crossentropy", onehot(LABELS), normal(N, K) * 2, {"from_logits": True}),
    ("categorical_focal_crossentropy", onehot(LABELS), R.uniform(0.1, 2.0, (N, K)),
     {"alpha": [0.1, 0.2, 0.3, 0.4], "gamma": 1.0, "label_smoothing": 0.1}),
]
CLASS_OF = {
    "mean_squared_error": "MeanSquaredError",
    "mean_absolute_error": "MeanAbsoluteError",
    "mean_absolute_percentage_error": "MeanAbsolutePercentageError",
    "mean_squared_logarithmic_error": "MeanSquaredLogarithmicError",
    "huber": "Huber",
    "log_cosh": "LogCosh",
    "cosine_similarity": "CosineSimilarity",
    "hinge": "Hinge",
    "squared_hinge": "SquaredHinge",
    "categorical_hinge": "CategoricalHinge",
    "kl_divergence": "KLDivergence",
    "poisson": "Poisson",
    "binary_crossentropy": "BinaryCrossentropy",
    "categorical_crossentropy": "CategoricalCrossentropy",
    "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
    "binary_focal_crossentropy": "BinaryFocalCrossentropy",
    "categorical_focal_crossentropy": "CategoricalFocalCrossentropy",
}
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"]
# Class-only cases: Keras' rank matching, masking by ignore_class, per-step weights.
CLASS_CASES = [
    ("BinaryCrossentropy", BINARY[:, 0], R.uniform(0.02, 0.98, (N, 1)), {}),
    ("MeanSquaredError", REG_T[:, :1], REG_P[:, 0], {}),
    ("Hinge", SIGNED[:, 0], REG_P[:, :1], {}),
    ("SparseCategoricalCrossentropy", np.where(LABELS == 1, 7, LABELS), normal(N, K),
     {"from_logits": True, "ignore_class": 7}),
    ("MeanAbsoluteError", normal(N, 5, D), normal(N, 5, D), {}),
]


def _weights(kwargs, y_true):
    """Which stored sample weights a case uses: (n, 1) weights against (n, 5) loss values; none
    for the cosine similarity along the batch axis (one loss per feature, not per sample).
    """
    if kwargs.get("axis") == 0:
        return None
    return "sw_column" if np.ndim(y_true) == 3 else "sw"


EXPECTED = []


def _case(cases, out, kind, name, kwargs, group, reduction=None, weights=None):
    """Run one call in Keras; store its output and a description (inputs are stored once)."""
    case_id = f"{len(cases):03d}-{kind}-{name}"
    y_true, y_pred = out[f"{group}/y_true"], out[f"{group}/y_pred"]
    sw = None if weights is None else out[weights]
    if kind == "fn":
        value = getattr(keras.losses, name)(y_true, y_pred, **kwargs)
    else:
        loss = getattr(keras.losses, name)(reduction=reduction, **kwargs)
        value = loss(y_true, y_pred, sample_weight=sw)
    value = np.asarray(value)
    assert value.dtype == np.float64, "Keras computed in float32: is JAX_ENABLE_X64 set?"
    cases.append({"id": case_id, "kind": kind, "name": name, "kwargs": kwargs,
                  "inputs": group, "reduction": reduction, "sample_weight": weights,
                  "shape": list(value.shape), "offset": sum(v.size for v in EXPECTED)})
    EXPECTED.append(value.reshape(-1))


def _runs(cases, out, kind, name, kwargs, group, weights):
    """The class under every reduction, without and (unless ``weights`` is None) with them."""
    for reduction in REDUCTIONS:
        for w in (None, weights) if weights is not None else (None,):
            _case(cases, out, kind, name, kwargs, group, reduction, w)


def main():
    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    cases, out = [], {"sw": SW, "sw_column": SW[:, None]}
    for i, (name, y_true, y_pred, kwargs) in enumerate(FUNCTION_CASES + CLASS_CASES):
        group = f"inputs{i:02d}"
        out[f"{group}/y_true"] = np.asarray(y_true)
        out[f"{group}/y_pred"] = np.asarray(y_pred, np.float64)
        if i < len(FUNCTION_CASES):
            _case(cases, out, "fn", name, kwargs, group)
            name = CLASS_OF[name]
        _runs(cases, out, "cls", name, kwargs, group, _weights(kwargs, y_true))
    out["expected"] = np.concatenate(EXPECTED)
    out["cases"] = np.asarray(json.dumps(cases))
    names = sorted(ALL_OBJECTS_DICT)
    out["identifiers"] = np.asarray(names)
    out["resolves_to"] = np.asarray([ALL_OBJECTS_DICT[n].__name__ for n in names])
    shapes = [((N,), (N, 1)), ((N, 1), (N, 1)), ((N,), (N, K)), ((N, 1), (N, K)),
              ((N, K), (N, K)), ((N, 5), (N, 5, K)), ((N, 5, 1), (N, 5, K))]
    out["crossentropy_shapes"] = np.asarray(json.dumps(shapes))
    out["crossentropy_resolves_to"] = np.asarray(
        [get_loss("crossentropy", np.zeros(t), np.zeros(p)).fn.__name__ for t, p in shapes])
    out["keras_version"] = np.asarray(keras.__version__)
    np.savez_compressed(OUT, **out)
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
