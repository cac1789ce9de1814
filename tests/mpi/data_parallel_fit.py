"""Train, evaluate and predict with DataParallel; run by tests/test_distribution_mpi.py.

``python data_parallel_fit.py OUT`` is the single-process reference; under
``mpiexec -n N`` the same script trains data-parallel. Rank 0 writes ``OUT`` (an .npz of the
results); every rank checks that its logs and weights equal rank 0's.
"""

import json
import os
import sys

import numpy as np

import keraslite as keras

out_path = sys.argv[1]
folder = os.path.dirname(out_path)
keras.distribution.set_distribution(keras.distribution.DataParallel(timeout=60))
rank, size = keras.distribution.rank(), keras.distribution.num_processes()

rng = np.random.default_rng(0)
n = 125  # with batch 32 and validation_split 0.2: batches of 32, 32, 32, 4 rows
x = rng.normal(size=(n, 6)).astype("float32")
y = (x[:, 0] + 0.5 * x[:, 1] - x[:, 2] > 0).astype("int64") + (x[:, 3] > 1)
weights = rng.uniform(0.5, 1.5, size=n).astype("float32")
results = {}


def model_fast():
    return keras.Sequential([keras.Input((6,)), keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dense(3, activation="softmax")])


def model_tape():
    # a regularizer and a Dropout(0.0) keep this model on the general (tape) path
    return keras.Sequential([
        keras.Input((6,)),
        keras.layers.Dense(16, activation="tanh",
                           kernel_regularizer=keras.regularizers.L2(1e-3)),
        keras.layers.Dropout(0.0),
        keras.layers.Dense(3, activation="softmax")])


class Recorder(keras.callbacks.Callback):
    """Keeps the per-batch logs (aggregated over ranks, so the same on every rank)."""

    def __init__(self):
        super().__init__()
        self.losses = []

    def on_train_batch_end(self, batch, logs=None):
        self.losses.append(logs["loss"])


def model_sync_bn():
    return keras.Sequential([
        keras.Input((6,)), keras.layers.Dense(16, use_bias=False),  # BN removes any bias
        keras.layers.BatchNormalization(synchronized=True, momentum=0.5),
        keras.layers.Activation("relu"), keras.layers.Dense(3, activation="softmax")])


class CustomStep(keras.Model):
    """The "customizing fit()" pattern: its own train_step with a GradientTape."""

    def train_step(self, data):
        xb, yb, sw = keras.utils.unpack_x_y_sample_weight(data)
        with keras.GradientTape() as tape:
            pred = self(xb, training=True)
            loss = self.compute_loss(x=xb, y=yb, y_pred=pred, sample_weight=sw)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return self.compute_metrics(xb, yb, pred, sample_weight=sw)


def model_custom():
    inputs = keras.Input((6,))
    hidden = keras.layers.Dense(16, activation="relu")(inputs)
    return CustomStep(inputs, keras.layers.Dense(3, activation="softmax")(hidden))


class Batches(keras.utils.PyDataset):
    """The first ``rows`` rows in batches of 32 (the last one smaller), for fit and evaluate."""

    def __init__(self, rows, start=0, **kwargs):
        super().__init__(**kwargs)
        self.start, self.rows = start, rows

    def __len__(self):
        return -(-self.rows // 32)

    def __getitem__(self, i):
        sl = slice(self.start + 32 * i, self.start + min(32 * (i + 1), self.rows))
        return x[sl], y[sl], weights[sl]


SCENARIOS = (("fast", model_fast, n), ("tape", model_tape, n), ("custom", model_custom, n),
             ("sync_bn", model_sync_bn, n),
             # 98 rows: the last batch has 2 rows, so with 3 ranks one shard is empty
             ("fast_empty", model_fast, 98), ("tape_empty", model_tape, 98),
             # a PyDataset: every rank reads each batch and trains on its share of the rows
             ("pydataset", model_fast, "pydataset"))
for name, build, rows in SCENARIOS:
    keras.utils.set_random_seed(1 + rank)  # different seeds: rank 0's weights must win
    model = build()
    if rank == 0:
        keras.utils.set_random_seed(1)
        model = build()
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    keras.utils.set_random_seed(7 + rank)  # shuffles differ per rank: rank 0's must win
    callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", patience=0,
                                               min_delta=0.01),
                 keras.callbacks.CSVLogger(os.path.join(folder, f"{name}.csv"))]
    if name == "tape":
        callbacks.append(Recorder())
    if rows == "pydataset":  # 98 rows: 32, 32, 32, 2 (an empty shard with 3 ranks)
        history = model.fit(Batches(98), epochs=4, verbose=0, callbacks=callbacks[1:],
                            validation_data=Batches(27, start=98))
    else:
        history = model.fit(x[:rows], y[:rows], sample_weight=weights[:rows], batch_size=32,
                            epochs=4, validation_split=0.2 if rows == n else 0.0, verbose=0,
                            callbacks=callbacks if rows == n else [])
    logs = history.history
    results[f"{name}_history"] = json.dumps(logs, sort_keys=True)
    if name == "tape":
        results[f"{name}_batch_losses"] = np.array(callbacks[-1].losses)
    results[f"{name}_evaluate"] = np.array(model.evaluate(x, y, batch_size=20, verbose=0))
    if name == "pydataset":
        results[f"{name}_evaluate_source"] = np.array(model.evaluate(Batches(n), verbose=0))
    results[f"{name}_predict"] = model.predict(x[:37], batch_size=8, verbose=0)
    flat = np.concatenate([w.reshape(-1) for w in model.get_weights()])
    results[f"{name}_weights"] = flat
    if name != "custom":
        model.save(os.path.join(folder, f"{name}.keras"))
    if size > 1:
        from mpi4py import MPI

        comm = MPI.COMM_WORLD
        mine = [flat, results[f"{name}_evaluate"], results[f"{name}_predict"]]
        for array, theirs in zip(mine, comm.bcast(mine, root=0)):
            assert np.array_equal(array, theirs), f"rank {rank} differs from rank 0 ({name})"
        assert comm.bcast(results[f"{name}_history"], root=0) == results[f"{name}_history"]

# predict without fit: rank 0's weights are used everywhere; several outputs are gathered
keras.utils.set_random_seed(3 + rank)
inputs = keras.Input((6,))
hidden = keras.layers.Dense(8, activation="relu")(inputs)
two = keras.Model(inputs, [keras.layers.Dense(2)(hidden), keras.layers.Dense(1)(hidden)])
if rank == 0:
    keras.utils.set_random_seed(3)
    two.set_weights(keras.models.clone_model(two).get_weights())
for i, out in enumerate(two.predict(x[:37], batch_size=8, verbose=0)):
    results[f"two_outputs_predict_{i}"] = out

if rank == 0:
    np.savez(out_path, **results)
print(f"rank {rank} of {size}: ok", flush=True)
