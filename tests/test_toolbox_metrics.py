"""The metrics catalogue: Keras 3 golden values, scikit-learn, additivity, reset, configs,
names, per-output metrics, vector results in logs, and F1 during a Titanic fit.
"""

import contextlib
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
import sklearn.metrics as skm

import keraslite as keras
from keraslite.metrics import registry

GOLDEN = np.load(Path(__file__).parent / "golden" / "metrics.npz")
CASES = json.loads(str(GOLDEN["cases"]))
SPLIT = int(GOLDEN["split"])


def _in(name):
    return GOLDEN[f"in/{name}"]


def _update(metric, case, chunks):
    """Feed ``metric`` the case's inputs in the given row chunks."""
    y_true = _in(case["y_true"])
    y_pred = None if case["y_pred"] is None else _in(case["y_pred"])
    sw = None if case["sample_weight"] is None else _in(case["sample_weight"])
    for rows in chunks:
        w = None if sw is None else sw[rows]
        if y_pred is None:
            metric.update_state(y_true[rows], sample_weight=w)
        else:
            metric.update_state(y_true[rows], y_pred[rows], sample_weight=w)
    return np.asarray(metric.result().value, np.float64)


def _make(case):
    return getattr(keras.metrics, case["cls"])(**case["kwargs"])


def _two_chunks():
    return (slice(0, SPLIT), slice(SPLIT, None))


# -- Keras 3 golden values ----------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_matches_keras(case):
    expected = GOLDEN["expected"][case["offset"]:case["offset"] + int(np.prod(case["shape"]))]
    got = _update(_make(case), case, _two_chunks())
    assert got.shape == tuple(case["shape"])
    np.testing.assert_allclose(got, expected.reshape(case["shape"]), rtol=1e-6, atol=1e-6)


def test_every_keras_metric_class_exists_with_its_name_and_config():
    configs = json.loads(str(GOLDEN["configs"]))
    for name, info in configs.items():
        metric = getattr(keras.metrics, name)(**info["kwargs"])
        keras_name = info["name"]
        # Keras numbers unnamed metrics per session (auc_19); keraslite keeps the plain name.
        assert re.fullmatch(re.escape(metric.name) + r"(_\d+)?", keras_name), name
        expected = {**info["config"], "name": metric.name}
        assert metric.get_config() == expected, name


def test_string_identifiers_resolve_as_in_keras():
    assert set(registry.ALL) == {str(i) for i in GOLDEN["identifiers"]}
    needs_arguments = json.loads(str(GOLDEN["configs"]))
    for identifier, target in zip(GOLDEN["identifiers"], GOLDEN["resolves_to"]):
        identifier, target = str(identifier), str(target)
        assert registry.ALL[identifier].__name__ == target, identifier
        if target not in ("Metric", "MeanMetricWrapper") and not needs_arguments[target]["kwargs"]:
            assert type(keras.metrics.get(identifier)).__name__ == target, identifier


def test_get_accepts_objects_classes_functions_and_dicts():
    auc = keras.metrics.AUC(curve="PR")
    assert keras.metrics.get(auc) is auc
    assert isinstance(keras.metrics.get(keras.metrics.Recall), keras.metrics.Recall)
    wrapped = keras.metrics.get(keras.metrics.mean_squared_error)
    assert isinstance(wrapped, keras.metrics.MeanMetricWrapper)
    assert wrapped.name == "mean_squared_error"
    rebuilt = keras.metrics.get({"class_name": "AUC", "config": {"curve": "PR"}})
    assert rebuilt.curve == "PR"
    assert keras.metrics.get(None) is None
    with pytest.raises(ValueError, match="Did you mean 'precision'"):
        keras.metrics.get("precison")


