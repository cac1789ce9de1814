"""Rank 1 fails in its second epoch (``raise``, ``kill`` or ``hang``); rank 0 must not wait
forever. Run by tests/test_distribution_mpi.py under ``mpiexec -n 2``.
"""

import os
import signal
import sys
import time

import numpy as np

import keraslite as keras

failure = sys.argv[1]
keras.distribution.set_distribution(keras.distribution.DataParallel(timeout=None))
keras.distribution.barrier()  # both ranks are up (on a loaded machine that can take seconds)
keras.distribution.set_distribution(keras.distribution.DataParallel(timeout=2))
rank = keras.distribution.rank()


class Fail(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if rank != 1 or epoch != 1:
            return
        if failure == "raise":
            raise RuntimeError("rank 1 fails on purpose")
        if failure == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(30)  # "hang": rank 0 gives up after its 2 s timeout


x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
model.fit(x, x[:, :1], batch_size=16, epochs=3, verbose=0, callbacks=[Fail()])
print(f"rank {rank} finished", flush=True)
