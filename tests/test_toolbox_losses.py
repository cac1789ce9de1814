"""The loss catalogue: values against Keras 3, gradients against central differences, names,
reductions, ``loss="crossentropy"`` and per-output losses in ``compile``.

Reference values come from tests/golden/losses.npz, written by real Keras 3 (in float64) with
tests/golden/generate_losses.py; see tests/golden/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import keraslite
from keraslite import losses
from keraslite.autodiff.gradcheck import check_gradients

GOLDEN = Path(__file__).parent / "golden" / "losses.npz"
with np.load(GOLDEN) as _f:
    G = {k: _f[k] for k in _f.files}
CASES = json.loads(str(G["cases"]))
# Keras 3 names outside this catalogue (segmentation, similarity and sequence losses).
NOT_IN_CATALOGUE = {"CTC", "Circle", "Dice", "Loss", "LossFunctionWrapper", "Tversky", "circle",
                    "ctc", "dice", "tversky"}


# -- values match Keras 3 ------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_matches_keras(case, float64):
    y_true = G[f"{case['inputs']}/y_true"]
    y_pred = G[f"{case['inputs']}/y_pred"]
    loss = getattr(losses, case["name"])
    if case["kind"] == "fn":
        value = loss(y_true, y_pred, **case["kwargs"])
    else:
        sw = None if case["sample_weight"] is None else G[case["sample_weight"]]
        value = loss(reduction=case["reduction"], **case["kwargs"])(y_true, y_pred,
                                                                    sample_weight=sw)
    expected = G["expected"][case["offset"]:case["offset"] + int(np.prod(case["shape"]))]
    expected = expected.reshape(case["shape"])
    assert value.dtype == np.float64
    assert value.shape == expected.shape
    np.testing.assert_allclose(value.numpy(), expected, rtol=1e-6, atol=1e-9)


def test_golden_cases_cover_every_function_and_class():
    names = {c["name"] for c in CASES}
    catalogue = {getattr(obj, "__name__", k) for k, obj in losses.ALL.items()}
    assert catalogue <= names, sorted(catalogue - names)


def test_every_keras_identifier_resolves_to_the_same_loss():
    for identifier, target in zip(G["identifiers"], G["resolves_to"]):
        identifier, target = str(identifier), str(target)
        if identifier in NOT_IN_CATALOGUE:
            continue
        found = losses.get(identifier)
        name = type(found).__name__ if isinstance(found, losses.Loss) else found.__name__
        assert name == target, identifier
        assert identifier in losses.ALL


def test_module_aliases():
    assert losses.mse is losses.MSE is losses.mean_squared_error
    assert losses.mae is losses.mean_absolute_error
    assert losses.mape is losses.mean_absolute_percentage_error
    assert losses.msle is losses.mean_squared_logarithmic_error
    assert losses.kld is losses.kullback_leibler_divergence is losses.kl_divergence
    assert losses.logcosh is losses.log_cosh


@pytest.mark.parametrize(("old", "new"), [("logcosh", "log_cosh"),
                                          ("kullback_leibler_divergence", "kl_divergence"),
                                          ("huber_loss", "huber")])
def test_keras2_names_work_with_a_note(old, new):
    with pytest.warns(keraslite.KerasliteDeprecationWarning, match=new):
        assert losses.get(old) is losses.ALL[new]


def test_unknown_name_suggests_the_closest():
    with pytest.raises(ValueError, match="Did you mean 'huber'"):
        losses.get("hubber")


# -- gradients ------------------------------------------------------------------------------
R = np.random.default_rng(3)
N, D, K = 5, 3, 4


def normal(*shape):
    return R.standard_normal(shape)


def away(*shape, low=0.2, high=2.0):
    """Values with |x| in [low, high] and random signs (keeps errors off kinks)."""
    return R.uniform(low, high, shape) * R.choice([-1.0, 1.0], shape)


def probs(*shape):
    p = R.uniform(0.2, 1.0, shape)
    return p / p.sum(-1, keepdims=True)


def margins(t, low, high):
    """Scores p with t·p in [low, high] (t in {-1, 1})."""
    return t * R.uniform(low, high, t.shape)


LABELS = R.integers(0, K, N)
ONEHOT = np.eye(K)[LABELS]
SIGNED = R.choice([-1.0, 1.0], (N, D))
BINARY = (SIGNED + 1) / 2
REG = normal(N, D)
# Huber: errors with |e| in [0.1, 0.8] or [1.2, 3], away from delta = 1.
HUBER_E = np.where(R.random((N, D)) < 0.5, away(N, D, low=0.1, high=0.8),
                   away(N, D, low=1.2, high=3.0))
# Categorical hinge: a clear winner among the wrong classes, margin away from 0.
CAT_HINGE = ONEHOT * 1.3 + (1 - ONEHOT) * R.permuted(np.tile([0.0, 0.5, 2.0, 0.1], (N, 1)),
                                                      axis=1)
CAT_HINGE = CAT_HINGE + (1 - ONEHOT) * np.linspace(0.0, 0.03, K)

# (covered name, y_true, y_pred, loss(y_true, y_pred), id)
GRAD_CASES: list = []


def grad_case(name, y_true, y_pred, fn, tag=""):
    GRAD_CASES.append(pytest.param(name, y_true, y_pred, fn, id=f"{name}{tag}"))


def fn_case(name, y_true, y_pred, tag="", **kwargs):
    grad_case(name, y_true, y_pred, lambda t, p: losses.ALL[name](t, p, **kwargs), tag)


fn_case("mean_squared_error", REG, normal(N, D))
fn_case("mean_absolute_error", REG, REG + away(N, D))
fn_case("mean_absolute_percentage_error", away(N, D, low=0.5), normal(N, D) * 3)
fn_case("mean_squared_logarithmic_error", R.uniform(0, 3, (N, D)), R.uniform(0.1, 3, (N, D)))
fn_case("huber", REG, REG + HUBER_E)
fn_case("huber", REG, REG + HUBER_E * 2, tag="-delta=2", delta=2.0)
fn_case("log_cosh", REG, normal(N, D) * 3)
fn_case("log_cosh", REG, REG + away(N, D, low=20, high=40), tag="-large-errors")
fn_case("cosine_similarity", REG, normal(N, D))
fn_case("cosine_similarity", REG, normal(N, D), tag="-axis=0", axis=0)
fn_case("hinge", SIGNED, margins(SIGNED, -1.0, 0.8))
fn_case("hinge", BINARY, margins(SIGNED, 1.2, 2.0), tag="-01-labels-beyond-margin")
fn_case("squared_hinge", SIGNED, margins(SIGNED, -1.0, 0.8))
fn_case("squared_hinge", BINARY, margins(SIGNED, -1.0, 2.0), tag="-01-labels")
fn_case("categorical_hinge", ONEHOT, CAT_HINGE)
fn_case("categorical_hinge", ONEHOT, CAT_HINGE + ONEHOT * 2, tag="-zero-loss")
fn_case("kl_divergence", probs(N, K), probs(N, K))
fn_case("kl_divergence", ONEHOT, probs(N, K), tag="-onehot-targets")
fn_case("poisson", R.poisson(2.0, (N, D)) * 1.0, R.uniform(0.2, 4.0, (N, D)))
for logits in (False, True):
    tag = "-logits" if logits else ""
    bp = normal(N, D) * 3 if logits else R.uniform(0.05, 0.95, (N, D))
    cp = normal(N, K) * 2 if logits else R.uniform(0.2, 2.0, (N, K))
    fn_case("binary_crossentropy", BINARY, bp, tag=tag, from_logits=logits)
    fn_case("binary_crossentropy", BINARY, bp, tag=f"{tag}-smoothing", from_logits=logits,
            label_smoothing=0.2)
    fn_case("categorical_crossentropy", ONEHOT, cp, tag=tag, from_logits=logits,
            label_smoothing=0.1)
    fn_case("sparse_categorical_crossentropy", LABELS, cp, tag=tag, from_logits=logits)
    fn_case("binary_focal_crossentropy", BINARY, bp, tag=tag, from_logits=logits)
    fn_case("binary_focal_crossentropy", R.random((N, D)), bp, tag=f"{tag}-balanced-soft",
            from_logits=logits, apply_class_balancing=True, alpha=0.3, gamma=1.5,
            label_smoothing=0.1)
    fn_case("categorical_focal_crossentropy", ONEHOT, cp, tag=tag, from_logits=logits)
    fn_case("categorical_focal_crossentropy", probs(N, K), cp, tag=f"{tag}-alpha-list",
            from_logits=logits, alpha=[0.1, 0.2, 0.3, 0.4], gamma=3.0, label_smoothing=0.2)
fn_case("binary_focal_crossentropy", BINARY, away(N, D, low=20, high=60), tag="-huge-logits",
        from_logits=True)
fn_case("categorical_focal_crossentropy", ONEHOT, normal(N, K) * 40, tag="-huge-logits",
        from_logits=True)
fn_case("sparse_categorical_crossentropy", np.where(LABELS == 0, -1, LABELS), normal(N, K),
        tag="-ignore_class", from_logits=True, ignore_class=-1)

# Every class (weighted, default reduction); the reductions and weight shapes, which all classes
# share, on two of them. Inputs come from the class's function case.
SW = R.uniform(0.2, 2.0, N)
REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none")
_FIRST = {}
for _p in GRAD_CASES:
    _FIRST.setdefault(_p.values[0], _p.values[1:3])
for class_name, cls in sorted((k, v) for k, v in losses.ALL.items() if isinstance(v, type)):
    y_true, y_pred = _FIRST[cls().fn.__name__]
    kwargs = {"from_logits": True} if "Crossentropy" in class_name else {}
    if kwargs:  # class cases of the cross-entropies use logits
        y_pred = normal(*y_pred.shape) * 2
    every = class_name in ("Huber", "CategoricalFocalCrossentropy")
    for reduction in REDUCTIONS if every else REDUCTIONS[:1]:
        for sw, wtag in ((None, ""), (SW, "-sw"), (SW[:, None], "-sw-column"))[::1 if every
                                                                                else 2]:
            loss = cls(reduction=reduction, **kwargs)
            grad_case(class_name, y_true, y_pred,
                      lambda t, p, loss=loss, sw=sw: loss(t, p, sample_weight=sw),
                      tag=f"-{reduction}{wtag}")
for short in ("mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD", "bce",
              "BCE"):
    fn_name = losses.ALL[short].__name__
    grad_case(short, *_FIRST[fn_name], losses.ALL[short], tag="-alias")
masked = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2)
grad_case("SparseCategoricalCrossentropy", LABELS, normal(N, K),
          lambda t, p: masked(t, p, sample_weight=SW), tag="-ignore_class-masked-mean")


@pytest.mark.parametrize(("name", "y_true", "y_pred", "fn"), GRAD_CASES)
def test_gradient_wrt_predictions(name, y_true, y_pred, fn, float64):
    check_gradients(lambda p: fn(y_true, p), [y_pred])


def test_every_loss_has_a_gradient_check():
    covered = {p.values[0] for p in GRAD_CASES}
    assert not set(losses.ALL) - covered, sorted(set(losses.ALL) - covered)


def test_targets_get_no_gradient():
    t = keraslite.Tensor(R.random((N, D)), requires_grad=True)
    p = keraslite.Tensor(R.uniform(0.1, 0.9, (N, D)), requires_grad=True)
    for loss in (losses.Huber(), losses.KLDivergence(), losses.BinaryFocalCrossentropy(),
                 losses.CosineSimilarity(), losses.Poisson()):
        with keraslite.GradientTape() as tape:
            value = loss(t, p)
        g_t, g_p = tape.gradient(value, [t, p])
        assert g_t is None and g_p is not None, loss.name


@pytest.mark.parametrize("loss", [
    losses.LogCosh(), losses.BinaryFocalCrossentropy(from_logits=True),
    losses.CategoricalFocalCrossentropy(from_logits=True),
    losses.BinaryCrossentropy(from_logits=True)], ids=lambda loss: loss.name)
def test_stable_for_extreme_predictions(loss):
    """Huge errors and logits give finite losses and gradients (no overflow, no 0 · inf)."""
    y_true = np.eye(3)[[0, 1, 2, 0]]
    p = keraslite.Tensor(np.array([[500.0, -500, 0], [-800, 800, 3], [1e3, 0, -1e3],
                                   [0, 0, 0]], "float32"), requires_grad=True)
    with keraslite.GradientTape() as tape:
        value = loss(y_true, p)
    grad = tape.gradient(value, p)
    assert np.isfinite(float(value)) and np.all(np.isfinite(grad.numpy()))


# -- reductions and configs -----------------------------------------------------------------
def test_reduction_is_validated():
    with pytest.raises(ValueError, match="reduction"):
        losses.Huber(reduction="average")
    with pytest.warns(keraslite.KerasliteDeprecationWarning, match="sum_over_batch_size"):
        assert losses.Huber(reduction="auto").reduction == "sum_over_batch_size"


def test_mean_with_sample_weight_divides_by_the_weights():
    y, p = np.zeros((4, 1)), np.array([[1.0], [2.0], [3.0], [4.0]])
    sw = np.array([1.0, 0.0, 3.0, 0.0])
    loss = losses.MeanAbsoluteError(reduction="mean_with_sample_weight")
    assert float(loss(y, p, sample_weight=sw)) == pytest.approx((1 + 9) / 4)
    assert float(loss(y, p, sample_weight=np.zeros(4))) == 0.0
    assert float(losses.MeanAbsoluteError(reduction="sum")(y, p, sample_weight=sw)) == 10.0


def test_ignore_class_averages_over_the_kept_samples():
    labels = np.array([0, 1, -1, -1])
    logits = np.log(np.array([[0.5, 0.5], [0.25, 0.75], [0.5, 0.5], [0.5, 0.5]]))
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
    expected = (np.log(2) + np.log(4 / 3)) / 2
    assert float(loss(labels, logits)) == pytest.approx(expected, rel=1e-6)
    per_sample = losses.sparse_categorical_crossentropy(labels, logits, from_logits=True,
                                                        ignore_class=-1)
    np.testing.assert_allclose(per_sample.numpy()[2:], 0.0)


def test_bad_sample_weight_shape_says_what_fits():
    with pytest.raises(ValueError, match="one weight per sample"):
        losses.MeanSquaredError()(np.zeros((4, 2)), np.ones((4, 2)), sample_weight=np.ones(3))


@pytest.mark.parametrize("name", sorted(k for k, v in losses.ALL.items() if isinstance(v, type)))
def test_config_round_trip(name):
    loss = losses.ALL[name](reduction="sum", name="custom")
    config = loss.get_config()
    assert config["name"] == "custom" and config["reduction"] == "sum"
    again = type(loss).from_config(config)
    assert again.get_config() == config
    rebuilt = losses.deserialize(losses.serialize(loss))
    assert type(rebuilt) is type(loss) and rebuilt.get_config() == config


def test_class_arguments_follow_keras():
    huber = losses.Huber(delta=0.5)
    assert huber.name == "huber_loss" and huber.delta == 0.5
    assert huber.get_config()["delta"] == 0.5
    focal = losses.BinaryFocalCrossentropy(True, 0.4, 1.0, True, 0.1)
    assert (focal.apply_class_balancing, focal.alpha, focal.gamma, focal.from_logits,
            focal.label_smoothing) == (True, 0.4, 1.0, True, 0.1)
    assert losses.CategoricalFocalCrossentropy().get_config()["alpha"] == 0.25
    assert losses.get("CosineSimilarity").axis == -1


def test_serialize_functions_and_wrappers():
    config = losses.serialize(losses.huber)
    assert config == {"module": "builtins", "class_name": "function", "config": "huber",
                      "registered_name": "function"}
    assert losses.deserialize(config) is losses.huber
    wrapped = losses.LossFunctionWrapper(losses.huber, delta=3.0, name="h")
    again = losses.LossFunctionWrapper.from_config(wrapped.get_config())
    assert again.fn is losses.huber and again._fn_kwargs == {"delta": 3.0}
    with pytest.raises(ValueError, match="built-in"):
        losses.serialize(lambda t, p: t)


def test_custom_loss_subclass():
    class Cubed(losses.Loss):
        def call(self, y_true, y_pred):
            return keraslite.ops.mean(keraslite.ops.abs(y_pred - y_true) ** 3, axis=-1)

    value = Cubed(reduction="sum")(np.zeros((2, 2)), np.array([[1.0, 1], [2, 2]]))
    assert float(value) == pytest.approx(9.0)
    assert Cubed().name == "cubed"


# -- compile: loss="crossentropy" and per-output losses -------------------------------------
@pytest.mark.parametrize("i", range(len(json.loads(str(G["crossentropy_shapes"])))))
def test_crossentropy_resolves_like_keras(i):
    t_shape, p_shape = json.loads(str(G["crossentropy_shapes"]))[i]
    expected = str(G["crossentropy_resolves_to"][i])
    assert losses.resolve_crossentropy(tuple(t_shape), tuple(p_shape)).__name__ == expected
    auto = losses.get("CrossEntropy")
    assert isinstance(auto, losses.AutoCrossentropy)
    assert auto.resolve(np.zeros(t_shape), np.zeros(p_shape)).fn.__name__ == expected


def _dense_model(units, activation):
    model = keraslite.Sequential([keraslite.Input((4,)), keraslite.layers.Dense(units,
                                                                                activation)])
    return model


X = R.standard_normal((16, 4)).astype("float32")
Y_INT = R.integers(0, 3, 16)


@pytest.mark.parametrize(("units", "activation", "y", "explicit"), [
    (1, "sigmoid", (Y_INT > 0).astype("float32"), "binary_crossentropy"),
    (3, "softmax", Y_INT, "sparse_categorical_crossentropy"),
    (3, "softmax", Y_INT[:, None], "sparse_categorical_crossentropy"),
    (3, "softmax", np.eye(3, dtype="float32")[Y_INT], "categorical_crossentropy"),
])
def test_compile_crossentropy_picks_the_loss_from_the_data(units, activation, y, explicit):
    model = _dense_model(units, activation)
    model.compile(optimizer="sgd", loss="crossentropy")
    value = model.evaluate(X, y, verbose=0)
    assert model._compiled_loss.fns[0].fn is losses.ALL[explicit]
    reference = _dense_model(units, activation)
    reference.set_weights(model.get_weights())
    reference.compile(optimizer="sgd", loss=explicit)
    assert value == pytest.approx(reference.evaluate(X, y, verbose=0), rel=1e-6)
    history = model.fit(X, y, epochs=2, batch_size=8, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))


def test_custom_function_loss_gets_matching_ranks():
    """As in Keras, (n,) targets against an (n, 1) output are not broadcast to (n, n)."""
    def my_mse(y_true, y_pred):
        return keraslite.ops.mean(keraslite.ops.square(y_pred - y_true), axis=-1)

    y = R.standard_normal(16).astype("float32")
    model = _dense_model(1, None)
    model.compile(optimizer="sgd", loss=my_mse)
    reference = _dense_model(1, None)
    reference.set_weights(model.get_weights())
    reference.compile(optimizer="sgd", loss="mse")
    assert model.evaluate(X, y, verbose=0) == pytest.approx(reference.evaluate(X, y, verbose=0))


def _two_outputs():
    inputs = keraslite.Input((4,))
    a = keraslite.layers.Dense(1, name="price")(inputs)
    b = keraslite.layers.Dense(3, activation="softmax", name="kind")(inputs)
    return keraslite.Model(inputs, [a, b])


Y_PRICE = R.standard_normal((16, 1)).astype("float32")


def _parts(model):
    """Per-output losses computed by hand from the model's predictions."""
    price, kind = model.predict(X, verbose=0)
    mae = float(np.mean(np.abs(price - Y_PRICE)))
    scce = float(losses.SparseCategoricalCrossentropy()(Y_INT, kind))
    return mae, scce