def test_keras_one_unit_f1_default_differs_on_purpose():
    """Keras' F1Score() on one sigmoid unit counts every nonzero row as positive (the row's
    maximum is itself); keraslite uses 0.5.
    """
    y, p = _in("bin_true"), _in("bin_pred")
    keras_all_positive = float(GOLDEN["f1_one_unit_threshold_none"][0])
    assert keras_all_positive == pytest.approx(skm.f1_score(y[:, 0], p[:, 0] > 1e-9), rel=1e-6)
    ours = keras.metrics.F1Score()
    ours.update_state(y[:, 0], p)  # (n,) labels are fine for one unit
    expected = skm.f1_score(y[:, 0], p[:, 0] > 0.5)
    assert float(ours.result().value[0]) == pytest.approx(expected, abs=1e-6)
    assert abs(expected - keras_all_positive) > 0.05


# -- scikit-learn -------------------------------------------------------------------------
@pytest.fixture
def binary_data():
    rng = np.random.default_rng(3)
    y = (rng.random(300) < 0.35).astype(np.float32)
    p = np.clip(0.35 * y + 0.65 * rng.random(300), 0, 1).astype(np.float32)
    w = rng.uniform(0.2, 2.0, 300).astype(np.float32)
    return y, p, w


def _result(metric, *args, **kwargs):
    metric.update_state(*args, **kwargs)
    return np.asarray(metric.result().value, np.float64)


@pytest.mark.parametrize("weighted", [False, True])
def test_precision_recall_f1_match_sklearn(binary_data, weighted):
    y, p, w = binary_data
    sw = w if weighted else None
    hard = (p > 0.5).astype(int)
    kw = {"sample_weight": sw}
    assert _result(keras.metrics.Precision(), y, p, **kw) == pytest.approx(
        skm.precision_score(y, hard, **kw), abs=1e-6)
    assert _result(keras.metrics.Recall(), y, p, **kw) == pytest.approx(
        skm.recall_score(y, hard, **kw), abs=1e-6)
    assert _result(keras.metrics.F1Score(threshold=0.5), y[:, None], p[:, None], **kw)[0] == \
        pytest.approx(skm.f1_score(y, hard, **kw), abs=1e-6)
    assert _result(keras.metrics.FBetaScore(beta=2.0, threshold=0.5), y[:, None],
                   p[:, None], **kw)[0] == pytest.approx(skm.fbeta_score(y, hard, beta=2.0, **kw),
                                                         abs=1e-6)
    tn, fp, fn, tp = skm.confusion_matrix(y, hard, sample_weight=sw).ravel()
    for cls, value in ((keras.metrics.TruePositives, tp), (keras.metrics.FalsePositives, fp),
                       (keras.metrics.TrueNegatives, tn), (keras.metrics.FalseNegatives, fn)):
        assert _result(cls(), y, p, **kw) == pytest.approx(value, rel=1e-6)


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
def test_multiclass_f1_matches_sklearn(average):
    rng = np.random.default_rng(4)
    labels = rng.integers(0, 4, 200)
    scores = rng.random((200, 4)).astype(np.float32)
    scores[np.arange(200), labels] += rng.random(200).astype(np.float32) * 0.8
    f1 = keras.metrics.F1Score(average=average)
    got = _result(f1, np.eye(4, dtype=np.float32)[labels], scores)
    expected = skm.f1_score(labels, scores.argmax(1), average=average)
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_multilabel_f1_matches_sklearn():
    rng = np.random.default_rng(5)
    y = (rng.random((150, 3)) < 0.4).astype(np.float32)
    p = rng.random((150, 3)).astype(np.float32)
    for average in (None, "micro", "macro", "weighted"):
        got = _result(keras.metrics.F1Score(average=average, threshold=0.5), y, p)
        np.testing.assert_allclose(got, skm.f1_score(y, p > 0.5, average=average), atol=1e-6)


