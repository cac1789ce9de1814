"""Write ``metrics.npz``: what Keras 3's metrics report on fixed inputs (float32, as in training).

Run from the repository root, in an environment with Keras 3 and JAX (not keraslite)::

    KERAS_BACKEND=jax /path/to/kvenv/bin/python tests/golden/generate_metrics.py

Inputs are stored once each, as ``in/<name>`` (float32 unless they hold integer labels). ``cases``
is a JSON list of ``{"id", "cls", "kwargs", "y_true", "y_pred", "sample_weight", "shape",
"offset"}``: Keras' ``keras.metrics.<cls>(**kwargs)`` is updated with rows ``[0:SPLIT]`` and
then ``[SPLIT:]`` of the inputs (and of the sample weights, when named), and its ``result()`` is
``expected[offset:offset + size].reshape(shape)``. ``configs`` holds each class's default
``name`` and ``get_config()`` (JSON), and ``identifiers`` / ``resolves_to`` the strings that
``keras.metrics.get`` accepts and the class each names.
"""

import json
import os
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras.src.metrics import ALL_OBJECTS_DICT  # noqa: E402

OUT = Path(__file__).resolve().parent / "metrics.npz"
N, SPLIT, K, D = 64, 40, 4, 3
R = np.random.default_rng(20240612)
f32 = np.float32


def _probabilities(*shape):
    """Uniform probabilities, with exact edge values (0, 1, 0.5, k/199) planted in."""
    p = R.uniform(0.0, 1.0, shape).astype(f32)
    flat = p.reshape(-1)
    flat[:8] = [0.0, 1.0, 0.5, 0.5, f32(100 / 199), f32(1 / 199), f32(0.3), f32(0.7)]
    return p


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)).astype(f32)


LABELS = R.integers(0, K, N)
INPUTS = {
    "bin_true": (R.random((N, 1)) < 0.4).astype(f32),
    "bin_pred": _probabilities(N, 1),
    "bin_logits": R.normal(0, 2, (N, 1)).astype(f32),
    "multi_true": (R.random((N, D)) < 0.5).astype(f32),
    "multi_pred": _probabilities(N, D),
    "onehot": np.eye(K, dtype=f32)[LABELS],
    "sparse": LABELS.astype(np.int64),
    "scores": _softmax(R.normal(0, 1.5, (N, K))),
    "reg_true": R.normal(0, 1, (N, D)).astype(f32),
    "reg_pred": R.normal(0, 1, (N, D)).astype(f32),
    "pos_true": R.uniform(0.5, 3, (N, D)).astype(f32),
    "pos_pred": R.uniform(0.1, 3, (N, D)).astype(f32),
    "signed": np.where(R.random((N, D)) < 0.5, -1.0, 1.0).astype(f32),
    "seg_true": R.integers(0, K, (N, 5)).astype(np.int64),
    "seg_pred": R.integers(0, K, (N, 5)).astype(np.int64),
    "sw": R.uniform(0.1, 2.0, N).astype(f32),
    "sw_int": R.integers(1, 4, N).astype(f32),
}
INPUTS["argmax"] = INPUTS["scores"].argmax(-1).astype(np.int64)
INPUTS["probs"] = _softmax(R.normal(0, 1, (N, K)))

BIN, MULTI, CAT, SPARSE = ("bin_true", "bin_pred"), ("multi_true", "multi_pred"), (
    "onehot", "scores"), ("sparse", "scores")
