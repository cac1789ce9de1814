"""Run every benchmark workload for keraslite and each available peer, interleaved.

    python bench/run.py [--quick] [--only WORKLOAD ...] [--peers PEER ...] [--rounds N]

Each repetition of each workload is a fresh subprocess with the peer's own interpreter (see
bench/setup_peers.sh). Rounds run A B C ... A B C ..., so that a slow moment of the machine
hits every peer alike; the table shows medians over the rounds and keraslite's ratios.

Environment:
- OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, set on some machines of this workplace for old
  OpenBLAS builds, slow a current NumPy; they are removed together from the environment of
  every workload process (--keep-openblas-env keeps them), and the OpenBLAS kernel then
  chosen is reported (threadpoolctl). Every peer gets the same environment.
- BENCH_PYTHON_<PEER> (e.g. BENCH_PYTHON_KERAS_JAX=/path/bin/python) overrides an interpreter;
  by default bench/.venvs/<peer>/bin/python, and for keraslite this interpreter as a fallback.
- BENCH_KERASLITE_SRC=/path/to/src puts that keraslite source first on PYTHONPATH (to
  benchmark another checkout or commit).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from report import report

BENCH = Path(__file__).resolve().parent
WORKLOADS_DIR = BENCH / "workloads"
VENVS = BENCH / ".venvs"
RESULTS = BENCH / ".results"
PYCACHE = BENCH / ".pycache"
REPO = BENCH.parent
OPENBLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


@dataclass
class Peer:
    name: str
    label: str
    script: str
    probe: str
    import_stmt: str
    args: list = field(default_factory=list)
    env: dict = field(default_factory=dict)
    python: str | None = None
    info: dict = field(default_factory=dict)


PEERS = [
    Peer("keraslite", "keraslite", "keras_api.py", "keraslite", "import keraslite",
         ["--lib", "keraslite"]),
    Peer("keras-jax", "Keras 3 + JAX", "keras_api.py", "keras", "import keras",
         ["--lib", "keras"], {"KERAS_BACKEND": "jax"}),
    Peer("keras-tf", "Keras 3 + TF", "keras_api.py", "keras", "import keras",
         ["--lib", "keras"], {"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "2"}),
    Peer("torch", "PyTorch loop", "torch_loop.py", "torch", "import torch"),
    Peer("sklearn", "scikit-learn", "sklearn_mlp.py", "sklearn",
         "from sklearn.neural_network import MLPClassifier"),
]
# Pseudo-peers, run with keraslite's interpreter: the import baseline and the GEMM bound.
NUMPY = Peer("numpy", "NumPy", "gemm.py", "numpy", "import numpy")

WORKLOADS = ["import", "seed", "titanic", "small_batch", "small_batch_dropout", "small_batch_bn",
             "small_batch_leaky", "titanic_adam", "mlp", "mlp_reg", "cnn_mnist", "conv1d", "gemm",
             "memory", "augment", "gridsearch", "lstm_lm", "lstm_seq", "gru_1d"]
# Workloads that only some peers' scripts run (scikit-learn's model selection: no torch loop;
# the layer variants: no scikit-learn; BatchNormalization at batch 1: PyTorch refuses it).
SCRIPTS_FOR = {"augment": ("keras_api.py",), "gridsearch": ("keras_api.py", "sklearn_mlp.py"),
               "small_batch_dropout": ("keras_api.py", "torch_loop.py"),
               "small_batch_bn": ("keras_api.py",),
               "small_batch_leaky": ("keras_api.py", "torch_loop.py"),
               "mlp_reg": ("keras_api.py", "torch_loop.py")}
SEQUENCE_WORKLOADS = ("lstm_lm", "lstm_seq", "gru_1d")
# Workloads that scikit-learn's MLP cannot express.
NOT_SKLEARN = {"cnn_mnist", "conv1d"}

def interpreter(peer: Peer) -> str | None:
    override = os.environ.get("BENCH_PYTHON_" + peer.name.upper().replace("-", "_"))
    if override:
        return override
    candidate = VENVS / peer.name / "bin" / "python"
    if candidate.exists():
        return str(candidate)
    return sys.executable if peer.name == "keraslite" else None


def thread_env(threads: int | None) -> dict:
    """Variables that cap every library's compute threads (--threads); empty by default."""
    if not threads:
        return {}
    n = str(threads)
    return {"OMP_NUM_THREADS": n, "OPENBLAS_NUM_THREADS": n, "MKL_NUM_THREADS": n,
            "TF_NUM_INTRAOP_THREADS": n, "TF_NUM_INTEROP_THREADS": "1",
            "XLA_FLAGS": f"--xla_cpu_multi_thread_eigen={'true' if threads > 1 else 'false'} "
                         f"intra_op_parallelism_threads={n}"}


