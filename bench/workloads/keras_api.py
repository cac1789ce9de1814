"""The workloads through the Keras API: run with ``--lib keraslite`` or ``--lib keras``.

The same code serves keraslite (``import keraslite as keras``, public API only) and Keras 3
(whose backend comes from ``KERAS_BACKEND``: jax or tensorflow), so both run exactly the same
model, data and calls.

Usage: python keras_api.py WORKLOAD --lib keraslite|keras [--quick]
"""

from __future__ import annotations

import importlib
import sys
import time
import warnings

import numpy as np
from common import (
    AUGMENT,
    CNN_MNIST,
    CONV1D,
    GRIDSEARCH,
    MLP,
    MLP_PREDICT_WARMUP_ROWS,
    MLP_WARMUP_ROWS,
    SEED,
    SMALL_BATCH,
    TITANIC,
    TITANIC_ADAM,
    augment_data,
    conv_data,
    emit,
    epoch_timer,
    median,
    mlp_data,
    peak_rss_mb,
    quick,
    seed_data,
    steps_per_epoch,
    titanic_data,
    workload_arg,
)

LIB = sys.argv[sys.argv.index("--lib") + 1] if "--lib" in sys.argv else "keraslite"
warnings.simplefilter("ignore")  # keraslite warns (rightly) about the seed model's 1-unit softmax
keras = importlib.import_module(LIB)
layers = keras.layers

EpochTimer = epoch_timer(keras)


def seed_model():
    model = keras.Sequential([
        keras.Input((3,)), layers.Dense(5, activation="sigmoid"),
        layers.Dense(1, activation="softmax"),
    ])
    model.compile(loss="mse", optimizer="sgd", metrics=["accuracy"])
    return model


