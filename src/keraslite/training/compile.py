"""What ``compile`` configures: the loss for each output and the metrics to report.

Both are resolved against the model's outputs the first time real data is seen, because
``"accuracy"`` means binary, sparse or categorical accuracy depending on the shapes.
"""

from __future__ import annotations

from typing import Any

from keraslite import losses as losses_module
from keraslite import metrics as metrics_module
from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.layers.masks import mask_as_weight


def _per_output(value: Any, names: list[str], argument: str, default: Any = None) -> list:
    """Spread a compile argument over the outputs: one value, a list, or a dict by name."""
    n = len(names)
    if isinstance(value, dict):
        unknown = [k for k in value if k not in names]
        if unknown:
            raise ValueError(
                f"`{argument}` has keys {unknown} that are not output names of the model "
                f"({names}). Received: {argument}={value!r}"
            )
        return [value.get(name, default) for name in names]
    if isinstance(value, (list, tuple)) and n > 1:
        if len(value) != n:
            raise ValueError(
                f"`{argument}` is a list of {len(value)} entries, but the model has {n} outputs "
                f"({names}). Give one entry per output. Received: {argument}={value!r}"
            )
        return list(value)
    if isinstance(value, (list, tuple)) and n == 1 and argument == "loss":
        if len(value) != 1:
            raise ValueError(
                f"`loss` is a list of {len(value)} losses, but the model has one output. "
                f"Received: loss={value!r}"
            )
        return list(value)
    return [value] * n


class CompiledLoss:
    """The total loss  Σ_k w_k · loss_k(y_k, ŷ_k)  over outputs k, with per-output parts.

    Each output's loss is a :class:`~keraslite.losses.Loss` (a function is wrapped in a
    ``LossFunctionWrapper``, so the ranks of its targets and predictions are matched as in
    Keras). ``loss="crossentropy"`` is resolved to binary, sparse or categorical cross-entropy
    from the shapes of the first batch.
    """

    def __init__(self, loss: Any, loss_weights: Any, output_names: list[str]) -> None:
        self.output_names = output_names
        self.fns = [_as_loss(x) for x in _per_output(loss, output_names, "loss")]
        weights = [1.0] * len(output_names) if loss_weights is None else _per_output(
            loss_weights, output_names, "loss_weights", 1.0)
        self.weights = [1.0 if w is None else float(w) for w in weights]
        self.multi = len(output_names) > 1

    def __call__(self, ys: list, preds: list,
                 sample_weights: list) -> tuple[Tensor | None, list]:
        total = None
        parts = []
        for k, (fn, w, y, p, sw) in enumerate(
                zip(self.fns, self.weights, ys, preds, sample_weights)):
            if fn is None:
                parts.append(None)
                continue
            if isinstance(fn, losses_module.AutoCrossentropy):
                fn = self.fns[k] = fn.resolve(y, p)
            value = fn(y, p, sample_weight=sw)
            parts.append(value)
            term = value if w == 1.0 else ops.multiply(value, w)
            total = term if total is None else ops.add(total, term)
        return total, parts  # total None: no output has a loss (add_losses decides)


def _as_loss(identifier: Any) -> Any:
    """Resolve one output's loss to a Loss object (None stays None), named as Keras names it."""
    fn = losses_module.get(identifier)
    if fn is None or isinstance(fn, losses_module.Loss):
        return fn
    name = identifier if isinstance(identifier, str) else getattr(fn, "__name__", None)
    return losses_module.LossFunctionWrapper(fn, name=name)


class CompiledMetrics:
    """The metrics listed in ``compile(metrics=...)``, resolved per output."""

    def __init__(self, metrics: Any, weighted_metrics: Any, output_names: list[str]) -> None:
        self.output_names = output_names
        self.spec = metrics
        self.weighted_spec = weighted_metrics
        self.entries: list[tuple[int, Any, bool]] = []  # (output index, metric, weighted)
        self.built = False

    def _spread(self, spec: Any) -> list[list]:
        names = self.output_names
        if spec is None:
            return [[] for _ in names]
        if isinstance(spec, dict):
            return [_as_list(spec.get(n)) for n in names]
        if isinstance(spec, (list, tuple)) and len(names) > 1 and spec and all(
            isinstance(s, (list, tuple)) or s is None for s in spec
        ):
            if len(spec) != len(names):
                raise ValueError(
                    f"`metrics` has {len(spec)} lists but the model has {len(names)} outputs "
                    f"({names}). Received: metrics={spec!r}"
                )
            return [_as_list(s) for s in spec]
        return [_as_list(spec) for _ in names]

    def build(self, ys: list, preds: list) -> None:
        multi = len(self.output_names) > 1
        resolved = []
        for weighted, spec in ((False, self.spec), (True, self.weighted_spec)):
            for k, items in enumerate(self._spread(spec)):
                for item in items:
                    if isinstance(item, str) and item.strip().lower() in ("accuracy", "acc"):
                        metric = metrics_module.resolve_accuracy(
                            item.strip(), tuple(ys[k].shape), tuple(preds[k].shape))
                    else:
                        metric = metrics_module.get(item)
                        if isinstance(item, str):
                            metric.name = item.strip()
                    if any(metric is m for _, m, _ in resolved):
                        # One Metric object listed for several outputs: each needs its own state.
                        metric = type(metric).from_config(metric.get_config())
                    resolved.append((k, metric, weighted))
        used: set[str] = set()
        for k, metric, weighted in resolved:
            prefix = f"{self.output_names[k]}_" if multi else ""
            # A name that already carries the prefix (a recompile, a loaded model) keeps it.
            name = metric.name if metric.name.startswith(prefix) else prefix + metric.name
            if name in used and weighted:  # as Keras: "weighted_<name>", then "_1", "_2" ...
                name = f"{prefix}weighted_{metric.name.removeprefix(prefix)}"
            base, index = name, 0
            while name in used:
                index += 1
                name = f"{base}_{index}"
            used.add(name)
            metric.name = name
            self.entries.append((k, metric, weighted))
        self.built = True

    @property
    def metrics(self) -> list:
        return [m for _, m, _ in self.entries]

    def update(self, ys: list, preds: list, sample_weights: list,
               masks: list | None = None) -> None:
        """Update every metric; ``masks`` (per output, from ``y_pred._keras_mask``) become
        sample weights of the mean-of-values metrics, as Keras 3's ``MeanMetricWrapper`` does.
        """
        for k, metric, weighted in self.entries:
            sw = sample_weights[k] if weighted else None
            if masks and masks[k] is not None and isinstance(metric,
                                                             metrics_module.MeanMetricWrapper):
                sw = mask_as_weight(masks[k], sw, "float64")
            metric.update_state(ys[k], preds[k], sample_weight=sw)

    def reset(self) -> None:
        for _, metric, _ in self.entries:
            metric.reset_state()


def _as_list(x: Any) -> list:
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]
