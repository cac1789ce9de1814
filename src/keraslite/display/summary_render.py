"""Drawing the summary table: with ``rich`` where it is installed (as Keras 3 draws it, so
the text is the same character for character), else as a plain box table.

Cells arrive as runs of ``(text, style)``; the style names are Keras' highlights: ``num``
(numbers), ``none`` (``None`` in a shape), ``class`` (a layer's class), ``bold``, ``yes`` and
``no`` (the "Trainable" column).
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

Run = tuple[str, str]  # (text, style name); "" is unstyled
Cell = list[Run]

_MARKUP = {"num": "color(34)", "none": "color(45)", "class": "color(33)", "bold": "bold",
           "yes": "bold color(34)", "no": "bold color(9)"}


def column_widths(positions: Sequence[float], line_length: int) -> list[int]:
    """Each column's nominal width: where it ends (a fraction of ``line_length``) minus where
    the previous one ended, as Keras computes it.

    Raises:
        ValueError: a column would be narrower than 4 characters.

    """
    widths, current = [], 0
    for position in positions:
        width = int(position * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width
    return widths


def render(title: Cell, header: Sequence[str], justify: Sequence[str], widths: Sequence[int],
           rows: Sequence[Sequence[Cell]], totals: Sequence[Cell],
           print_fn: Callable[..., Any] | None) -> None:
    """Print the summary (or hand it whole to ``print_fn``)."""
    try:
        import rich.console  # noqa: F401 - checks that rich is there
    except ImportError:
        text = _plain(title, header, justify, widths, rows, totals)
        if print_fn is not None:
            print_fn(text)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        return
    _with_rich(title, header, justify, widths, rows, totals, print_fn)


def _markup(cell: Cell) -> str:
    from rich.markup import escape

    return "".join(f"[{_MARKUP[style]}]{escape(text)}[/]" if style else escape(text)
                   for text, style in cell)


def _with_rich(title: Cell, header: Sequence[str], justify: Sequence[str],
               widths: Sequence[int], rows: Sequence[Sequence[Cell]], totals: Sequence[Cell],
               print_fn: Callable[..., Any] | None) -> None:
    import rich.console
    import rich.table

    columns = [rich.table.Column(name, justify=j, width=w)
               for name, j, w in zip(header, justify, widths)]
    table = rich.table.Table(*columns, width=sum(widths), show_lines=True)
    for row in rows:
        table.add_row(*(_markup(cell) for cell in row))
    if print_fn is not None:
        console = rich.console.Console(highlight=False, force_terminal=False, color_system=None)
        console.begin_capture()
    else:
        console = rich.console.Console(highlight=False)
    console.print(_markup(title))
    console.print(table)
    for line in totals:
        console.print(_markup(line))
    if print_fn is not None:
        print_fn(console.end_capture())


def _plain(title: Cell, header: Sequence[str], justify: Sequence[str], widths: Sequence[int],
           rows: Sequence[Sequence[Cell]], totals: Sequence[Cell]) -> str:
    """The same table drawn without rich: box characters, cells wrapped to their columns."""
    inner = [max(1, w - 3) for w in widths[:-1]] + [max(1, widths[-1] - 4)]

    def text(cell: Cell) -> str:
        return "".join(t for t, _ in cell)

    def lines_of(cells: Sequence[str]) -> list[str]:
        wrapped = [textwrap.wrap(c, w, break_long_words=True) or [""]
                   for c, w in zip(cells, inner)]
        height = max(len(w) for w in wrapped)
        out = []
        for i in range(height):
            parts = []
            for lines, w, j in zip(wrapped, inner, justify):
                part = lines[i] if i < len(lines) else ""
                parts.append(part.rjust(w) if j == "right" else
                             part.center(w) if j == "center" else part.ljust(w))
            out.append("│ " + " │ ".join(parts) + " │")
        return out

    def rule(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (w + 2) for w in inner) + right

    out = [text(title), rule("┏", "━", "┳", "┓")]
    out += [line.replace("│", "┃") for line in lines_of(list(header))]
    out.append(rule("┡", "━", "╇", "┩"))
    for i, row in enumerate(rows):
        if i:
            out.append(rule("├", "─", "┼", "┤"))
        out += lines_of([text(cell) for cell in row])
    out.append(rule("└", "─", "┴", "┘"))
    out += [text(line) for line in totals]
    return "\n".join(out) + "\n"
