"""The text report of bench/run.py: versions, the table of medians and ratios, and the goals."""

from __future__ import annotations

import statistics

# Table rows: (label, workload, key, format)
ROWS = [
    ("small-batch: Titanic net, batch 1, µs/step", "small_batch", "us_per_step", "{:.0f}"),
    ("small-batch + Dropout(0.2), µs/step", "small_batch_dropout", "us_per_step", "{:.0f}"),
    ("small-batch + BatchNormalization, µs/step", "small_batch_bn", "us_per_step", "{:.0f}"),
    ("small-batch, Dense(10) + LeakyReLU, µs/step", "small_batch_leaky", "us_per_step",
     "{:.0f}"),
    ("titanic: first fit, 20 epochs, batch 25, s", "titanic", "first_fit_s", "{:.3f}"),
    ("seed: fit, 100 epochs, batch 5, s", "seed", "fit_s", "{:.3f}"),
    ("titanic: standardized, adam, 100 epochs, s", "titanic_adam", "fit_s", "{:.3f}"),
    ("mlp-large: train step, batch 128, adam, ms", "mlp", "step_ms", "{:.2f}"),
    ("mlp-large: predict 60,000 rows, batch 1024, s", "mlp", "predict_s", "{:.3f}"),
    ("mlp-reg (BN + Dropout): train step, batch 128, ms", "mlp_reg", "step_ms", "{:.2f}"),
    ("augment: flip+rotate+zoom+contrast+resize 64²×3, batch 64, ms/step", "augment",
     "aug_step_ms", "{:.1f}"),
    ("gridsearch: GridSearchCV 2 x 3-fold + refit, titanic, s", "gridsearch", "search_s",
     "{:.2f}"),
    ("lstm-lm: Embedding-LSTM(128)-Dense(3000), batch 64, ms/step", "lstm_lm",
     "train_step_ms", "{:.1f}"),
    ("lstm-seq: Embedding-BiLSTM(64)-Dense(1), seq 100, batch 32, ms/step", "lstm_seq",
     "train_step_ms", "{:.1f}"),
    ("gru-1d: GRU(64)-Dense(10), seq 40, batch 100, ms/step", "gru_1d", "train_step_ms",
     "{:.1f}"),
    ("lstm-lm: first fit (build, compile, 5 steps), s", "lstm_lm", "first_fit_s", "{:.2f}"),
    ("lstm-seq: first fit (build, compile, 5 steps), s", "lstm_seq", "first_fit_s", "{:.2f}"),
    ("gru-1d: first fit (build, compile, 5 steps), s", "gru_1d", "first_fit_s", "{:.2f}"),
    ("cnn-mnist: train step, batch 128, adam, ms", "cnn_mnist", "step_ms", "{:.2f}"),
    ("cnn-mnist: first fit (3 steps, fresh model), s", "cnn_mnist", "first_fit_s", "{:.3f}"),
    ("conv1d: train step, batch 100, adam, ms", "conv1d", "step_ms", "{:.2f}"),
    ("conv1d: first fit (3 steps, fresh model), s", "conv1d", "first_fit_s", "{:.3f}"),
    ("`import`, whole process, s", "import", "wall_s", "{:.3f}"),
    ("mlp-large process peak RSS, MiB (info)", "mlp", "rss_peak_mb", "{:.0f}"),
]


def summarize_blas(info: dict) -> str:
    pools = info.get("blas")
    if pools is None:
        found = "threadpoolctl not installed"
    else:
        found = "; ".join(
            f"{d['internal_api']} {d.get('version') or ''} ({d.get('prefix')}"
            + (f", {d['architecture']} kernels" if d.get("architecture") else "")
            + f", {d.get('num_threads')} threads)"
            for d in pools
        ) or "none loaded"
    return f"{info.get('engine', '?')} — loaded: {found}"


def median_of(samples: list, key: str) -> float | None:
    values = [s[key] for s in samples if isinstance(s.get(key), (int, float))]
    return statistics.median(values) if values else None


def spread(samples: list, key: str) -> float | None:
    values = [s[key] for s in samples if isinstance(s.get(key), (int, float))]
    if len(values) < 2:
        return None
    m = statistics.median(values)
    return (max(values) - min(values)) / 2 / m if m else None


def fmt_ratio(r: float | None) -> str:
    return "—" if r is None else f"{r:.2f}x"


# The GEMM bound each training-step row is compared with (rows without one show "—").
STEP_BOUNDS = {"mlp": "step_bound_ms", "cnn_mnist": "cnn_mnist_bound_ms",
               "conv1d": "conv1d_bound_ms"}


