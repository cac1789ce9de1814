"""Numerical gradient checks for every activation and every loss (w.r.t. the predictions).

Coverage tests fail when ``keraslite.activations.ALL`` or ``keraslite.losses.ALL`` gains an entry
that no check here exercises.
"""

from __future__ import annotations

import numpy as np
import pytest

from keraslite import activations, losses
from keraslite.autodiff.gradcheck import check_gradients

R = np.random.default_rng(7)


def normal(*shape):
    return R.standard_normal(shape)


def away(*shape, low=0.2, high=2.0):
    return R.uniform(low, high, shape) * R.choice([-1.0, 1.0], shape)


# -- activations --------------------------------------------------------------------------
ACTIVATIONS: list = []


def act(name, fn, x, id=None):  # noqa: A002 - pytest's name
    ACTIVATIONS.append(pytest.param(name, fn, x, id=id or name))


for name, fn in activations.ALL.items():
    # relu and linear have a kink or none; |x| >= 0.2 keeps relu away from 0.
    act(name, fn, away(3, 4), id=f"{name}-by-table")
    act(name, activations.get(name), away(2, 3, 4), id=f"{name}-by-name-3d")
# relu with options: kinks at threshold and max_value, inputs chosen away from both.
X = np.array([[-2.0, -1.1, -0.5, 0.3], [0.7, 1.4, 2.5, 4.0]])
act("relu", lambda x: activations.relu(x, negative_slope=0.1), X, id="relu-leaky")
act("relu", lambda x: activations.relu(x, max_value=2.0), X, id="relu-max_value")
act("relu", lambda x: activations.relu(x, threshold=1.0), X, id="relu-threshold")
act("relu", lambda x: activations.relu(x, negative_slope=0.2, max_value=3.0, threshold=-1.0),
    X, id="relu-all-options")
act("sigmoid", activations.sigmoid, np.array([-50.0, -20.0, 20.0, 50.0]), id="sigmoid-large")
act("softplus", activations.softplus, np.array([-50.0, -20.0, 20.0, 50.0]), id="softplus-large")
act("softmax", lambda x: activations.softmax(x, axis=0), normal(3, 4), id="softmax-axis=0")
act("softmax", lambda x: activations.softmax(x, axis=1), normal(2, 3, 4), id="softmax-axis=1")
act("log_softmax", lambda x: activations.log_softmax(x, axis=0), normal(3, 4),
    id="log_softmax-axis=0")


@pytest.mark.parametrize(("name", "fn", "x"), ACTIVATIONS)
def test_activation_gradient(name, fn, x):
    check_gradients(fn, [x])


def test_every_activation_is_checked():
    covered = {p.values[0] for p in ACTIVATIONS}
    missing = set(activations.ALL) - covered
    assert not missing, f"activations without a gradient check: {sorted(missing)}"


# -- losses -------------------------------------------------------------------------------
N, K = 5, 3


def onehot(labels, k=K):
    return np.eye(k)[labels]


def probs(*shape):
    p = R.uniform(0.5, 2.0, shape)
    return p / p.sum(-1, keepdims=True)


INT_LABELS = R.integers(0, K, N)
BIN_TRUE = (R.random((N, 2)) > 0.5) * 1.0
SOFT_TRUE = R.random((N, 2))
CAT_TRUE = onehot(INT_LABELS)
REG_TRUE = normal(N, 2)
SAMPLE_W = R.uniform(0.2, 2.0, N)

# (what, y_true, y_pred to differentiate, loss callable(y_true, y_pred))
LOSSES: list = []


def loss_case(name, y_true, y_pred, fn, id):  # noqa: A002 - pytest's name
    LOSSES.append(pytest.param(name, y_true, y_pred, fn, id=id))


for name in ("mean_squared_error", "mse", "MSE"):
    loss_case(name, REG_TRUE, normal(N, 2), losses.ALL[name], id=f"{name}-fn")
for name in ("mean_absolute_error", "mae", "MAE"):
    # |y_pred - y_true| has a kink where they are equal; keep them at least 0.2 apart.
    loss_case(name, REG_TRUE, REG_TRUE + away(N, 2), losses.ALL[name], id=f"{name}-fn")
loss_case("mean_squared_error", REG_TRUE[:, :1], normal(N), losses.mean_squared_error,
          id="mse-rank-mismatch-true-column")
loss_case("mean_squared_error", REG_TRUE[:, 0], normal(N, 1), losses.mean_squared_error,
          id="mse-rank-mismatch-pred-column")
loss_case("mean_squared_error", normal(2, N, 2), normal(2, N, 2), losses.mean_squared_error,
          id="mse-3d")