THREADS: int | None = None


def child_env(peer: Peer, keep_openblas: bool) -> dict:
    env = dict(os.environ)
    if not keep_openblas:
        for var in OPENBLAS_VARS:
            env.pop(var, None)
    # Byte-code caches as an installed package has them: with PYTHONDONTWRITEBYTECODE set (as in
    # this workplace's shells), every `import keraslite` would compile its sources anew, while
    # the peers' site-packages ship compiled. keraslite's caches go to bench/.pycache, not src/.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(thread_env(THREADS))
    env.update(peer.env)
    if peer.name in ("keraslite", "numpy"):
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
        src = os.environ.get("BENCH_KERASLITE_SRC")
        if src:
            env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")]).rstrip(
                os.pathsep)
    return env


def run_process(cmd: list, env: dict, timeout: float) -> tuple[dict | None, float, str]:
    """Run one workload process; return (its result, wall seconds, error text)."""
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=WORKLOADS_DIR, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - t0, f"timed out after {timeout:.0f} s"
    wall = time.perf_counter() - t0
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH_RESULT ")]
    if proc.returncode != 0 or not lines:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-6:])
        return None, wall, f"exit {proc.returncode}: {tail}"
    return json.loads(lines[-1][len("BENCH_RESULT "):]), wall, ""


def time_import(peer: Peer, env: dict, timeout: float) -> tuple[dict | None, float, str]:
    """Wall time of a whole `python -c "import X"` process, from spawn to exit."""
    t0 = time.perf_counter()
    try:
        proc = subprocess.run([peer.python, "-c", peer.import_stmt], cwd=WORKLOADS_DIR, env=env,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - t0, f"timed out after {timeout:.0f} s"
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return None, wall, f"exit {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}"
    return {"wall_s": wall}, wall, ""


def jobs_for(workload: str, peers: list, round_index: int, quick: bool) -> list:
    """(peer, command args or None for an import timing, job name) for one workload."""
    q = ["--quick"] if quick else []
    kl = next((p for p in peers if p.name == "keraslite"), None)
    if workload == "import":
        return [(p, None, p.name) for p in [NUMPY, *peers]]
    if workload == "gemm":
        return [(NUMPY, ["gemm.py", "bound", *q], "numpy")]
    if workload == "memory":
        if kl is None:
            return []
        jobs = [(kl, ["memory.py", "peak", *q], "keraslite")]
        if round_index == 0:  # tracemalloc's answer does not depend on the machine's load
            jobs.append((kl, ["memory.py", "alloc", *q], "keraslite-alloc"))
        return jobs
    if workload in SEQUENCE_WORKLOADS:  # the Keras API peers and a PyTorch loop
        script = {"keras_api.py": "sequence_keras.py", "torch_loop.py": "sequence_torch.py"}
        return [(p, [script[p.script], workload, *p.args, *q], p.name) for p in peers
                if p.script in script]
    return [(p, [p.script, workload, *p.args, *q], p.name) for p in peers
            if p.script in SCRIPTS_FOR.get(workload, (p.script,))
            and not (p.name == "sklearn" and workload in NOT_SKLEARN)]


def machine() -> dict:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            kib = int(next(ln.split()[1] for ln in f if ln.startswith("MemTotal")))
            mem = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "os": platform.platform(),
            "host": platform.node()}


