"""``plot_history``: the loss and metric curves of a training run, training and validation.

matplotlib is imported only when a plot is drawn (``pip install keraslite[plot]``); keraslite
does not depend on it.
"""

from __future__ import annotations

import math
from typing import Any

_GRADIENT_PREFIX = "grad_norm/"  # GradientNormLogger's history keys, left out of plots


_TRAIN_COLOR, _VAL_COLOR = "#1f77b4", "#ff7f0e"


def history_dict(history: Any) -> dict[str, list]:
    """The ``{name: [value per epoch]}`` of a History, a fitted Model, or such a dict."""
    for _ in range(2):  # a Model's History, then the History's dict
        if hasattr(history, "history") and not isinstance(history, dict):
            history = history.history
    if history is None:
        raise ValueError(
            "plot_history(): the model has no history yet: call fit() first. Received: a "
            "model that was not trained"
        )
    if not isinstance(history, dict):
        raise TypeError(
            "plot_history() takes what fit() returned (a History), the fitted model, or the "
            f"history.history dict. Received: {type(history).__name__}"
        )
    return history


def _epochs_of(history: Any, logs: dict, name: str) -> list[int]:
    """1-based epoch numbers of the values logged under ``name``."""
    values = logs[name]
    record = getattr(history, "logged_epochs", None) or getattr(
        getattr(history, "history", None), "logged_epochs", None)
    if record and len(record.get(name, ())) == len(values):
        return [e + 1 for e in record[name]]
    base = name[4:] if name.startswith("val_") else name
    full = len(logs.get(base, values))
    if len(values) in (0, full):
        return list(range(1, len(values) + 1))
    freq = full // len(values)  # a plain dict holds no epochs: assume every `freq` epochs
    return [freq * (i + 1) for i in range(len(values))]


def _scalar(value: Any) -> float:
    """A logged value as one number (a per-class vector by its mean, as the progress bar)."""
    if hasattr(value, "mean") and getattr(value, "ndim", 0):
        return float(value.mean())
    return float(value)


def _names(logs: dict, metrics: Any) -> list[str]:
    """The metrics to draw: ``loss`` first, then the others in logged order."""
    available = []
    for key in logs:
        name = key[4:] if key.startswith("val_") else key
        if name not in available and not name.startswith(_GRADIENT_PREFIX):
            available.append(name)
    if metrics is None:
        return sorted(available, key=lambda n: n != "loss")
    chosen = [metrics] if isinstance(metrics, str) else list(metrics)
    missing = [m for m in chosen if m not in available]
    if missing:
        raise ValueError(
            f"plot_history(): the history holds no {missing}. It holds {available}. "
            f"Received: metrics={chosen}"
        )
    return chosen


def plot_history(history: Any, metrics: Any = None, filename: str | None = None,
                 title: str | None = None, figsize: tuple[float, float] | None = None,
                 dpi: int = 100) -> Any:
    """Draw the loss and metric curves of a training run, one panel per metric.

    Each panel shows the training curve and, where the history holds ``val_`` values, the
    validation curve (at the epochs it was measured, so ``validation_freq=2`` draws points at
    epochs 2, 4, ...). The gap between the two curves is what to look at: a validation loss
    that rises while the training loss falls is overfitting.

    Args:
        history: what ``fit`` returned (a History), the fitted model (``model.history``), or
            the ``history.history`` dict.
        metrics: the names to draw (``"loss"``, ``["loss", "accuracy"]``); all by default,
            the loss first. Gradient norms recorded by ``GradientNormLogger`` are left out
            (``plot_gradient_norms`` draws them).
        filename: save the figure there too (a PNG for ``"history.png"``; the extension picks
            the format).
        title: a title above the panels.
        figsize: the figure's size in inches; by default 5 x 3.6 per panel, 3 panels a row.
        dpi: the resolution of the saved file.

    Returns:
        The matplotlib Figure (in a notebook, ``fig = plot_history(...)`` or a trailing ``;``
        shows it once).

    Raises:
        ImportError: when matplotlib is not installed.
        ValueError: when the history is empty or lacks a requested metric.

    Example:
        >>> history = model.fit(x, y, validation_split=0.2, epochs=20)  # doctest: +SKIP
        >>> keras.utils.plot_history(history, filename="history.png")  # doctest: +SKIP

    """
    logs = history_dict(history)
    if not any(len(v) for v in logs.values()):
        raise ValueError(
            "plot_history(): the history is empty, so there is nothing to draw. Call it with "
            "what fit() returned after at least one epoch. Received: an empty history"
        )
    names = _names(logs, metrics)
    try:
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator
    except ImportError as err:
        raise ImportError(
            "plot_history() needs matplotlib, which is not installed: `pip install "
            "keraslite[plot]` (or `pip install matplotlib`). The numbers themselves are in "
            "history.history."
        ) from err
    ncols = min(len(names), 3)
    nrows = math.ceil(len(names) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize or (5.0 * ncols, 3.6 * nrows),
                             squeeze=False, layout="constrained")
    for ax, name in zip(axes.flat, names):
        for key, label, color, style in ((name, "training", _TRAIN_COLOR, "-"),
                                         (f"val_{name}", "validation", _VAL_COLOR, "--")):
            values = logs.get(key)
            if not values:
                continue
            epochs = _epochs_of(history, logs, key)
            ax.plot(epochs, [_scalar(v) for v in values], style, color=color, label=label,
                    marker="o" if len(values) <= 30 else None, markersize=3.5, linewidth=1.6)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
        ax.legend(frameon=False)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    if filename is not None:
        fig.savefig(filename, dpi=dpi)
    return fig