def titanic_model(optimizer="sgd"):
    model = keras.Sequential([
        keras.Input((9,)), layers.Dense(20, activation="sigmoid"),
        layers.Dense(10, activation="relu"), layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    return model


def titanic_variant(variant):
    """The titanic network with one extra layer (issue 14): Dropout(0.2) or BatchNormalization
    after the first hidden layer, or the second hidden layer as Dense(10) + LeakyReLU.
    """
    first = [layers.Dense(20, activation="sigmoid")]
    second = [layers.Dense(10, activation="relu")]
    if variant == "dropout":
        first.append(layers.Dropout(0.2))
    elif variant == "bn":
        first.append(layers.BatchNormalization())
    elif variant == "leaky":
        second = [layers.Dense(10), layers.LeakyReLU()]
    model = keras.Sequential([keras.Input((9,)), *first, *second,
                              layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="sgd", metrics=["accuracy"])
    return model


def mlp_model(regularized=False):
    h = MLP["hidden"]
    hidden = [layers.Dense(h, activation="relu"), layers.Dense(h, activation="relu")]
    if regularized:  # mlp-reg: BatchNormalization after the first, Dropout after each hidden
        hidden = [hidden[0], layers.BatchNormalization(), layers.Dropout(0.2), hidden[1],
                  layers.Dropout(0.2)]
    model = keras.Sequential([
        keras.Input((MLP["features"],)), *hidden,
        layers.Dense(MLP["classes"], activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam",
                  metrics=["accuracy"])
    return model


def test_accuracy(model, x, y):
    p = model.predict(x, verbose=0).reshape(-1)
    return float(((p > 0.5) == (y > 0.5)).mean())


def run_seed():
    x, y = seed_data()
    model = seed_model()
    t0 = time.perf_counter()
    model.fit(x, y, epochs=SEED["epochs"], batch_size=SEED["batch"], verbose=0)
    return {"fit_s": time.perf_counter() - t0}


def run_titanic():
    x, y, xt, yt = titanic_data()
    t0 = time.perf_counter()  # the first fit of a fresh model, model building included
    model = titanic_model()
    model.fit(x, y, epochs=TITANIC["epochs"], batch_size=TITANIC["batch"], verbose=0)
    elapsed = time.perf_counter() - t0
    return {"first_fit_s": elapsed, "test_acc": test_accuracy(model, xt, yt)}


def run_small_batch(variant=None):
    x, y, _, _ = titanic_data()
    model = titanic_model() if variant is None else titanic_variant(variant)
    timer = EpochTimer()
    epochs = SMALL_BATCH["quick_epochs" if quick() else "epochs"]
    model.fit(x, y, epochs=epochs, batch_size=SMALL_BATCH["batch"], verbose=0,
              callbacks=[timer])
    steps = steps_per_epoch(len(x), SMALL_BATCH["batch"])
    per_step = [t / steps * 1e6 for t in timer.times[1:]]
    return {"us_per_step": median(per_step), "epochs_us": per_step}


def run_titanic_adam():
    x, y, xt, yt = titanic_data(standardize=True)
    model = titanic_model("adam")
    t0 = time.perf_counter()
    model.fit(x, y, epochs=TITANIC_ADAM["epochs"], batch_size=TITANIC_ADAM["batch"], verbose=0)
    elapsed = time.perf_counter() - t0
    return {"fit_s": elapsed, "test_acc": test_accuracy(model, xt, yt)}


def run_mlp(regularized=False):
    x, y = mlp_data()
    model = mlp_model(regularized)
    batch = MLP["batch"]
    # Warm-up (compilation, first steps), then one timed epoch over all 60,000 rows.
    model.fit(x[:MLP_WARMUP_ROWS], y[:MLP_WARMUP_ROWS], epochs=1, batch_size=batch, verbose=0)
    timer = EpochTimer()
    t0 = time.perf_counter()
    model.fit(x, y, epochs=1, batch_size=batch, verbose=0, callbacks=[timer])
    fit_s = time.perf_counter() - t0
    step_ms = timer.times[0] / steps_per_epoch(len(x), batch) * 1e3
    pb = MLP["predict_batch"]
    model.predict(x[:MLP_PREDICT_WARMUP_ROWS], batch_size=pb, verbose=0)
    t0 = time.perf_counter()
    p = model.predict(x, batch_size=pb, verbose=0)
    predict_s = time.perf_counter() - t0
    assert np.asarray(p).shape == (MLP["n"], MLP["classes"])
    return {"step_ms": step_ms, "epoch_fit_s": fit_s, "predict_s": predict_s,
            "rss_peak_mb": peak_rss_mb()}


def run_augment():
    """One epoch through the image augmentation layers (active in fit), after a warm-up."""
    x, y = augment_data()
    size, batch = AUGMENT["size"], AUGMENT["batch"]
    model = keras.Sequential([
        keras.Input((size, size, AUGMENT["channels"])),
        layers.RandomFlip("horizontal", seed=1), layers.RandomRotation(0.1, seed=2),
        layers.RandomZoom(0.1, seed=3), layers.RandomContrast(0.2, seed=4),
        layers.Resizing(AUGMENT["resize"], AUGMENT["resize"]), layers.Rescaling(1 / 255),
        layers.Flatten(), layers.Dense(AUGMENT["classes"], activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x[:2 * batch], y[:2 * batch], epochs=1, batch_size=batch, verbose=0)
    timer = EpochTimer()
    model.fit(x, y, epochs=1, batch_size=batch, verbose=0, callbacks=[timer])
    return {"aug_step_ms": timer.times[0] / steps_per_epoch(len(x), batch) * 1e3}


def run_gridsearch():
    """GridSearchCV over Keras 3's SKLearnClassifier (keras.wrappers; scikit-learn needed)."""
    try:
        from sklearn.model_selection import GridSearchCV
    except ImportError:
        sys.exit("gridsearch needs scikit-learn in this interpreter (bench/setup_peers.sh)")
    wrappers = importlib.import_module(f"{LIB}.wrappers")
    x, y, xt, yt = titanic_data(standardize=True)

    def build(X, y, hidden):
        model = keras.Sequential([keras.Input((X.shape[1],)),
                                  layers.Dense(hidden, activation="relu"),
                                  layers.Dense(y.shape[1], activation="softmax")])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        return model

    epochs = GRIDSEARCH["quick_epochs" if quick() else "epochs"]
    fit_kwargs = {"epochs": epochs, "batch_size": GRIDSEARCH["batch"], "verbose": 0}
    estimator = wrappers.SKLearnClassifier(build, model_kwargs={"hidden": 10},
                                           fit_kwargs=fit_kwargs)
    # fit_kwargs goes in the grid too: Keras 3's __sklearn_clone__ drops it from the clones
    # GridSearchCV fits (they would train 1 epoch at batch 32 with a progress bar).
    grid = {"model_kwargs": [{"hidden": h} for h in GRIDSEARCH["hidden"]],
            "fit_kwargs": [fit_kwargs]}
    search = GridSearchCV(estimator, grid, cv=GRIDSEARCH["cv"])
    t0 = time.perf_counter()
    search.fit(x, y)
    elapsed = time.perf_counter() - t0
    return {"search_s": elapsed, "test_acc": float(search.score(xt, yt))}


def cnn_mnist_model():
    model = keras.Sequential([
        keras.Input(CNN_MNIST["shape"]), layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2), layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dropout(0.5), layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam",
                  metrics=["accuracy"])
    return model


def conv1d_model():
    model = keras.Sequential([
        keras.Input(CONV1D["shape"]), layers.Conv1D(32, 5, activation="relu", padding="same"),
        layers.MaxPooling1D(2), layers.Conv1D(64, 3, activation="relu"),
        layers.GlobalAveragePooling1D(), layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam",
                  metrics=["accuracy"])
    return model


def run_convnet(spec, build):
    """First fit of a fresh model (warm-up steps), then one timed epoch: ms per step."""
    batch = spec["batch"]
    steps = spec["quick_steps" if quick() else "steps"]
    warm = spec["warmup_steps"] * batch
    x, y = conv_data(spec, warm + steps * batch)
    t0 = time.perf_counter()
    model = build()
    model.fit(x[:warm], y[:warm], epochs=1, batch_size=batch, verbose=0)
    first_fit_s = time.perf_counter() - t0
    timer = EpochTimer()
    model.fit(x[warm:], y[warm:], epochs=1, batch_size=batch, verbose=0, callbacks=[timer])
    return {"step_ms": timer.times[0] / steps * 1e3, "first_fit_s": first_fit_s}


def run_cnn_mnist():
    return run_convnet(CNN_MNIST, cnn_mnist_model)


def run_conv1d():
    return run_convnet(CONV1D, conv1d_model)


WORKLOADS = {"seed": run_seed, "titanic": run_titanic, "small_batch": run_small_batch,
             "small_batch_dropout": lambda: run_small_batch("dropout"),
             "small_batch_bn": lambda: run_small_batch("bn"),
             "small_batch_leaky": lambda: run_small_batch("leaky"),
             "titanic_adam": run_titanic_adam, "mlp": run_mlp,
             "mlp_reg": lambda: run_mlp(regularized=True), "augment": run_augment,
             "gridsearch": run_gridsearch, "cnn_mnist": run_cnn_mnist, "conv1d": run_conv1d}

if __name__ == "__main__":
    emit(WORKLOADS[workload_arg(WORKLOADS)]())
