"""A grid search over a keraslite wrapper, run on a real Dask cluster through joblib.

The cluster (``distributed.LocalCluster``: two worker processes, one thread each) is started
by the test; workers receive the pickled estimators (builder function included) and send the
fitted ones back.
"""

import numpy as np
import pytest

pytest.importorskip("sklearn")
distributed = pytest.importorskip("distributed")

import cloudpickle  # noqa: E402
import joblib  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

import keraslite as keras  # noqa: E402
from keraslite.wrappers import SKLearnClassifier  # noqa: E402


def build(X, y, hidden=8):
    model = keras.Sequential([keras.Input((X.shape[1],)),
                              keras.layers.Dense(hidden, activation="relu"),
                              keras.layers.Dense(y.shape[1], activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="categorical_crossentropy")
    return model


@pytest.fixture(scope="module")
def dask_client():
    import sys

    # Workers are fresh processes: ship this test module's functions by value.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def test_grid_search_on_dask_cluster(dask_client):
    X, y = make_classification(n_samples=200, n_features=6, n_informative=4, n_redundant=0,
                               n_classes=3, random_state=0)
    X = (X - X.mean(0)) / X.std(0)
    search = GridSearchCV(
        SKLearnClassifier(build, fit_kwargs={"epochs": 30, "verbose": 0}),
        {"model_kwargs": [{"hidden": 1}, {"hidden": 16}]}, cv=2, n_jobs=-1)
    with joblib.parallel_backend("dask"), distributed.get_task_stream(dask_client) as stream:
        search.fit(X, y)
    assert search.best_params_ == {"model_kwargs": {"hidden": 16}}
    assert search.best_score_ > 0.7
    assert np.mean(search.predict(X) == y) > 0.75
    # the fits ran as tasks on the cluster's worker processes
    workers = {task["worker"] for task in stream.data}
    assert len(stream.data) >= 4 and workers <= set(dask_client.scheduler_info()["workers"])


def test_fitted_estimator_travels_to_a_worker(dask_client):
    X, y = make_classification(n_samples=60, n_features=4, random_state=1)
    fitted = SKLearnClassifier(build, fit_kwargs={"epochs": 2, "verbose": 0}).fit(X, y)
    remote = dask_client.submit(lambda est, data: est.predict(data), fitted, X).result()
    np.testing.assert_array_equal(remote, fitted.predict(X))