for smoothing in (0.0, 0.2):
    for logits in (False, True):
        tag = f"logits={logits}-smoothing={smoothing}"
        pred = normal(N, 2) * 2 if logits else R.uniform(0.05, 0.95, (N, 2))
        loss_case("binary_crossentropy", BIN_TRUE, pred,
                  lambda t, p, s=smoothing, lg=logits: losses.binary_crossentropy(
                      t, p, from_logits=lg, label_smoothing=s), id=f"bce-{tag}")
        pred = normal(N, K) * 2 if logits else R.uniform(0.5, 2.0, (N, K))
        loss_case("categorical_crossentropy", CAT_TRUE, pred,
                  lambda t, p, s=smoothing, lg=logits: losses.categorical_crossentropy(
                      t, p, from_logits=lg, label_smoothing=s), id=f"cce-{tag}")
    loss_case("sparse_categorical_crossentropy", INT_LABELS,
              normal(N, K) * 2 if smoothing else R.uniform(0.5, 2.0, (N, K)),
              lambda t, p, lg=bool(smoothing): losses.sparse_categorical_crossentropy(
                  t, p, from_logits=lg), id=f"scce-logits={bool(smoothing)}")
loss_case("binary_crossentropy", SOFT_TRUE, normal(N, 2), losses.ALL["binary_crossentropy"],
          id="bce-soft-targets-by-table")
loss_case("binary_crossentropy", BIN_TRUE[:, 0], R.uniform(0.05, 0.95, (N, 1)),
          losses.binary_crossentropy, id="bce-pred-column")
loss_case("categorical_crossentropy", probs(N, K), R.uniform(0.5, 2.0, (N, K)),
          losses.ALL["categorical_crossentropy"], id="cce-soft-targets-by-table")
loss_case("categorical_crossentropy", probs(N, K).T, normal(K, N),
          lambda t, p: losses.categorical_crossentropy(t, p, from_logits=True, axis=0),
          id="cce-axis=0")
loss_case("sparse_categorical_crossentropy", INT_LABELS[:, None], R.uniform(0.5, 2.0, (N, K)),
          losses.ALL["sparse_categorical_crossentropy"], id="scce-labels-column-by-table")
loss_case("sparse_categorical_crossentropy", INT_LABELS, normal(N, K),
          lambda t, p: losses.sparse_categorical_crossentropy(t, p, from_logits=True,
                                                              ignore_class=1),
          id="scce-ignore_class")

# Loss classes: reduction, sample_weight, from_logits, label_smoothing.
REDUCTIONS = ("sum_over_batch_size", "sum", "none", None, "mean", "mean_with_sample_weight")
CLASS_CASES = [
    ("MeanSquaredError", {}, REG_TRUE, lambda: normal(N, 2)),
    ("MeanAbsoluteError", {}, REG_TRUE, lambda: REG_TRUE + away(N, 2)),
    ("BinaryCrossentropy", {}, BIN_TRUE, lambda: R.uniform(0.05, 0.95, (N, 2))),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, BIN_TRUE,
     lambda: normal(N, 2) * 2),
    ("CategoricalCrossentropy", {}, CAT_TRUE, lambda: R.uniform(0.5, 2.0, (N, K))),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, CAT_TRUE,
     lambda: normal(N, K) * 2),
    ("SparseCategoricalCrossentropy", {}, INT_LABELS, lambda: R.uniform(0.5, 2.0, (N, K))),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 2}, INT_LABELS,
     lambda: normal(N, K) * 2),
]
for cls_name, kwargs, y_true, make_pred in CLASS_CASES:
    options = "-".join(f"{k}={v}" for k, v in kwargs.items()) or "default"
    for reduction in REDUCTIONS:
        for weights in (None, SAMPLE_W, SAMPLE_W[:, None]):
            wtag = "none" if weights is None else f"sw{weights.ndim}d"
            loss = losses.ALL[cls_name](reduction=reduction, **kwargs)
            loss_case(cls_name, y_true, make_pred(),
                      lambda t, p, loss=loss, sw=weights: loss(t, p, sample_weight=sw),
                      id=f"{cls_name}-{options}-reduction={reduction}-{wtag}")


@pytest.mark.parametrize(("name", "y_true", "y_pred", "fn"), LOSSES)
def test_loss_gradient_wrt_predictions(name, y_true, y_pred, fn):
    check_gradients(lambda p: fn(y_true, p), [y_pred])


def test_losses_do_not_differentiate_targets():
    """Targets are constants of a loss: no gradient reaches them."""
    from keraslite import GradientTape, Tensor

    t = Tensor(SOFT_TRUE.copy(), requires_grad=True)
    p = Tensor(normal(N, 2), requires_grad=True)
    with GradientTape() as tape:
        value = losses.BinaryCrossentropy(from_logits=True)(t, p)
    g_t, g_p = tape.gradient(value, [t, p])
    assert g_t is None and g_p is not None
