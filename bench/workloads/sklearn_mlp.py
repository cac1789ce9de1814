"""The workloads with scikit-learn's MLPClassifier / MLPRegressor.

Matching the Keras models as closely as scikit-learn allows:
- one activation for all hidden layers: seed uses 'logistic' (exact: one sigmoid layer);
  titanic's sigmoid-then-relu becomes 'logistic' for both (the wider, costlier first layer
  matches; the 10-unit relu layer becomes a sigmoid); mlp-large is 'relu' (exact);
- the output layer follows from the estimator: MLPClassifier ends in a sigmoid with log loss
  for two classes (= sigmoid + binary_crossentropy) and a softmax with log loss for ten
  (= softmax + sparse_categorical_crossentropy); the seed model's Dense(1, softmax) with mse
  has no equivalent, so MLPRegressor (identity output, squared error) stands in;
- Keras' optimizer defaults: sgd at learning rate 0.01 without momentum (scikit-learn's default
  is momentum 0.9 with Nesterov), adam at 0.001 with epsilon 1e-7; no L2 penalty (alpha=0);
- every epoch runs: n_iter_no_change is set above max_iter, so no early stop on a plateau.

Step times: scikit-learn has no per-epoch callback, so ``partial_fit`` (one epoch over the
data it is given, with the same shuffling and mini-batches as ``fit``) runs one epoch per
call; a step is that call's wall time divided by its number of mini-batches. For mlp-large,
a first ``partial_fit`` on the warm-up rows precedes the timed one over all 60,000 rows, as
for the other peers. That time includes the per-call input checks and the epoch's shuffled
copy of x, as an epoch of ``fit`` would. ``predict_proba`` has no batch size: it runs all
60,000 rows through the network at once.

Usage: python sklearn_mlp.py WORKLOAD [--quick]
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from common import (
    GRIDSEARCH,
    MLP,
    MLP_PREDICT_WARMUP_ROWS,
    MLP_WARMUP_ROWS,
    SEED,
    SMALL_BATCH,
    TITANIC,
    TITANIC_ADAM,
    emit,
    median,
    mlp_data,
    peak_rss_mb,
    quick,
    seed_data,
    steps_per_epoch,
    titanic_data,
    workload_arg,
)
from sklearn.neural_network import MLPClassifier, MLPRegressor

warnings.simplefilter("ignore")  # ConvergenceWarning after a fixed number of epochs

SGD = {"solver": "sgd", "learning_rate_init": 0.01, "momentum": 0.0,
       "nesterovs_momentum": False}
ADAM = {"solver": "adam", "learning_rate_init": 0.001, "epsilon": 1e-7}


def common_args(epochs, batch):
    return {"alpha": 0.0, "batch_size": batch, "max_iter": epochs,
            "n_iter_no_change": epochs + 1, "shuffle": True, "random_state": 0}


def titanic_model(epochs, batch, solver):
    return MLPClassifier(hidden_layer_sizes=(20, 10), activation="logistic",
                         **solver, **common_args(epochs, batch))


def run_seed():
    x, y = seed_data()
    model = MLPRegressor(hidden_layer_sizes=(5,), activation="logistic", **SGD,
                         **common_args(SEED["epochs"], SEED["batch"]))
    t0 = time.perf_counter()
    model.fit(x, y)
    return {"fit_s": time.perf_counter() - t0, "epochs_run": model.n_iter_}


def run_titanic():
    x, y, xt, yt = titanic_data()
    t0 = time.perf_counter()  # the first fit of a fresh model, model building included
    model = titanic_model(TITANIC["epochs"], TITANIC["batch"], SGD)
    model.fit(x, y)
    elapsed = time.perf_counter() - t0
    return {"first_fit_s": elapsed, "test_acc": float(model.score(xt, yt)),
            "epochs_run": model.n_iter_}


def run_small_batch():
    x, y, _, _ = titanic_data()
    epochs = SMALL_BATCH["quick_epochs" if quick() else "epochs"]
    model = titanic_model(epochs, SMALL_BATCH["batch"], SGD)
    times = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        model.partial_fit(x, y, classes=[0.0, 1.0])
        times.append(time.perf_counter() - t0)
    steps = steps_per_epoch(len(x), SMALL_BATCH["batch"])
    per_step = [t / steps * 1e6 for t in times[1:]]
    return {"us_per_step": median(per_step), "epochs_us": per_step}


def run_titanic_adam():
    x, y, xt, yt = titanic_data(standardize=True)
    model = titanic_model(TITANIC_ADAM["epochs"], TITANIC_ADAM["batch"], ADAM)
    t0 = time.perf_counter()
    model.fit(x, y)
    elapsed = time.perf_counter() - t0
    return {"fit_s": elapsed, "test_acc": float(model.score(xt, yt)),
            "epochs_run": model.n_iter_}


def run_mlp():
    x, y = mlp_data()
    batch = MLP["batch"]
    model = MLPClassifier(hidden_layer_sizes=(MLP["hidden"], MLP["hidden"]), activation="relu",
                          **ADAM, **common_args(1, batch))
    classes = np.arange(MLP["classes"])
    w = MLP_WARMUP_ROWS
    model.partial_fit(x[:w], y[:w], classes=classes)
    t0 = time.perf_counter()
    model.partial_fit(x, y)
    epoch_s = time.perf_counter() - t0
    step_ms = epoch_s / steps_per_epoch(len(x), batch) * 1e3
    model.predict_proba(x[:MLP_PREDICT_WARMUP_ROWS])
    t0 = time.perf_counter()
    p = model.predict_proba(x)
    predict_s = time.perf_counter() - t0
    assert p.shape == (MLP["n"], MLP["classes"])
    return {"step_ms": step_ms, "epoch_fit_s": epoch_s, "predict_s": predict_s,
            "rss_peak_mb": peak_rss_mb(), "coef_dtype": str(model.coefs_[0].dtype)}


def run_gridsearch():
    """GridSearchCV over MLPClassifier's one hidden layer (relu, adam), as the Keras peers."""
    from sklearn.model_selection import GridSearchCV

    x, y, xt, yt = titanic_data(standardize=True)
    epochs = GRIDSEARCH["quick_epochs" if quick() else "epochs"]
    estimator = MLPClassifier(activation="relu", **ADAM,
                              **common_args(epochs, GRIDSEARCH["batch"]))
    search = GridSearchCV(estimator, {"hidden_layer_sizes": [(h,) for h in GRIDSEARCH["hidden"]]},
                          cv=GRIDSEARCH["cv"])
    t0 = time.perf_counter()
    search.fit(x, y)
    elapsed = time.perf_counter() - t0
    return {"search_s": elapsed, "test_acc": float(search.score(xt, yt))}


WORKLOADS = {"seed": run_seed, "titanic": run_titanic, "small_batch": run_small_batch,
             "titanic_adam": run_titanic_adam, "mlp": run_mlp, "gridsearch": run_gridsearch}

if __name__ == "__main__":
    emit(WORKLOADS[workload_arg(WORKLOADS)]())
