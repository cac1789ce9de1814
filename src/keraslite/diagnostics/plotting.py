"""``plot_gradient_norms``: the per-layer gradient norms of a training run, per epoch.

matplotlib is imported only when a plot is drawn; keraslite does not depend on it.
"""

from __future__ import annotations

from typing import Any

from keraslite.diagnostics.gradients import HISTORY_PREFIX


def gradient_norm_series(history: Any) -> dict[str, list[float]]:
    """``{layer name: [norm per epoch]}`` from a History (or its ``history`` dict) or a
    :class:`~keraslite.callbacks.GradientNormLogger`.
    """
    if hasattr(history, "norms"):
        return dict(history.norms)
    logs = getattr(history, "history", history)
    return {k[len(HISTORY_PREFIX):]: list(v) for k, v in dict(logs).items()
            if k.startswith(HISTORY_PREFIX)}


def plot_gradient_norms(history: Any, ax: Any = None, log_scale: bool = True,
                        title: str | None = "Gradient norm per layer") -> Any:
    """Plot each layer's gradient norm against the epoch (one line per layer).

    Record the norms with ``callbacks=[keras.callbacks.GradientNormLogger()]`` in ``fit``.
    In a deep sigmoid network the lines of the first layers sit orders of magnitude below
    the last layer's: the gradients vanish on their way back.

    Args:
        history: what ``fit`` returned (or its ``history`` dict, or the logger itself).
        ax: a matplotlib Axes to draw on (a new figure when None).
        log_scale: use a logarithmic y axis (the norms span orders of magnitude).
        title: the plot's title.

    Returns:
        The matplotlib Axes.

    Raises:
        ValueError: when the history holds no gradient norms.
        ImportError: when matplotlib is not installed.

    """
    series = gradient_norm_series(history)
    if not series:
        raise ValueError(
            "The history holds no gradient norms. Record them by passing "
            "callbacks=[keras.callbacks.GradientNormLogger()] to fit(), then call "
            "plot_gradient_norms(history). Received: keys "
            f"{sorted(getattr(history, 'history', history) or {})}"
        )
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ImportError(
            "plot_gradient_norms() needs matplotlib, which is not installed: "
            "`pip install matplotlib`. The numbers themselves are in "
            "history.history['grad_norm/<layer>']."
        ) from err
    if ax is None:
        _, ax = plt.subplots()
    for name, values in series.items():
        ax.plot(range(1, len(values) + 1), values, marker="o", label=name)
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("gradient norm")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