def test_auc_close_to_sklearn_and_exact_on_binned_scores(binary_data):
    y, p, w = binary_data
    assert _result(keras.metrics.AUC(), y, p) == pytest.approx(skm.roc_auc_score(y, p), abs=3e-3)
    assert _result(keras.metrics.AUC(), y, p, sample_weight=w) == pytest.approx(
        skm.roc_auc_score(y, p, sample_weight=w), abs=3e-3)
    assert _result(keras.metrics.AUC(curve="PR"), y, p) == pytest.approx(
        skm.average_precision_score(y, p), abs=1e-2)
    # Scores at bin centres of the 200 thresholds: every distinct score has its own bin, and
    # the trapezoid rule over thresholds is the exact ROC AUC.
    rng = np.random.default_rng(6)
    binned = ((rng.integers(0, 199, 300) + 0.5) / 199).astype(np.float32)
    yb = (rng.random(300) < binned).astype(np.float32)
    assert _result(keras.metrics.AUC(), yb, binned) == pytest.approx(
        skm.roc_auc_score(yb, binned), abs=1e-6)
    multi_y = np.stack([yb, 1 - yb], 1)
    multi_p = np.stack([binned, 1 - binned], 1)
    assert _result(keras.metrics.AUC(multi_label=True), multi_y, multi_p) == pytest.approx(
        skm.roc_auc_score(multi_y, multi_p, average="macro"), abs=1e-6)


def test_regression_metrics_match_sklearn():
    rng = np.random.default_rng(7)
    t = rng.normal(2, 1, (120, 3)).astype(np.float32)
    p = (t + rng.normal(0, 0.5, (120, 3))).astype(np.float32)
    w = rng.uniform(0.5, 2, 120).astype(np.float32)
    for aggregation, multioutput in (("uniform_average", "uniform_average"),
                                     ("variance_weighted_average", "variance_weighted"),
                                     (None, "raw_values")):
        for sw in (None, w):
            got = _result(keras.metrics.R2Score(class_aggregation=aggregation), t, p,
                          sample_weight=sw)
            np.testing.assert_allclose(
                got, skm.r2_score(t, p, sample_weight=sw, multioutput=multioutput), atol=1e-6)
    assert _result(keras.metrics.R2Score(), t[:, 0], p[:, 0]) == pytest.approx(
        skm.r2_score(t[:, 0], p[:, 0]), abs=1e-6)
    assert _result(keras.metrics.MeanSquaredError(), t, p, sample_weight=w) == pytest.approx(
        skm.mean_squared_error(t, p, sample_weight=w), rel=1e-6)
    assert _result(keras.metrics.RootMeanSquaredError(), t, p) == pytest.approx(
        np.sqrt(skm.mean_squared_error(t, p)), rel=1e-6)
    assert _result(keras.metrics.MeanAbsoluteError(), t, p) == pytest.approx(
        skm.mean_absolute_error(t, p), rel=1e-6)
    assert _result(keras.metrics.MeanAbsolutePercentageError(), t, p) == pytest.approx(
        100 * skm.mean_absolute_percentage_error(t, p), rel=1e-5)


def test_accuracy_top_k_and_iou_match_sklearn():
    rng = np.random.default_rng(8)
    labels = rng.integers(0, 5, 200)
    scores = rng.random((200, 5)).astype(np.float32)
    onehot = np.eye(5, dtype=np.float32)[labels]
    assert _result(keras.metrics.SparseCategoricalAccuracy(), labels, scores) == pytest.approx(
        skm.accuracy_score(labels, scores.argmax(1)))
    for k in (1, 2, 3):
        expected = skm.top_k_accuracy_score(labels, scores, k=k)
        assert _result(keras.metrics.SparseTopKCategoricalAccuracy(k=k), labels, scores) == \
            pytest.approx(expected)
        assert _result(keras.metrics.TopKCategoricalAccuracy(k=k), onehot, scores) == \
            pytest.approx(expected)
    predicted = scores.argmax(1)
    assert _result(keras.metrics.MeanIoU(5), labels, predicted) == pytest.approx(
        skm.jaccard_score(labels, predicted, average="macro"), abs=1e-6)
    assert _result(keras.metrics.OneHotMeanIoU(5), onehot, scores) == pytest.approx(
        skm.jaccard_score(labels, predicted, average="macro"), abs=1e-6)
    per_class = skm.jaccard_score(labels, predicted, average=None)
    assert _result(keras.metrics.IoU(5, [1, 3]), labels, predicted) == pytest.approx(
        per_class[[1, 3]].mean(), abs=1e-6)


# -- additivity, reset, configs -----------------------------------------------------------
UNIQUE = list({(c["cls"], json.dumps(c["kwargs"]), c["y_true"], str(c["y_pred"]),
                str(c["sample_weight"])): c for c in CASES}.values())


