"""Keras 3's scikit-learn wrappers and Keras 2's KerasClassifier/KerasRegressor in
scikit-learn's tools: clone, Pipeline, cross_val_score, GridSearchCV (also with n_jobs)."""

import pickle
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import keraslite as keras  # noqa: E402
from keraslite.wrappers import (  # noqa: E402
    SKLearnClassifier,
    SKLearnRegressor,
    SKLearnTransformer,
)

QUIET = {"epochs": 40, "verbose": 0}


def classifier_model(X, y, hidden=16):
    model = keras.Sequential([keras.Input((X.shape[1],)),
                              keras.layers.Dense(hidden, activation="relu"),
                              keras.layers.Dense(y.shape[1], activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="categorical_crossentropy")
    return model


def regressor_model(X, y, hidden=16):
    model = keras.Sequential([keras.Input((X.shape[1],)),
                              keras.layers.Dense(hidden, activation="relu"),
                              keras.layers.Dense(y.shape[1])])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    return model


@pytest.fixture
def three_classes():
    X, y = make_classification(n_samples=240, n_features=6, n_informative=4, n_redundant=0,
                               n_classes=3, random_state=0)
    return StandardScaler().fit_transform(X), np.array(["a", "b", "c"])[y]


@pytest.fixture
def regression():
    X, y = make_regression(n_samples=200, n_features=5, noise=1.0, random_state=0)
    return X, y / y.std()


def test_classifier_learns_string_labels(three_classes):
    X, y = three_classes
    clf = SKLearnClassifier(classifier_model, fit_kwargs=QUIET).fit(X, y)
    assert list(clf.classes_) == ["a", "b", "c"]
    assert clf.predict(X).dtype == y.dtype and clf.score(X, y) > 0.8
    assert clf.decision_function(X).shape == (240, 3)
    assert clf.n_features_in_ == 6 and clf.epoch_ == 40 and len(clf.history_["loss"]) == 40


def test_regressor_and_transformer(regression):
    X, y = regression
    reg = SKLearnRegressor(regressor_model, fit_kwargs=QUIET).fit(X, y)
    assert reg.predict(X).shape == (200,) and reg.score(X, y) > 0.9
    two = SKLearnRegressor(regressor_model, fit_kwargs=QUIET).fit(X, np.c_[y, -y])
    assert two.predict(X).shape == (200, 2)
    trans = SKLearnTransformer(regressor_model, fit_kwargs=QUIET)
    assert trans.fit_transform(X, np.c_[y, 2 * y]).shape == (200, 2)


def test_model_instance_is_cloned_compiled_unless_warm_start(three_classes):
    X, y = three_classes
    given = classifier_model(X, np.zeros((1, 3)))
    before = [w.copy() for w in given.get_weights()]
    clf = SKLearnClassifier(given, fit_kwargs=QUIET).fit(X, y)
    assert clf.model_ is not given and clf.model_.optimizer is not given.optimizer
    assert all(np.array_equal(a, b) for a, b in zip(before, given.get_weights()))
    assert clf.score(X, y) > 0.8
    warm = SKLearnClassifier(given, warm_start=True, fit_kwargs={"epochs": 1, "verbose": 0})
    warm.fit(X, y)
    assert warm.model_ is given
    first = warm.model_
    warm.fit(X, y)
    assert warm.model_ is first and first.optimizer.iterations.numpy() == 2 * 8


def test_fit_kwargs_precedence_and_clone(three_classes):
    X, y = three_classes
    params = {"epochs": 3, "verbose": 0}
    clf = SKLearnClassifier(classifier_model, model_kwargs={"hidden": 4}, fit_kwargs=params)
    clf.fit(X, y, epochs=2)
    assert clf.epoch_ == 2 and params == {"epochs": 3, "verbose": 0}  # not written into
    copy = clone(clf)
    assert copy.get_params() == clf.get_params() and not hasattr(copy, "model_")
    assert copy.model_kwargs is not clf.model_kwargs


def test_fitted_models_pickle_and_keep_training(three_classes):
    """Transport by pickle (joblib, Dask): Sequential and Functional models, after fit."""
    X, y = three_classes
    inputs = keras.Input((6,))
    hidden = keras.layers.BatchNormalization()(keras.layers.Dense(8, activation="relu")(inputs))
    functional = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(hidden))
    functional.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    onehot = np.eye(3)[np.searchsorted(["a", "b", "c"], y)]
    for model in (classifier_model(X, onehot), functional):
        model.fit(X, onehot, epochs=2, verbose=0)
        copy = pickle.loads(pickle.dumps(model))
        np.testing.assert_array_equal(copy.predict(X, verbose=0), model.predict(X, verbose=0))
        assert copy.optimizer.iterations.numpy() == model.optimizer.iterations.numpy()
        assert len(copy.fit(X, onehot, epochs=1, verbose=0).history["loss"]) == 1


def test_pipeline_cross_val_score_and_pickle(three_classes):
    X, y = three_classes
    pipe = make_pipeline(StandardScaler(), SKLearnClassifier(classifier_model, fit_kwargs=QUIET))
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.7
    fitted = pipe.fit(X, y)
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.predict(X), fitted.predict(X))


