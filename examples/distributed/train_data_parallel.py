"""Data-parallel training over MPI: the Titanic network on every rank, one shard each.

    pip install "keraslite[mpi]"
    mpiexec -n 2 python examples/distributed/train_data_parallel.py

Without mpiexec the same script trains in one process, with the same result (up to float32
rounding): batch_size is the global batch, shared out among the ranks.
"""

import keraslite as keras

keras.distribution.set_distribution(keras.distribution.DataParallel())
rank = keras.distribution.rank()

(x_train, y_train), (x_test, y_test) = keras.datasets.titanic.load_data()  # on every rank
mean, std = x_train.mean(axis=0), x_train.std(axis=0)
x_train, x_test = (x_train - mean) / std, (x_test - mean) / std

keras.utils.set_random_seed(0)  # rank 0's initial weights are broadcast to the others
model = keras.Sequential([
    keras.Input(shape=(9,)),
    keras.layers.Dense(20, activation="relu"),
    keras.layers.Dense(10, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=64, epochs=30, validation_split=0.1, verbose=2,
          callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=5)])
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)  # over all ranks, on every rank
print(f"rank {rank} of {keras.distribution.num_processes()}: test loss {loss:.4f}, "
      f"accuracy {accuracy:.4f}")