REG, POS = ("reg_true", "reg_pred"), ("pos_true", "pos_pred")
# (class, kwargs, (y_true, y_pred), sample weights to try)
CASES = [
    ("Accuracy", {}, ("sparse", "argmax"), (None, "sw")),
    ("BinaryAccuracy", {}, BIN, (None, "sw")),
    ("BinaryAccuracy", {"threshold": 0.7}, MULTI, (None, "sw")),
    ("CategoricalAccuracy", {}, CAT, (None, "sw")),
    ("SparseCategoricalAccuracy", {}, SPARSE, (None, "sw")),
    ("TopKCategoricalAccuracy", {"k": 2}, CAT, (None, "sw")),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, SPARSE, (None, "sw")),
    ("TruePositives", {}, BIN, (None, "sw")),
    ("FalsePositives", {"thresholds": [0.3, 0.5, 0.8]}, MULTI, (None, "sw")),
    ("TrueNegatives", {"thresholds": [0.0, 0.5, 1.0]}, BIN, (None, "sw")),
    ("FalseNegatives", {}, MULTI, (None, "sw")),
    ("Precision", {}, BIN, (None, "sw")),
    ("Precision", {"thresholds": [0.2, 0.6]}, MULTI, (None, "sw")),
    ("Precision", {"top_k": 2}, MULTI, (None, "sw")),
    ("Precision", {"class_id": 1}, MULTI, (None, "sw")),
    ("Recall", {}, BIN, (None, "sw")),
    ("Recall", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, MULTI, (None, "sw")),
    ("Recall", {"top_k": 1, "class_id": 2}, MULTI, (None,)),
    ("AUC", {}, BIN, (None, "sw")),
    ("AUC", {}, MULTI, (None, "sw")),
    ("AUC", {"curve": "PR"}, BIN, (None, "sw")),
    ("AUC", {"curve": "PR"}, MULTI, (None,)),
    ("AUC", {"summation_method": "minoring"}, BIN, (None,)),
    ("AUC", {"summation_method": "majoring", "curve": "PR"}, BIN, (None,)),
    ("AUC", {"curve": "PRGAIN"}, BIN, (None,)),
    ("AUC", {"num_thresholds": 7}, BIN, (None, "sw")),
    ("AUC", {"thresholds": [0.1, 0.4, 0.6, 0.9]}, BIN, (None, "sw")),
    ("AUC", {"multi_label": True}, MULTI, (None, "sw")),
    ("AUC", {"multi_label": True, "label_weights": [1.0, 2.0, 0.5], "curve": "PR"}, MULTI,
     (None,)),
    ("AUC", {"label_weights": [1.0, 2.0, 0.5]}, MULTI, (None,)),
    ("AUC", {"from_logits": True}, ("bin_true", "bin_logits"), (None,)),
    ("PrecisionAtRecall", {"recall": 0.5}, BIN, (None, "sw")),
    ("RecallAtPrecision", {"precision": 0.6}, MULTI, (None, "sw")),
    ("SensitivityAtSpecificity", {"specificity": 0.7}, BIN, (None, "sw")),
    ("SpecificityAtSensitivity", {"sensitivity": 0.6, "num_thresholds": 20}, MULTI, (None,)),
    ("SpecificityAtSensitivity", {"sensitivity": 0.6, "num_thresholds": 1}, BIN, (None,)),
    ("PrecisionAtRecall", {"recall": 0.3, "class_id": 0}, MULTI, (None,)),
    ("F1Score", {}, CAT, (None, "sw")),
    ("F1Score", {"average": "micro"}, CAT, (None, "sw")),
    ("F1Score", {"average": "macro", "threshold": 0.3}, CAT, (None,)),
    ("F1Score", {"average": "weighted"}, CAT, (None, "sw")),
    ("F1Score", {"threshold": 0.5}, MULTI, (None, "sw")),
    ("F1Score", {"threshold": 0.5}, BIN, (None, "sw")),
    ("F1Score", {"average": "macro", "threshold": 0.5}, BIN, (None,)),
    ("FBetaScore", {"beta": 2.0, "threshold": 0.5}, MULTI, (None, "sw")),
    ("FBetaScore", {"beta": 0.5, "average": "weighted"}, CAT, (None,)),
    ("MeanSquaredError", {}, REG, (None, "sw")),
    ("RootMeanSquaredError", {}, REG, (None, "sw")),
    ("MeanAbsoluteError", {}, REG, (None, "sw")),
    ("MeanAbsolutePercentageError", {}, POS, (None, "sw")),
    ("MeanSquaredLogarithmicError", {}, POS, (None, "sw")),
    ("CosineSimilarity", {}, REG, (None, "sw")),
    ("LogCoshError", {}, REG, (None, "sw")),
    ("R2Score", {}, REG, (None, "sw")),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, REG, (None,)),
    ("R2Score", {"class_aggregation": None}, REG, (None, "sw")),
    ("R2Score", {"num_regressors": 2}, ("bin_pred", "bin_logits"), (None,)),
    ("PearsonCorrelation", {}, REG, (None, "sw")),
    ("ConcordanceCorrelation", {}, REG, (None, "sw")),
    ("BinaryCrossentropy", {}, BIN, (None, "sw")),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1},
     ("bin_true", "bin_logits"), (None,)),
    ("CategoricalCrossentropy", {}, CAT, (None, "sw")),
    ("SparseCategoricalCrossentropy", {}, SPARSE, (None, "sw")),
    ("KLDivergence", {}, ("probs", "scores"), (None, "sw")),
    ("Poisson", {}, POS, (None, "sw")),
    ("Hinge", {}, ("signed", "reg_pred"), (None, "sw")),
    ("SquaredHinge", {}, ("multi_true", "reg_pred"), (None,)),
    ("CategoricalHinge", {}, CAT, (None, "sw")),
    ("MeanIoU", {"num_classes": K}, ("sparse", "argmax"), (None, "sw_int")),
    ("MeanIoU", {"num_classes": K, "sparse_y_pred": False}, SPARSE, (None,)),
    ("MeanIoU", {"num_classes": K, "ignore_class": 0}, ("seg_true", "seg_pred"), (None,)),
    ("IoU", {"num_classes": K, "target_class_ids": [0, 2]}, ("seg_true", "seg_pred"), (None,)),
    ("BinaryIoU", {}, BIN, (None,)),
    ("BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, MULTI, (None,)),
    ("OneHotMeanIoU", {"num_classes": K}, CAT, (None,)),
    ("OneHotIoU", {"num_classes": K, "target_class_ids": [1, 3]}, CAT, (None,)),
    ("Mean", {}, ("reg_true", None), (None, "sw")),
    ("Sum", {}, ("reg_true", None), (None, "sw")),
]