@pytest.mark.parametrize("backend,n_jobs", [("loky", 1), ("loky", 2), ("threading", 2)])
def test_grid_search(three_classes, backend, n_jobs):
    import joblib

    X, y = three_classes
    search = GridSearchCV(SKLearnClassifier(classifier_model, fit_kwargs=QUIET),
                          {"model_kwargs": [{"hidden": 2}, {"hidden": 16}],
                           "fit_kwargs": [{"epochs": 1, "verbose": 0}, QUIET]},
                          cv=2, n_jobs=n_jobs, error_score="raise")
    with joblib.parallel_backend(backend):  # threads take turns (one tape per process)
        search.fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_params_["fit_kwargs"] == QUIET
    assert search.best_score_ > 0.6 and search.best_estimator_.epoch_ == 40


def test_errors_name_the_fix(three_classes):
    X, y = three_classes
    uncompiled = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])
    with pytest.raises(RuntimeError, match="compile"):
        SKLearnClassifier(uncompiled).fit(X, y)
    with pytest.raises(ValueError, match="SKLearnRegressor"):
        SKLearnClassifier(classifier_model).fit(X, np.linspace(0, 1, len(X)))
    with pytest.raises(ValueError, match="two classes"):
        SKLearnClassifier(classifier_model).fit(X, np.ones(len(X)))
    with pytest.raises(TypeError, match="callable"):
        SKLearnClassifier("mlp").fit(X, y)


# -- Keras 2: keras.wrappers.scikit_learn ------------------------------------------------------

def keras2_model(units=8, optimizer="adam"):
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(units, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def test_keras2_classifier_in_grid_search(three_classes):
    from keraslite.wrappers import scikit_learn

    X, y = three_classes
    scikit_learn._NOTED.discard("KerasClassifier")
    with pytest.warns(keras.KerasliteDeprecationWarning, match="SKLearnClassifier"):
        clf = scikit_learn.KerasClassifier(build_fn=keras2_model, epochs=40, batch_size=16,
                                           verbose=0)
    with pytest.raises(ValueError, match="not a legal parameter"):
        scikit_learn.KerasClassifier(build_fn=keras2_model, epoch=3)
    search = GridSearchCV(clf, {"units": [2, 16]}, cv=2).fit(X, y)
    assert search.best_params_ == {"units": 16} and search.best_score_ > 0.6
    best = search.best_estimator_
    assert best.predict(X).dtype == y.dtype
    assert best.predict_proba(X).shape == (240, 3)
    assert abs(best.score(X, y) - np.mean(best.predict(X) == y)) < 1e-6


def test_keras2_regressor(regression):
    from keraslite.wrappers.scikit_learn import KerasRegressor

    def build():
        model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
        return model

    X, y = regression
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", keras.KerasliteDeprecationWarning)
        reg = KerasRegressor(build_fn=build, epochs=60, verbose=0)
    reg.fit(X, y)
    assert reg.predict(X).shape == (200,) and reg.score(X, y) > -0.1
    assert cross_val_score(clone(reg), X, y, cv=2).shape == (2,)


def test_served_import_paths(served):
    import keras
    import tensorflow as tf
    from keras.wrappers.scikit_learn import KerasClassifier
    from tensorflow.keras.wrappers.scikit_learn import KerasRegressor

    assert keras.wrappers.SKLearnClassifier is SKLearnClassifier
    assert tf.keras.wrappers.SKLearnRegressor is SKLearnRegressor
    from keraslite.wrappers import scikit_learn

    assert KerasClassifier is scikit_learn.KerasClassifier
    assert KerasRegressor is scikit_learn.KerasRegressor


def test_sample_weight_routed_to_fit(three_classes):
    import sklearn
    from sklearn.model_selection import cross_validate

    X, y = three_classes
    est = SKLearnClassifier(classifier_model, fit_kwargs={"epochs": 1, "verbose": 0})
    with pytest.raises(RuntimeError, match="enable_metadata_routing"):
        est.set_fit_request(sample_weight=True)
    with sklearn.config_context(enable_metadata_routing=True):
        est.set_fit_request(sample_weight=True)
        scores = cross_validate(est, X, y, cv=2, params={"sample_weight": np.ones(len(y))})
    assert scores["test_score"].shape == (2,)
