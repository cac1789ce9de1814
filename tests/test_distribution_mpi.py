"""Data-parallel training over MPI: real ``mpiexec -n 2`` and ``-n 3`` runs against one process.

The MPI tests start real MPI processes with the ``mpiexec`` of the ``mpich`` wheel (the ``mpi``
and ``test`` extras install it); they are skipped only where no ``mpiexec`` exists.
"""

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import keraslite as keras
from keraslite.autodiff.gradcheck import check_gradients
from keraslite.distribution.comm import DistributedError, World, check_world_size
from keraslite.distribution.sync_bn import synchronized_normalize
from keraslite.distribution.worker import Worker, shard_bounds

SCRIPTS = Path(__file__).parent / "mpi"


def _mpiexec():
    """The mpiexec beside this Python (a venv with the mpich wheel), else one on PATH."""
    beside = Path(sys.executable).parent / "mpiexec"
    return str(beside) if beside.exists() else shutil.which("mpiexec")


def _env():
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    src = str(Path(keras.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([src] + [p for p in [env.get("PYTHONPATH")] if p])
    return env


def _run(ranks, script, *args, timeout=120):
    command = [sys.executable, str(SCRIPTS / script), *map(str, args)]
    if ranks:
        command = [_mpiexec(), "-n", str(ranks)] + command
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=_env(),
                          stdin=subprocess.DEVNULL)


needs_mpi = pytest.mark.skipif(
    _mpiexec() is None, reason="no `mpiexec` found: pip install \"keraslite[mpi]\" (mpi4py and "
    "the mpich wheel) to run the multi-process tests")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    folder = tmp_path_factory.mktemp("single")
    done = _run(0, "data_parallel_fit.py", folder / "out.npz")
    assert done.returncode == 0, done.stderr
    return folder


@needs_mpi
@pytest.mark.parametrize("ranks", [2, 3])
def test_data_parallel_fit_equals_single_process(ranks, reference, tmp_path):
    pytest.importorskip("mpi4py", reason="mpi4py missing: pip install \"keraslite[mpi]\"")
    done = _run(ranks, "data_parallel_fit.py", tmp_path / "out.npz")
    assert done.returncode == 0, done.stdout + done.stderr
    # every rank asserted it ended with rank 0's weights, logs, evaluation and predictions
    assert sorted(re.findall(r"rank \d of \d: ok", done.stdout)) == [
        f"rank {r} of {ranks}: ok" for r in range(ranks)], done.stdout
    single, multi = np.load(reference / "out.npz"), np.load(tmp_path / "out.npz")
    assert single.files == multi.files
    for key in single.files:
        if key.endswith("_history"):
            one, many = json.loads(str(single[key])), json.loads(str(multi[key]))
            assert sorted(one) == sorted(many)
            for name in one:
                np.testing.assert_allclose(many[name], one[name], rtol=1e-5, atol=1e-6,
                                           err_msg=f"{key}[{name}]")
        else:
            np.testing.assert_allclose(multi[key], single[key], rtol=1e-5, atol=1e-6,
                                       err_msg=key)
    # learning happened (the fixed-seed run reaches well above chance on 3 classes)
    assert json.loads(str(multi["fast_history"]))["accuracy"][-1] > 0.6
    # rank 0 alone wrote the CSV log and the saved model: whole, and as one process writes them
    for name in ("fast", "tape"):
        with open(tmp_path / f"{name}.csv") as f:
            rows = list(csv.DictReader(f))
        with open(reference / f"{name}.csv") as f:
            expected = list(csv.DictReader(f))
        assert [r["epoch"] for r in rows] == [r["epoch"] for r in expected]
        np.testing.assert_allclose([float(r["val_loss"]) for r in rows],
                                   [float(r["val_loss"]) for r in expected], rtol=1e-5)
        model = keras.models.load_model(tmp_path / f"{name}.keras")
        x = np.random.default_rng(0).normal(size=(125, 6)).astype("float32")[:37]
        np.testing.assert_allclose(model.predict(x, verbose=0), multi[f"{name}_predict"],
                                   rtol=1e-5, atol=1e-6)


@needs_mpi
@pytest.mark.parametrize("failure", ["raise", "kill", "hang"])
def test_a_failing_rank_stops_every_rank(failure):
    pytest.importorskip("mpi4py", reason="mpi4py missing: pip install \"keraslite[mpi]\"")
    done = _run(2, "failing_rank.py", failure, timeout=60)
    assert done.returncode != 0, done.stdout + done.stderr
    assert "rank 0 finished" not in done.stdout
    if failure == "raise":
        assert "RuntimeError: rank 1 fails on purpose" in done.stderr
        assert "aborting every rank (MPI_Abort)" in done.stderr
    if failure == "hang":
        # rank 0, in the shuffle's broadcast or the gradient allreduce as the timing falls
        assert "waited 2 s for the other ranks in" in done.stderr, done.stderr


# -- one process ---------------------------------------------------------------------------
def test_api_in_one_process():
    dp = keras.distribution.DataParallel()
    assert keras.distribution.list_devices() == ["cpu:0"]
    assert keras.distribution.list_devices("gpu") == []
    assert dp.device_mesh.shape == (1,) and dp.batch_dim_name == "batch"
    with dp.scope():
        assert keras.distribution.distribution() is dp
    assert keras.distribution.distribution() is None
    with pytest.raises(ValueError, match="1-D device mesh"):
        keras.distribution.DataParallel(
            device_mesh=keras.distribution.DeviceMesh((1, 1), ["a", "b"]))
    with pytest.raises(NotImplementedError, match="use keras.distribution.DataParallel"):
        keras.distribution.ModelParallel(layout_map=keras.distribution.LayoutMap())
    with pytest.raises(TypeError, match="set_distribution"):
        keras.distribution.set_distribution("data_parallel")
    with pytest.raises(ValueError, match="num_processes"):
        keras.distribution.initialize(num_processes=4)


def test_a_launcher_of_another_mpi_is_refused():
    check_world_size(2, {"PMI_SIZE": "2"})
    check_world_size(1, {})
    with pytest.raises(DistributedError, match="started 4 processes but MPI sees a world of 1"):
        check_world_size(1, {"OMPI_COMM_WORLD_SIZE": "4"})


def test_shards_cover_every_row_once():
    assert shard_bounds(4, 3) == [0, 1, 2, 4]
    assert shard_bounds(2, 3) == [0, 0, 1, 2]
    world = World(None)
    batches = [np.arange(10)[::-1][i:i + 4].copy() for i in (0, 4, 8)]  # 4, 4, 2 rows
    shards = [[], [], []]
    for rank in range(3):
        world.rank, world.size = rank, 3
        worker = Worker(world)
        for batch, shard in zip(batches, shards):
            xs, ys, sws = worker.shard_batch([batch], [batch * 2], [])
            assert ys[0].tolist() == (xs[0] * 2).tolist() and sws == []
            assert worker.weight == pytest.approx(len(xs[0]) / len(batch))
            assert worker.empty == (len(xs[0]) == 0)
            shard.append(xs[0].tolist())
    for batch, shard in zip(batches, shards):
        assert sum(shard, []) == batch.tolist()  # in order, every row once
    assert [len(s) for s in shards[2]] == [0, 1, 1]  # the last batch: rank 0 has no row


class _OneRank:
    """A worker stand-in for one process: weight 1, sums over itself."""

    empty, size, rank, weight = False, 1, 0, 1.0
    world = World(None)


@pytest.mark.parametrize("affine", [True, False])
def test_synchronized_normalize_gradient(affine):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 3))
    gamma, beta = rng.normal(size=(3,)), rng.normal(size=(3,))

    def fn(x, gamma=None, beta=None):
        return synchronized_normalize(_OneRank(), x, (0,), gamma, beta, 1e-3, (1, 3))[0]

    check_gradients(fn, [x, gamma, beta] if affine else [x])