def report(results: dict, peers: list, meta: dict, baseline=None) -> str:
    """The report; ``peers`` are the table's columns, ``baseline`` the NumPy pseudo-peer."""
    out = []
    med = {(w, p): {} for (w, p) in results}
    for (w, p), samples in results.items():
        for key in {k for s in samples for k in s}:
            m = median_of(samples, key)
            if m is not None:
                med[(w, p)][key] = m

    def get(w, p, key):
        return med.get((w, p), {}).get(key)

    names = [p.name for p in peers]
    others = [n for n in names if n != "keraslite"]
    labels = {p.name: p.label for p in peers}
    rounds = meta["rounds"]
    out.append(f"keraslite benchmark — {meta['date']} — {rounds} rounds"
               + (" (--quick)" if meta["quick"] else ""))
    m = meta["machine"]
    out.append(f"machine: {m['cpu']}, {m['cores']} cores, {m['memory']}, {m['os']}")
    la = meta["loadavg"]
    out.append(f"load average (1 min): {la['start']:.2f} at start, {la['end']:.2f} at end, "
               f"{la['mean']:.2f} mean over the jobs (a quiet machine reads < 0.5)")
    if la["mean"] > 1.0:
        out.append("WARNING: the machine was busy; multi-threaded BLAS/OpenMP peers degrade "
                   "erratically under oversubscription. Re-measure on a quiet machine (or "
                   "compare single-threaded: --threads 1).")
    out.append(f"keraslite: {meta['git']} ({meta['keraslite_file']})")
    out.append(f"environment: {meta['openblas']}")
    out.append("")
    out.append("versions and BLAS per peer:")
    for p in [*peers, *([baseline] if baseline else [])]:
        if not p.info:
            continue
        vers = ", ".join(f"{k} {v}" for k, v in p.info.items() if k in (
            "python", "numpy", "keraslite", "keras", "jax", "jaxlib", "tensorflow", "torch",
            "scikit-learn", "scipy"))
        out.append(f"- {p.name}: {vers}")
        out.append(f"  {summarize_blas(p.info)}")
    out.append("")

    header = ["workload (median)"] + [labels[n] for n in names] + ["NumPy / GEMM bound"]
    header += [f"keraslite / {labels[n]}" for n in others] + ["keraslite / bound"]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "---|" * len(header))
    for label, w, key, f in ROWS:
        cells = []
        for n in names:
            v = get(w, n, key)
            s = spread(results.get((w, n), []), key)
            cells.append("—" if v is None else f.format(v) + (f" ±{s:.0%}" if s else ""))
        bound = None
        if w == "import":
            bound = get("import", "numpy", "wall_s")
        elif key == "step_ms" and w in STEP_BOUNDS:
            bound = get("gemm", "numpy", STEP_BOUNDS[w])
        elif key == "predict_s":
            bound = get("gemm", "numpy", "predict_bound_s")
        cells.append("—" if bound is None else f.format(bound))
        kl = get(w, "keraslite", key)
        for n in others:
            v = get(w, n, key)
            cells.append(fmt_ratio(kl / v if kl is not None and v else None))
        cells.append(fmt_ratio(kl / bound if kl is not None and bound else None))
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("± is half the range over the rounds, relative to the median.")

    g = med.get(("gemm", "numpy"), {})
    if g:
        out.append(
            f"GEMM (NumPy float32 matmul, same run): {g['train_gflops']:.0f} GFLOP/s at the "
            f"training shapes (batch 128, forward + backward: bound {g['step_bound_ms']:.2f} ms "
            f"per step), {g['predict_gflops']:.0f} GFLOP/s at batch 1024 forward (bound "
            f"{g['predict_bound_s']:.3f} s for 60,000 rows), {g['square2048_gflops']:.0f} "
            "GFLOP/s for 2048^3.")
    acc = []
    for w in ("titanic", "titanic_adam", "gridsearch"):
        row = [f"{labels[n]} {get(w, n, 'test_acc'):.2f}" for n in names
               if get(w, n, "test_acc") is not None]
        if row:
            acc.append(f"{w}: " + ", ".join(row))
    if acc:
        out.append("test accuracy (sanity check, median): " + "; ".join(acc))
    out.append("")

    out.append("goals (issues 6 and 10):")
    out.append("")
    out.append("| goal | measured | target | met |")
    out.append("|---|---|---|---|")

    def goal(text, value, target):
        if value is None:
            out.append(f"| {text} | — | <= {target}x | not measured |")
        else:
            out.append(f"| {text} | {value:.2f}x | <= {target}x | "
                       f"{'yes' if value <= target else 'no'} |")

    def ratio(a, b):
        return a / b if a is not None and b else None

    kl_sb = get("small_batch", "keraslite", "us_per_step")
    goal("small-batch step / scikit-learn", ratio(kl_sb, get("small_batch", "sklearn",
                                                             "us_per_step")), 0.5)
    goal("small-batch step / Keras 3 + JAX", ratio(kl_sb, get("small_batch", "keras-jax",
                                                              "us_per_step")), 0.35)
    goal("titanic first fit / scikit-learn",
         ratio(get("titanic", "keraslite", "first_fit_s"), get("titanic", "sklearn",
                                                               "first_fit_s")), 0.5)
    goal("mlp-large train step / GEMM bound",
         ratio(get("mlp", "keraslite", "step_ms"), g.get("step_bound_ms")), 1.25)
    goal("mlp-large predict / GEMM bound",
         ratio(get("mlp", "keraslite", "predict_s"), g.get("predict_bound_s")), 1.1)
    for variant in ("dropout", "bn", "leaky"):
        goal(f"small-batch {variant} step / small-batch step (keraslite)",
             ratio(get(f"small_batch_{variant}", "keraslite", "us_per_step"), kl_sb), 1.3)
    reg = get("mlp_reg", "keraslite", "step_ms")
    goal("mlp-reg train step / Keras 3 + JAX", ratio(reg, get("mlp_reg", "keras-jax",
                                                              "step_ms")), 1.0)
    goal("mlp-reg train step / PyTorch loop", ratio(reg, get("mlp_reg", "torch", "step_ms")),
         1.0)
    kl_cnn = get("cnn_mnist", "keraslite", "step_ms")
    goal("cnn-mnist train step / PyTorch loop",
         ratio(kl_cnn, get("cnn_mnist", "torch", "step_ms")), 1.0)
    goal("cnn-mnist train step / Keras 3 + TF (aim)",
         ratio(kl_cnn, get("cnn_mnist", "keras-tf", "step_ms")), 1.0)
    kl_c1 = get("conv1d", "keraslite", "step_ms")
    for n in others:
        goal(f"conv1d train step / {labels[n]}", ratio(kl_c1, get("conv1d", n, "step_ms")), 1.0)
    for w in ("cnn_mnist", "conv1d"):
        fastest = min((v for n in others if (v := get(w, n, "first_fit_s")) is not None),
                      default=None)
        goal(f"{w} first fit / fastest peer's", ratio(get(w, "keraslite", "first_fit_s"),
                                                      fastest), 1.0)
    goal("import keraslite / import numpy",
         ratio(get("import", "keraslite", "wall_s"), get("import", "numpy", "wall_s")), 2)
    mem = med.get(("memory", "keraslite"), {})
    goal("fit peak RSS (less the post-import baseline) / estimate", mem.get("ratio"), 1.3)
    out.append("")
    if mem:
        out.append(
            f"memory: peak {mem['peak_rss_mb']:.0f} MiB, baseline after import "
            f"{mem['baseline_rss_mb']:.0f} MiB; estimate {mem['estimate_mb']:.0f} MiB = data "
            f"{mem['data_mb']:.0f} + params {mem['params_mb']:.1f} + Adam state "
            f"{mem['optimizer_mb']:.1f} + one batch's activations {mem['activations_mb']:.1f}; "
            f"fit itself added {mem['fit_extra_mb']:.0f} MiB over the RSS before it"
            + ("" if mem.get("peak_reset", 1) else " (peak mark could not be reset)"))
        out.append("")
    alloc = med.get(("memory", "keraslite-alloc"), {})
    if alloc:
        fresh = alloc["transient_kib_per_step"]
        out.append(
            f"allocations in steady state (tracemalloc, {alloc['steps_measured']:.0f} steps): "
            f"{fresh:.0f} KiB allocated and freed within each step (median; one batch's "
            f"activations are {alloc['one_batch_activations_kib']:.0f} KiB), net growth "
            f"{alloc['net_growth_bytes_per_step']:.0f} B per step — goal 'no new arrays per "
            f"step' (under 4 KiB, less than one 128 x 10 float32 array): "
            f"{'met' if fresh < 4 else 'not met'}")
    errors = meta.get("errors", [])
    if errors:
        out.append("")
        out.append(f"{len(errors)} job(s) failed:")
        out.extend(f"- {e}" for e in errors[:20])
    return "\n".join(out)
