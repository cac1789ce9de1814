"""The training status display, in Keras 3's format.

``26/26 ━━━━━━━━━━━━━━━━━━━━ 0s 1ms/step - accuracy: 0.7812 - loss: 0.4630``

On a terminal the line is redrawn in place (at most every ``interval`` seconds), with Keras'
colours. When the output is not a terminal (a log file, CI, a pipe) nothing is redrawn: one
plain final line is printed per epoch.
"""

from __future__ import annotations

import math
import os
import sys
import time
from typing import Any, TextIO

BAR = "━"


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is an interactive terminal (or a notebook, which redraws too)."""
    if "ipykernel" in sys.modules:
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _mean(value: Any) -> float:
    """A number, or the mean of an array of them."""
    return float(value.mean()) if getattr(value, "ndim", 0) else float(value)


def format_value(value: float) -> str:
    """A metric value as Keras prints it: 4 decimals, or scientific when |v| <= 1e-3."""
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


def format_step_time(seconds: float, unit: str = "step") -> str:
    """``1s/step``, ``12ms/step`` or ``512us/step``."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"


def format_eta(seconds: float) -> str:
    if seconds > 3600:
        return f"{seconds // 3600:.0f}:{(seconds % 3600) // 60:02.0f}:{seconds % 60:02.0f}"
    if seconds > 60:
        return f"{seconds // 60:.0f}:{seconds % 60:02.0f}"
    return f"{seconds:.0f}s"


class Progbar:
    """A progress bar over ``target`` steps.

    Args:
        target: the number of steps, or None when unknown.
        width: the bar's width in characters.
        verbose: 1 for the bar, 2 for one line at the end, 0 for nothing.
        interval: the minimum time between redraws on a terminal, in seconds.
        unit_name: the unit in the time per unit (``step``).
        stream: where to write (standard output by default).

    """

    def __init__(self, target: int | None, width: int = 20, verbose: int = 1,
                 interval: float = 0.05, unit_name: str = "step",
                 stream: TextIO | None = None) -> None:
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stream = stream or sys.stdout
        self.dynamic = is_terminal(self.stream) and os.environ.get("TERM") != "dumb"
        self.color = self.dynamic and "NO_COLOR" not in os.environ
        self._start = time.perf_counter()
        self._after_first: float | None = None
        self._last_draw = 0.0
        self._prev_width = 0
        self._seen = 0

    def _step_time(self, current: int, now: float) -> float:
        if not current:
            return 0.0
        if self._after_first is not None and current > 1:
            per = (now - self._after_first) / (current - 1)
        else:
            per = (now - self._start) / current
        if current == 1:
            self._after_first = now
        return per

    def due(self, current: int) -> bool:
        """Whether an update at step ``current`` would draw anything (before the last step)."""
        if current == 1:
            return True  # the first step times the start-up, excluded from the per-step time
        if self.verbose != 1 or not self.dynamic:
            return False
        return time.perf_counter() - self._last_draw >= self.interval

    def update(self, current: int, values: Any = None, finalize: bool | None = None) -> None:
        """Show progress at step ``current`` with the given ``(name, value)`` pairs."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        now = time.perf_counter()
        per_step = self._step_time(current, now)
        self._seen = current
        if self.verbose == 0:
            return
        if self.verbose == 2 or not self.dynamic:
            if finalize:
                self._write(self._plain_line(current, now, per_step, values) + "\n")
            return
        if now - self._last_draw < self.interval and not finalize:
            return
        self._last_draw = now
        self._draw(current, now, per_step, values, finalize)

    def _metrics(self, values: Any) -> str:
        # A vector metric (per-class F1Score) is shown by its mean, as Keras does.
        return "".join(f" - {k}: {format_value(_mean(v))}" for k, v in (values or []))

    def _count(self, current: int) -> str:
        digits = int(math.log10(self.target)) + 1
        return f"{current:{digits}d}/{self.target}"

    def _plain_line(self, current: int, now: float, per_step: float, values: Any) -> str:
        count = self._count(current) if self.target else f"{current:7d}/Unknown"
        elapsed = f"{now - self._start:.0f}s"
        if self.verbose == 2:
            return f"{count} - {elapsed} - {format_step_time(per_step, self.unit_name)}" + \
                self._metrics(values)
        bar = BAR * self.width if self.target else ""
        return f"{count} {bar} {elapsed} {format_step_time(per_step, self.unit_name)}" + \
            self._metrics(values)

    def _draw(self, current: int, now: float, per_step: float, values: Any,
              finalize: bool) -> None:
        if self.target:
            done = int(self.width * current / self.target)
            count = self._count(current)
            if self.color:
                bar = (f"\x1b[1m{count}\x1b[0m " + (f"\x1b[32m{BAR * done}\x1b[0m" if done else "")
                       + f"\x1b[37m{BAR * (self.width - done)}\x1b[0m")
            else:
                bar = f"{count} {BAR * self.width}"
            visible = len(count) + 1 + self.width
        else:
            bar = f"{current:7d}/Unknown"
            visible = len(bar)
        if self.target and not finalize:
            timing = format_eta(per_step * (self.target - current))
        else:
            timing = f"{now - self._start:.0f}s"
        info = f" {timing} {format_step_time(per_step, self.unit_name)}" + self._metrics(values)
        width = visible + len(info)
        if self.color:
            info = f" \x1b[1m{timing}\x1b[0m" + info[len(timing) + 1:]
        pad = " " * max(self._prev_width - width, 0)
        self._prev_width = width
        self._write("\r" + bar + info + pad + ("\n" if finalize else ""))

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