@pytest.mark.parametrize("case", UNIQUE, ids=[c["id"] for c in UNIQUE])
def test_update_state_is_additive_and_reset_forgets(case):
    whole = _update(_make(case), case, (slice(None),))
    metric = _make(case)
    pieces = _update(metric, case, (slice(0, 1), slice(1, 23), slice(23, 23), slice(23, None)))
    np.testing.assert_allclose(pieces, whole, rtol=1e-12, atol=1e-12)
    # Reset, then a different batch first: the state must not remember anything.
    metric.reset_state()
    _update(metric, case, (slice(5, 9),))
    metric.reset_state()
    np.testing.assert_allclose(_update(metric, case, _two_chunks()), whole, rtol=1e-12,
                               atol=1e-12)


@pytest.mark.parametrize("case", UNIQUE, ids=[c["id"] for c in UNIQUE])
def test_config_round_trip(case):
    metric = _make(case)
    config = metric.get_config()
    json.dumps(config)  # plain JSON values
    clone = type(metric).from_config(config)
    assert clone.get_config() == config
    rebuilt = keras.metrics.deserialize(keras.metrics.serialize(metric))
    assert type(rebuilt) is type(metric) and rebuilt.get_config() == config
    np.testing.assert_array_equal(_update(clone, case, _two_chunks()),
                                  _update(metric, case, _two_chunks()))


def test_mean_metric_wrapper_and_custom_metric_with_variables():
    wrapper = keras.metrics.MeanMetricWrapper(keras.metrics.mean_absolute_error, name="m")
    rebuilt = keras.metrics.MeanMetricWrapper.from_config(wrapper.get_config())
    assert rebuilt._fn is keras.metrics.mean_absolute_error
    assert float(rebuilt([[1.0], [3.0]], [[2.0], [2.0]]).value) == 1.0

    class Positives(keras.metrics.Metric):
        def __init__(self, name="positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.count = self.add_variable(shape=(), initializer="zeros", name="count")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.count.assign_add(keras.ops.sum(keras.ops.cast(y_pred > 0.5, "float32")))

        def result(self):
            return self.count

    metric = Positives()
    metric.update_state(None, np.array([0.2, 0.7, 0.9]))
    assert float(metric.result().value) == 2.0 and len(metric.variables) == 1
    metric.reset_state()
    assert float(metric.result().value) == 0.0


def test_mean_and_sum_follow_keras_weighting():
    mean = keras.metrics.Mean()
    mean.update_state([1.0, 2.0, 3.0], sample_weight=2.0)  # a scalar weight weighs the mean
    assert float(mean.result().value) == 2.0 and mean.count == 2.0
    mean = keras.metrics.Mean()
    mean.update_state(np.ones((3, 2)), sample_weight=np.ones((3, 2)))  # one count per sample
    assert mean.count == 3.0
    total = keras.metrics.Sum()
    total.update_state([1.0, 2.0], sample_weight=[3.0, 0.5])
    assert float(total.result().value) == 4.0


# -- shapes and clear errors ---------------------------------------------------------------
def test_shape_errors_say_what_to_do():
    with pytest.raises(ValueError, match="to_categorical"):
        keras.metrics.F1Score().update_state(np.array([0, 2, 1]), np.eye(3))
    with pytest.raises(ValueError, match="to_categorical"):
        keras.metrics.Precision().update_state(np.array([0, 2, 1]), np.eye(3))
    f1 = keras.metrics.F1Score()
    f1.update_state(np.eye(3), np.eye(3))
    with pytest.raises(ValueError, match="one metric object per output"):
        f1.update_state(np.eye(2), np.eye(2))
    with pytest.raises(ValueError, match="2D inputs"):
        keras.metrics.F1Score().update_state(np.zeros((2, 3, 4)), np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match="class_id"):
        keras.metrics.Recall(class_id=1).update_state([1, 0], [0.7, 0.2])
    with pytest.raises(ValueError, match="rank 2"):
        keras.metrics.AUC(multi_label=True).update_state([1, 0], [0.7, 0.2])
    with pytest.raises(ValueError, match="sample_weight"):
        keras.metrics.Precision().update_state([1, 0], [0.7, 0.2], sample_weight=[1, 2, 3])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        keras.metrics.Precision(thresholds=[0.5, 1.5])
    with pytest.raises(ValueError, match="average"):
        keras.metrics.F1Score(average="samples")


def test_labels_of_shape_n_work_with_one_unit_outputs():
    y = np.array([1, 0, 1, 1], np.int64)
    p = np.array([[0.9], [0.6], [0.4], [0.8]], np.float32)
    for metric in (keras.metrics.Precision(), keras.metrics.Recall(), keras.metrics.AUC(),
                   keras.metrics.F1Score(), keras.metrics.BinaryAccuracy()):
        metric.update_state(y, p)
    assert float(keras.metrics.Precision()(y, p).value) == pytest.approx(2 / 3)
    assert float(keras.metrics.F1Score()(y, p).value[0]) == pytest.approx(
        skm.f1_score(y, p[:, 0] > 0.5))


# -- training: logs, per-output names, fast path, Titanic ------------------------------------
def _binary_model(units=1, activation="sigmoid"):
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                             keras.layers.Dense(units, activation=activation)])


