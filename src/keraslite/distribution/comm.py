"""The MPI world of a data-parallel run: collectives with a deadline, and abort on failure.

mpi4py is imported only when the script was started by an MPI launcher (``mpiexec``,
``mpirun``, ``srun``): a plain ``python train.py`` is one process and needs no MPI at all.
``pip install "keraslite[mpi]"`` brings mpi4py and the ``mpich`` wheel, whose ``mpiexec`` lands
in the environment's ``bin/``; mpi4py finds that wheel's ``libmpi`` in the environment's
``lib/`` (or a system MPI; ``MPI4PY_LIBMPI`` names another).

Every collective is started non-blocking and then polled against a deadline, so a rank whose
partner died or hangs raises :class:`DistributedError` instead of waiting forever. Once a
data-parallel run is set up, an exception that escapes any rank ends the whole job with
``MPI_Abort`` (MPICH already ends the job when a rank is killed or exits with an error
status; an exception, though, would leave the other ranks waiting in their next collective).
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import numpy

# Environment variables that MPI launchers set in each process they start.
_LAUNCHER_VARIABLES = ("PMI_RANK", "PMI_SIZE", "PMIX_RANK", "OMPI_COMM_WORLD_SIZE",
                       "MPI_LOCALNRANKS", "HYDRA_CONTROL_FD")

_yield = getattr(os, "sched_yield", lambda: None)


class DistributedError(RuntimeError):
    """A data-parallel run cannot go on: another rank died, hangs, or disagrees."""


def launched_by_mpi() -> bool:
    """Whether this process was started by an MPI launcher (mpiexec, mpirun, srun with PMI)."""
    return any(name in os.environ for name in _LAUNCHER_VARIABLES)


def launcher_size(environ: Any = None) -> int | None:
    """How many processes the launcher says it started (None when it does not say)."""
    environ = os.environ if environ is None else environ
    for name in ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE"):
        if environ.get(name, "").isdigit():
            return int(environ[name])
    return None


def check_world_size(size: int, environ: Any = None) -> None:
    """Refuse a world smaller than what the launcher started: each process would train alone.

    That happens when ``mpiexec`` belongs to another MPI than the one mpi4py loaded (an
    Open MPI ``mpirun`` with the mpich wheel, say): every process then sees a world of one.
    """
    expected = launcher_size(environ)
    if expected is not None and expected != size:
        raise DistributedError(
            f"The launcher started {expected} processes but MPI sees a world of {size}: "
            "`mpiexec` and the MPI library that mpi4py loaded are not the same MPI, so each "
            "process would train alone. Use the mpiexec of the same installation (with "
            "pip install \"keraslite[mpi]\": the environment's bin/mpiexec), or point "
            f"MPI4PY_LIBMPI at the launcher's libmpi. Received: world size {size}, "
            f"launcher size {expected}")


def import_mpi() -> Any:
    """mpi4py's ``MPI`` module, with the fix in the error when it is not installed."""
    try:
        from mpi4py import MPI
    except ImportError as err:
        raise ImportError(
            "Data-parallel training over MPI needs mpi4py and an MPI library: "
            "pip install \"keraslite[mpi]\" (mpi4py and the mpich wheel, which brings "
            f"`mpiexec`). Received: ImportError({err})"
        ) from None
    return MPI


class World:
    """The ranks of ``MPI.COMM_WORLD`` (or one process, with ``comm=None``).

    Args:
        comm: an mpi4py communicator, or None for a single process.
        timeout: seconds a collective may wait for the other ranks before raising
            :class:`DistributedError`; None waits forever.

    """

    def __init__(self, comm: Any = None, timeout: float | None = None) -> None:
        self.comm = comm
        self.rank = 0 if comm is None else comm.Get_rank()
        self.size = 1 if comm is None else comm.Get_size()
        self.timeout = timeout
        self._MPI = None if comm is None else import_mpi()

    # -- collectives ------------------------------------------------------------------------
    def _wait(self, request: Any, what: str) -> None:
        if self.timeout is None:
            request.Wait()
            return
        deadline = time.monotonic() + self.timeout
        while not request.Test():
            _yield()  # lets a waiting rank give its core to one still computing
            if time.monotonic() > deadline:
                raise DistributedError(
                    f"Rank {self.rank} of {self.size} waited {self.timeout:g} s for the other "
                    f"ranks in {what}: one of them has died or hangs. The run stops here. "
                    "(Raise the limit with DataParallel(timeout=...) or "
                    "KERASLITE_MPI_TIMEOUT if a step really takes that long.)"
                )

    def allreduce_sum(self, buffer: Any, what: str = "the gradient allreduce") -> Any:
        """Sum ``buffer`` (a contiguous array) over all ranks, in place; return it."""
        if self.comm is not None:
            self._wait(self.comm.Iallreduce(self._MPI.IN_PLACE, buffer, op=self._MPI.SUM), what)
        return buffer

    def broadcast(self, buffer: Any, what: str = "a broadcast from rank 0") -> Any:
        """Overwrite ``buffer`` (contiguous) with rank 0's, in place; return it."""
        if self.comm is not None:
            self._wait(self.comm.Ibcast(buffer, root=0), what)
        return buffer

    def allgather(self, vector: Any, what: str = "an allgather") -> Any:
        """Every rank's 1-D float64 ``vector`` (same length everywhere), as rows of an array."""
        vector = numpy.ascontiguousarray(vector, dtype=numpy.float64)
        if self.comm is None:
            return vector[None]
        out = numpy.empty((self.size, vector.size), numpy.float64)
        self._wait(self.comm.Iallgather(vector, out), what)
        return out

    def allgather_rows(self, array: Any, counts: list[int], what: str = "gathering rows") -> Any:
        """Concatenate every rank's ``array`` along axis 0, in rank order; rank r holds
        ``counts[r]`` rows, and every rank must pass the same row shape and dtype.
        """
        array = numpy.ascontiguousarray(array)
        if self.comm is None:
            return array
        row = int(numpy.prod(array.shape[1:], dtype=numpy.int64))
        out = numpy.empty((sum(counts),) + array.shape[1:], array.dtype)
        sizes = [c * row for c in counts]
        offsets = numpy.cumsum([0] + sizes[:-1]).tolist()
        self._wait(self.comm.Iallgatherv(array.reshape(-1), [out.reshape(-1), (sizes, offsets)]),
                   what)
        return out

    def barrier(self) -> None:
        if self.comm is not None:
            self._wait(self.comm.Ibarrier(), "a barrier")

    # -- failure ----------------------------------------------------------------------------
    def abort_on_uncaught_exception(self) -> None:
        """Make an exception that escapes this rank end every rank (``MPI_Abort``)."""
        if self.comm is None or getattr(sys.excepthook, "_keraslite_abort", False):
            return
        previous = sys.excepthook
        world = self

        def hook(kind: type, value: BaseException, tb: Any) -> None:
            previous(kind, value, tb)
            sys.stderr.write(
                f"keraslite.distribution: rank {world.rank} of {world.size} stopped with "
                f"{kind.__name__}; aborting every rank (MPI_Abort) so that none waits "
                "forever.\n")
            sys.stderr.flush()
            world.comm.Abort(1)

        hook._keraslite_abort = True  # type: ignore[attr-defined]
        sys.excepthook = hook


_WORLD: dict = {}


def world() -> World:
    """The process's :class:`World` (created once; MPI is initialized on first call)."""
    current = _WORLD.get("world")
    if current is None:
        comm = import_mpi().COMM_WORLD if launched_by_mpi() else None
        current = World(comm)
        check_world_size(current.size)
        _WORLD["world"] = current
    return current