def _run(cls, kwargs, y_true, y_pred, sw):
    metric = getattr(keras.metrics, cls)(**kwargs)
    for rows in (slice(0, SPLIT), slice(SPLIT, N)):
        w = None if sw is None else INPUTS[sw][rows]
        if y_pred is None:  # Mean / Sum take values
            metric.update_state(INPUTS[y_true][rows], sample_weight=w)
        else:
            metric.update_state(INPUTS[y_true][rows], INPUTS[y_pred][rows], sample_weight=w)
    return np.asarray(metric.result(), np.float64)


def _configs():
    out = {}
    required = {"MeanIoU": {"num_classes": 3}, "IoU": {"num_classes": 3, "target_class_ids": [0]},
                "OneHotIoU": {"num_classes": 3, "target_class_ids": [0]},
                "OneHotMeanIoU": {"num_classes": 3}, "PrecisionAtRecall": {"recall": 0.5},
                "RecallAtPrecision": {"precision": 0.5},
                "SensitivityAtSpecificity": {"specificity": 0.5},
                "SpecificityAtSensitivity": {"sensitivity": 0.5}}
    for name, cls in sorted(ALL_OBJECTS_DICT.items()):
        if name != cls.__name__ or name in ("Metric", "MeanMetricWrapper"):
            continue
        metric = cls(**required.get(name, {}))
        config = {k: (np.asarray(v).tolist() if hasattr(v, "shape") else v)
                  for k, v in metric.get_config().items()}
        out[name] = {"name": metric.name, "kwargs": required.get(name, {}), "config": config}
    return out


def main():
    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    assert keras.config.floatx() == "float32"
    cases, expected = [], []
    for cls, kwargs, (y_true, y_pred), weights in CASES:
        for sw in weights:
            value = _run(cls, kwargs, y_true, y_pred, sw)
            cases.append({"id": f"{len(cases):03d}-{cls}", "cls": cls, "kwargs": kwargs,
                          "y_true": y_true, "y_pred": y_pred, "sample_weight": sw,
                          "shape": list(value.shape),
                          "offset": int(sum(v.size for v in expected))})
            expected.append(value.reshape(-1))
    out = {f"in/{k}": v for k, v in INPUTS.items()}
    out["split"] = np.asarray(SPLIT)
    out["expected"] = np.concatenate(expected)
    out["cases"] = np.asarray(json.dumps(cases))
    out["configs"] = np.asarray(json.dumps(_configs()))
    names = sorted(ALL_OBJECTS_DICT)
    out["identifiers"] = np.asarray(names)
    out["resolves_to"] = np.asarray([ALL_OBJECTS_DICT[n].__name__ for n in names])
    # Keras' F1Score() (threshold=None) on one sigmoid unit: every row counts as positive.
    f1 = keras.metrics.F1Score()
    f1.update_state(INPUTS["bin_true"], INPUTS["bin_pred"])
    out["f1_one_unit_threshold_none"] = np.asarray(f1.result(), np.float64)
    out["keras_version"] = np.asarray(keras.__version__)
    np.savez_compressed(OUT, **out)
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
