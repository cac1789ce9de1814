"""``keraslite.utils.Progbar``: Keras' progress bar for custom training loops."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from keraslite.display.progbar import Progbar as _Bar


class Progbar(_Bar):
    """A progress bar that shows running averages, as ``keras.utils.Progbar``.

    Example:
        >>> bar = keraslite.utils.Progbar(len(batches))
        >>> for i, batch in enumerate(batches):
        ...     loss = train_step(batch)
        ...     bar.update(i + 1, values=[("loss", float(loss))])

    A value given for a metric is averaged over the steps seen so far (weighted by the steps
    each update covers), unless the metric is listed in ``stateful_metrics`` (shown as given)
    or, with ``stateless_metrics``, unless it is not listed there.

    Args:
        target: the total number of steps, or None if unknown.
        width: the bar's width in characters.
        verbose: 1 for the bar, 2 for one line at the end, 0 for silence.
        interval: minimum seconds between redraws.
        stateful_metrics: names shown as given instead of averaged.
        stateless_metrics: names averaged (all others shown as given); not with
            ``stateful_metrics``.
        unit_name: the unit of the per-unit time (``"step"``).

    """

    def __init__(self, target: int | None, width: int = 20, verbose: int = 1,
                 interval: float = 0.05, stateful_metrics: Iterable[str] | None = None,
                 stateless_metrics: Iterable[str] | None = None,
                 unit_name: str = "step") -> None:
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "Only one of `stateful_metrics` or `stateless_metrics` can be provided. "
                f"Received: stateful_metrics={stateful_metrics!r}, "
                f"stateless_metrics={stateless_metrics!r}"
            )
        super().__init__(target, width=width, verbose=verbose, interval=interval,
                         unit_name=unit_name)
        self.stateful_metrics = set(stateful_metrics or ()) if stateless_metrics is None \
            else None
        self.stateless_metrics = None if stateless_metrics is None else set(stateless_metrics)
        self._sums: dict[str, list] = {}

    def _averaged(self, name: str) -> bool:
        if self.stateful_metrics is not None:
            return name not in self.stateful_metrics
        return name in self.stateless_metrics

    def update(self, current: int, values: Any = None, finalize: bool | None = None) -> None:
        """Advance to step ``current``, folding ``(name, value)`` pairs into the display."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        covered = max(current - self._seen, 1)
        for name, value in values or []:
            value = float(value) if getattr(value, "size", 1) == 1 else value
            if not self._averaged(name) or finalize:  # Keras shows the last value at the end
                self._sums[name] = [value, 1]
            elif name in self._sums:
                self._sums[name][0] += value * covered
                self._sums[name][1] += covered
            else:
                self._sums[name] = [value * covered, covered]
        shown = [(k, total / count) for k, (total, count) in self._sums.items()]
        super().update(current, shown, finalize=finalize)

    def add(self, n: int, values: Any = None) -> None:
        """Advance by ``n`` steps."""
        self.update(self._seen + n, values)