def git_state() -> str:
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
                               capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"
    return rev + (" + uncommitted changes in src/" if dirty else "")


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 rounds, shorter workloads")
    parser.add_argument("--only", nargs="+", default=None, metavar="WORKLOAD",
                        help=f"workloads among {WORKLOADS} (commas also work)")
    parser.add_argument("--peers", nargs="+", default=None, metavar="PEER",
                        help="peers among keraslite keras-jax keras-tf torch sklearn")
    parser.add_argument("--rounds", type=int, default=None, help="default 5, --quick 2")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per process")
    parser.add_argument("--threads", type=int, default=None,
                        help="cap every peer's compute threads (default: each library's own)")
    parser.add_argument("--keep-openblas-env", action="store_true",
                        help="do not unset OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE")
    args = parser.parse_args(argv)
    only = WORKLOADS if args.only is None else [
        w for item in args.only for w in item.split(",") if w]
    unknown = [w for w in only if w not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload(s) {unknown}; choose among {WORKLOADS}")
    wanted = None if args.peers is None else {p for item in args.peers for p in item.split(",")}
    rounds = args.rounds or (2 if args.quick else 5)
    global THREADS
    THREADS = args.threads

    peers = []
    for p in PEERS:
        if wanted is not None and p.name not in wanted and p.name != "keraslite":
            continue
        p.python = interpreter(p)
        if p.python is None:
            print(f"skip {p.name}: no interpreter (run bench/setup_peers.sh)", file=sys.stderr)
            continue
        env = child_env(p, args.keep_openblas_env)
        info, _, err = run_process([p.python, "probe.py", p.probe], env, 300)
        if info is None:
            print(f"skip {p.name}: its probe failed: {err}", file=sys.stderr)
            continue
        p.info = info
        peers.append(p)
    kl = next((p for p in peers if p.name == "keraslite"), None)
    if kl is None:
        print("keraslite itself cannot be imported; stopping", file=sys.stderr)
        return 1
    NUMPY.python = kl.python
    NUMPY.info, _, _ = run_process([kl.python, "probe.py", "numpy"],
                                   child_env(NUMPY, args.keep_openblas_env), 300)
    NUMPY.info = NUMPY.info or {}

    present = {v: os.environ[v] for v in OPENBLAS_VARS if v in os.environ}
    kernel = next((d.get("architecture") for d in NUMPY.info.get("blas") or []
                   if d.get("internal_api") == "openblas"), "?")
    if not present:
        openblas = f"OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE not set; NumPy's OpenBLAS runs {kernel}"
    elif args.keep_openblas_env:
        openblas = f"kept {present}; NumPy's OpenBLAS runs {kernel} kernels"
    else:
        openblas = (f"unset {present} for every workload process; NumPy's OpenBLAS then runs "
                    f"{kernel} kernels")

    export = subprocess.run([kl.python, str(BENCH / "export_titanic.py")], capture_output=True,
                            text=True, env=child_env(kl, args.keep_openblas_env))
    if export.returncode != 0:
        print("exporting the Titanic arrays failed:\n" + export.stderr, file=sys.stderr)
        return 1

    results: dict = {}
    errors: list = []
    loads = []
    load_start = os.getloadavg()[0]
    t_start = time.perf_counter()
    for r in range(rounds):
        for w in only:
            for peer, cmd, job in jobs_for(w, peers, r, args.quick):
                if w == "memory" and peer.name != "keraslite":
                    continue
                env = child_env(peer, args.keep_openblas_env)
                loads.append(os.getloadavg()[0])
                if cmd is None:
                    res, wall, err = time_import(peer, env, args.timeout)
                else:
                    res, wall, err = run_process([peer.python, *cmd], env, args.timeout)
                if res is None:
                    errors.append(f"round {r + 1} {w} {job}: {err}")
                    print(f"[{r + 1}/{rounds}] {w:<12} {job:<15} FAILED {err}", file=sys.stderr)
                    continue
                res["loadavg"] = loads[-1]
                results.setdefault((w, job), []).append(res)
                shown = ", ".join(f"{k}={v:.4g}" for k, v in res.items()
                                  if isinstance(v, float) and k != "loadavg")
                print(f"[{r + 1}/{rounds}] {w:<12} {job:<15} {shown}  ({wall:.1f} s)",
                      file=sys.stderr, flush=True)

    meta = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "rounds": rounds, "quick": args.quick, "machine": machine(), "git": git_state(),
        "keraslite_file": kl.info.get("keraslite_file"),
        "openblas": openblas + "; PYTHONDONTWRITEBYTECODE unset (keraslite's .pyc in "
        "bench/.pycache)" + (f"; threads capped at {THREADS} ({', '.join(thread_env(THREADS))})"
                                if THREADS else "; threads: each library's default"),
        "loadavg": {"start": load_start, "end": os.getloadavg()[0],
                    "mean": statistics.mean(loads) if loads else 0.0},
        "errors": errors, "elapsed_s": time.perf_counter() - t_start,
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    raw = {"meta": meta, "peers": {p.name: p.info for p in [*peers, NUMPY]},
           "results": {f"{w}/{p}": s for (w, p), s in results.items()}, "report": None}
    paths = (RESULTS / f"run-{stamp}.json", RESULTS / "latest.json")
    for path in paths:  # the samples are kept even if drawing the table fails
        path.write_text(json.dumps(raw, indent=1))
    text = report(results, peers, meta, NUMPY)
    print(text)
    raw["report"] = text
    for path in paths:
        path.write_text(json.dumps(raw, indent=1))
    print(f"\nraw samples: {RESULTS / f'run-{stamp}.json'} ({meta['elapsed_s']:.0f} s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