def test_vector_results_are_arrays_in_history_and_means_on_screen(rng, capsys):
    x = rng.normal(size=(120, 4)).astype(np.float32)
    labels = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0.5).astype(int)
    model = _binary_model(3, "softmax")
    model.compile("adam", "categorical_crossentropy",
                  metrics=[keras.metrics.F1Score(), keras.metrics.F1Score(average="macro")])
    history = model.fit(x, np.eye(3)[labels], epochs=2, batch_size=32, verbose=2)
    per_class = history.history["f1_score"]
    assert len(per_class) == 2 and per_class[0].shape == (3,)
    macro = history.history["f1_score_1"]
    assert isinstance(macro[0], float) and macro[-1] == pytest.approx(per_class[-1].mean())
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert f"f1_score: {per_class[-1].mean():.4f}" in line
    evaluated = model.evaluate(x, np.eye(3)[labels], verbose=0, return_dict=True)
    assert evaluated["f1_score"].shape == (3,)
    np.testing.assert_allclose(
        evaluated["f1_score"],
        skm.f1_score(labels, model.predict(x, verbose=0).argmax(1), average=None), atol=1e-6)


def test_fast_path_and_tape_path_report_the_same_metrics(rng):
    x = rng.normal(size=(200, 4)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0.2).astype(np.float32)
    logs = []
    for eager in (False, True):
        keras.utils.set_random_seed(1)
        model = _binary_model()
        model.compile("adam", "binary_crossentropy", run_eagerly=eager, metrics=[
            "accuracy", keras.metrics.F1Score(), keras.metrics.Precision(),
            keras.metrics.Recall(), keras.metrics.AUC(), keras.metrics.AUC(curve="PR")])
        logs.append(model.fit(x, y, epochs=3, batch_size=16, verbose=0).history)
    assert sorted(logs[0]) == ["accuracy", "auc", "auc_1", "f1_score", "loss", "precision",
                               "recall"]
    for name in logs[0]:
        np.testing.assert_allclose(logs[0][name], logs[1][name], rtol=1e-5, atol=1e-6)