@pytest.mark.parametrize(("loss", "loss_weights", "w"), [
    (["mae", "sparse_categorical_crossentropy"], None, (1.0, 1.0)),
    (["mae", losses.SparseCategoricalCrossentropy()], [2.0, 0.5], (2.0, 0.5)),
    ({"price": "mae", "kind": "crossentropy"}, {"kind": 3.0}, (1.0, 3.0)),
    ({"kind": "sparse_categorical_crossentropy", "price": "mae"}, {"price": 0.1, "kind": 1.0},
     (0.1, 1.0)),
])
def test_multi_output_losses_and_weights(loss, loss_weights, w):
    model = _two_outputs()
    model.compile(optimizer="sgd", loss=loss, loss_weights=loss_weights)
    total, price_loss, kind_loss = model.evaluate(X, [Y_PRICE, Y_INT], verbose=0)
    mae, scce = _parts(model)
    assert price_loss == pytest.approx(mae, rel=1e-5)
    assert kind_loss == pytest.approx(scce, rel=1e-5)
    assert total == pytest.approx(w[0] * mae + w[1] * scce, rel=1e-5)
    model.fit(X, [Y_PRICE, Y_INT], epochs=1, batch_size=8, verbose=0)


@pytest.mark.parametrize("loss", [[None, "sparse_categorical_crossentropy"],
                                  {"kind": "sparse_categorical_crossentropy"}],
                         ids=["list-with-None", "dict-without-price"])
def test_output_without_a_loss_is_not_trained(loss):
    model = _two_outputs()
    model.compile(optimizer="sgd", loss=loss)
    price_kernel = model.get_layer("price").kernel.numpy().copy()
    result = model.evaluate(X, [Y_PRICE, Y_INT], verbose=0)
    total = result[0] if isinstance(result, list) else result
    assert total == pytest.approx(_parts(model)[1], rel=1e-5)
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        model.fit(X, [Y_PRICE, Y_INT], epochs=1, batch_size=8, verbose=0)
    np.testing.assert_array_equal(model.get_layer("price").kernel.numpy(), price_kernel)


def test_loss_dict_with_unknown_output_name_says_which():
    model = _two_outputs()
    with pytest.raises(ValueError, match="not output names"):
        model.compile(optimizer="sgd", loss={"prize": "mae", "kind": "crossentropy"})
        model.evaluate(X, [Y_PRICE, Y_INT], verbose=0)
