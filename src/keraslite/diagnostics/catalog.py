"""Every diagnostic keraslite emits, by code: whether it warns or raises, and when it is checked.

docs/diagnostics.md documents each entry with its message; tests/test_diagnostics.py
reproduces each one.
"""

from __future__ import annotations

from typing import NamedTuple


class Diagnostic(NamedTuple):
    """One diagnostic: its code, ``"warning"`` or ``"error"``, when it runs, and a summary."""

    code: str
    kind: str
    when: str
    summary: str


CATALOG: dict[str, Diagnostic] = {d.code: d for d in (
    Diagnostic("one-unit-softmax", "warning", "compile",
               "a softmax over one unit always outputs 1.0"),
    Diagnostic("binary-loss-on-unbounded-output", "warning", "compile",
               "binary_crossentropy on a relu/linear/tanh output"),
    Diagnostic("sigmoid-with-categorical-loss", "warning", "compile",
               "a multi-unit sigmoid output with a categorical cross-entropy"),
    Diagnostic("sparse-loss-one-unit", "warning", "compile",
               "sparse_categorical_crossentropy on a one-unit output"),
    Diagnostic("layers-after-output", "warning", "compile",
               "more layers after a softmax (or one-unit sigmoid) output layer"),
    Diagnostic("input-shape-includes-samples", "error", "fit/evaluate/predict",
               "the declared input shape contains the number of samples"),
    Diagnostic("sequence-length-mismatch", "error", "fit/evaluate/predict",
               "token sequences padded to a length other than the model's input length"),
    Diagnostic("padded-length-changed", "warning", "fit/evaluate/predict",
               "sequences padded to another length than Embedding(input_length=...) says, or "
               "evaluated at a very different padded length than trained on, without a mask"),
    Diagnostic("nan-in-data", "error", "fit/evaluate/predict",
               "NaN or infinite values in x or y"),
    Diagnostic("binary-labels-out-of-range", "error", "fit/evaluate",
               "binary_crossentropy with labels outside [0, 1]"),
    Diagnostic("categorical-integer-labels", "error", "fit/evaluate",
               "categorical_crossentropy with integer class labels"),
    Diagnostic("sparse-labels-out-of-range", "error", "fit/evaluate",
               "sparse_categorical_crossentropy labels >= the number of output units"),
    Diagnostic("unscaled-inputs", "warning", "fit",
               "large, unscaled features feeding a saturating first layer"),
    Diagnostic("mostly-padding", "warning", "fit",
               "token sequences that are more than 90% padding, without a mask"),
    Diagnostic("validation-options-without-data", "warning", "fit",
               "validation_* options or a val_* monitor without validation data"),
    Diagnostic("nan-loss", "warning", "fit (each epoch)",
               "the training loss became NaN or infinite; training stops"),
    Diagnostic("embedding-id-out-of-range", "error", "every Embedding call",
               "a token id below 0 or >= input_dim (input_dim=len(word_index) is off by one)"),
    Diagnostic("rnn-return-sequences-output", "error", "fit/evaluate",
               "a return_sequences=True RNN gives per-step outputs but labels are per sample"),
    Diagnostic("vanishing-gradients", "warning", "fit (first epochs)",
               "the first layer's gradients are orders of magnitude below the last layer's"),
)}