def test_per_output_metrics_on_a_two_output_model(rng):
    x = rng.normal(size=(96, 4)).astype(np.float32)
    y_cls = (x[:, 0] > 0).astype(np.float32)
    y_reg = (x[:, 1:3] * 2).astype(np.float32)
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    out_cls = keras.layers.Dense(1, activation="sigmoid", name="survived")(hidden)
    out_reg = keras.layers.Dense(2, name="fare")(hidden)
    model = keras.Model(inputs, [out_cls, out_reg])
    model.compile("adam", ["binary_crossentropy", "mse"], metrics={
        "survived": ["accuracy", keras.metrics.F1Score(), keras.metrics.AUC()],
        "fare": ["mae", keras.metrics.R2Score()]})
    history = model.fit(x, [y_cls, y_reg], epochs=2, batch_size=32, verbose=0)
    assert sorted(history.history) == [
        "fare_loss", "fare_mae", "fare_r2_score", "loss", "survived_accuracy", "survived_auc",
        "survived_f1_score", "survived_loss"]
    logs = model.evaluate(x, [y_cls, y_reg], verbose=0, return_dict=True)
    p_cls, p_reg = model.predict(x, verbose=0)
    assert logs["survived_f1_score"] == pytest.approx(skm.f1_score(y_cls, p_cls[:, 0] > 0.5),
                                                      abs=1e-6)
    assert logs["survived_accuracy"] == pytest.approx(
        skm.accuracy_score(y_cls, p_cls[:, 0] > 0.5), abs=1e-6)
    assert logs["fare_r2_score"] == pytest.approx(skm.r2_score(y_reg, p_reg), abs=1e-5)
    assert logs["fare_mae"] == pytest.approx(skm.mean_absolute_error(y_reg, p_reg), rel=1e-5)


def test_one_metric_object_for_two_outputs_gets_separate_state(rng):
    x = rng.normal(size=(64, 4)).astype(np.float32)
    ys = [(x[:, 0] > 0).astype(np.float32), (x[:, 1] > 0).astype(np.float32)]
    inputs = keras.Input((4,))
    outs = [keras.layers.Dense(1, activation="sigmoid", name=n)(inputs) for n in ("a", "b")]
    model = keras.Model(inputs, outs)
    f1 = keras.metrics.F1Score()
    model.compile("adam", ["binary_crossentropy"] * 2, metrics=[f1, "accuracy"],
                  weighted_metrics=["accuracy"])
    logs = model.evaluate(x, ys, verbose=0, return_dict=True)
    assert {"a_f1_score", "b_f1_score", "a_accuracy", "a_weighted_accuracy"} <= set(logs)
    preds = model.predict(x, verbose=0)
    for name, y, p in zip("ab", ys, preds):
        assert logs[f"{name}_f1_score"] == pytest.approx(skm.f1_score(y, p[:, 0] > 0.5),
                                                         abs=1e-6)
    model.compile("adam", ["binary_crossentropy"] * 2, metrics=[f1])  # a recompile
    assert "a_f1_score" in model.evaluate(x, ys, verbose=0, return_dict=True)


def test_string_metrics_keep_their_names(rng):
    x = rng.normal(size=(40, 4)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    model = _binary_model()
    model.compile("adam", "binary_crossentropy",
                  metrics=["acc", "mse", "AUC", "precision", "recall", "bce"])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert sorted(logs) == ["AUC", "acc", "bce", "loss", "mse", "precision", "recall"]


def test_titanic_f1_score_is_reported_during_training():
    """The course question "can you increase the F-score above 56%?" is answered by fit."""
    (x_train, y_train), (x_test, y_test) = keras.datasets.titanic.load_data()
    mean, std = x_train.mean(0), x_train.std(0) + 1e-6
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    model = keras.Sequential([keras.Input((x_train.shape[1],)),
                              keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.F1Score(), keras.metrics.Precision(),
                           keras.metrics.Recall()])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        history = model.fit(x_train, y_train, epochs=15, batch_size=32, verbose=2,
                            validation_data=(x_test, y_test))
    assert "- f1_score: " in out.getvalue() and "- val_f1_score: " in out.getvalue()
    f1 = history.history["f1_score"]
    assert all(isinstance(v, float) for v in f1 + history.history["val_f1_score"])
    assert len(set(np.round(f1, 6))) > 1  # it moves with training (not the all-positive F1)
    logs = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    hard = model.predict(x_test, verbose=0)[:, 0] > 0.5
    assert logs["f1_score"] == pytest.approx(skm.f1_score(y_test, hard), abs=1e-6)
    assert logs["precision"] == pytest.approx(skm.precision_score(y_test, hard), abs=1e-6)
    assert logs["recall"] == pytest.approx(skm.recall_score(y_test, hard), abs=1e-6)
    assert logs["f1_score"] > 0.6
