"""``Model.summary()``: the table of layers, output shapes and parameter counts.

The output is the one Keras 3 prints, character for character: Keras renders a table with the
``rich`` library, and this module reproduces that layout without depending on it.

How the layout is computed:

1. Keras picks a total width ``line_length`` (88 for sequential-like models, 108 when the
   "Connected to" column is shown, +12 with ``show_trainable``), capped at the terminal width
   minus 4, and splits it into columns at ``positions`` (fractions of ``line_length``).
2. The table is then fitted into ``line_length``: each column also needs one space of padding
   on each side, and the borders take ``columns + 1`` cells. That overflow is taken back from
   the columns as evenly as possible, left to right, each share being rounded half to even.
3. Cells are word-wrapped to their width; a word that is still too long is cut with ``…``.
   Header cells sit at the bottom of their row, body cells at the top.
4. The title and the parameter totals wrap at the console width (long words are folded), and
   every line is cropped at the console width.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

# -- styled text ----------------------------------------------------------------------------
# A cell's content is kept as its plain text plus one style name per character, so that it
# can be wrapped and cut on the plain text and coloured afterwards (on a terminal only).

Run = tuple[str, str]  # (text, style name); "" is unstyled


class _Styled:
    __slots__ = ("text", "styles")

    def __init__(self, text: str, styles: list[str] | None = None) -> None:
        self.text = text
        self.styles = styles if styles is not None else [""] * len(text)

    @classmethod
    def of(cls, runs: Sequence[Run]) -> _Styled:
        return cls("".join(t for t, _ in runs), [s for t, s in runs for _ in t])

    def __getitem__(self, item: slice) -> _Styled:
        return _Styled(self.text[item], self.styles[item])

    def __add__(self, other: _Styled) -> _Styled:
        return _Styled(self.text + other.text, self.styles + other.styles)

    def runs(self) -> list[Run]:
        out: list[Run] = []
        for ch, style in zip(self.text, self.styles):
            if out and out[-1][1] == style:
                out[-1] = (out[-1][0] + ch, style)
            else:
                out.append((ch, style))
        return out


def _char_width(ch: str) -> int:
    if " " <= ch <= "~":
        return 1
    code = ord(ch)
    if code < 32 or 0x7F <= code < 0xA0 or unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _cell_len(text: str) -> int:
    """The number of terminal cells ``text`` takes (wide characters take two)."""
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(_char_width(ch) for ch in text)


def _fit_cells(text: str, size: int) -> str:
    """Crop or pad ``text`` with spaces to exactly ``size`` cells (nothing if ``size`` <= 0)."""
    used = 0
    end = 0
    for ch in text:
        w = _char_width(ch)
        if used + w > size:
            break
        used += w
        end += 1
    return text[:end] + " " * (size - used)


def _spaces(n: int) -> _Styled:
    return _Styled(" " * max(n, 0))


def _truncate(line: _Styled, width: int, overflow: str, pad: bool = False) -> _Styled:
    """Cut ``line`` to ``width`` cells (ending with ``…`` for "ellipsis"), optionally padding."""
    length = _cell_len(line.text)
    if length > width:
        if overflow == "ellipsis":
            text = _fit_cells(line.text, width - 1) + "…"
        else:
            text = _fit_cells(line.text, width)
        styles = [line.styles[i] if i < len(line.styles) else "" for i in range(len(text))]
        line = _Styled(text, styles)
    if pad and length < width:
        line = line + _spaces(width - length)
    return line


def _rstrip(line: _Styled) -> _Styled:
    return line[: len(line.text.rstrip())]


_WORD = re.compile(r"\s*\S+\s*")


def _chop(word: str, width: int) -> list[str]:
    """Split ``word`` into pieces of at most ``width`` cells."""
    pieces: list[str] = []
    current, used = "", 0
    for ch in word:
        w = _char_width(ch)
        if current and used + w > width:
            pieces.append(current)
            current, used = "", 0
        current += ch
        used += w
    if current:
        pieces.append(current)
    return pieces


def _line_breaks(text: str, width: int, fold: bool) -> list[int]:
    """Offsets at which to break ``text`` so that its words fit in ``width`` cells.

    A word is its non-space characters plus the spaces after it; only the non-space part must
    fit. A word wider than a whole line goes on a line of its own (cut into pieces when
    ``fold``; otherwise it is truncated later).
    """
    breaks: list[int] = []
    used = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group(0)
        needed = _cell_len(word.rstrip())
        if width - used >= needed:
            used += _cell_len(word)
        elif needed > width:
            if fold:
                pieces = _chop(word, width)
                for i, piece in enumerate(pieces):
                    if start:
                        breaks.append(start)
                    if i == len(pieces) - 1:
                        used = _cell_len(piece)
                    else:
                        start += len(piece)
            else:
                if start:
                    breaks.append(start)
                used = _cell_len(word)
        elif used and start:
            breaks.append(start)
            used = _cell_len(word)
    return breaks


def _wrap(content: _Styled, width: int, justify: str | None, overflow: str) -> list[_Styled]:
    """Word-wrap ``content`` to ``width`` cells; justified lines are exactly ``width`` wide."""
    lines: list[_Styled] = []
    position = 0
    for paragraph in content.text.split("\n"):
        para = content[position: position + len(paragraph)]
        position += len(paragraph) + 1
        bounds = [0, *_line_breaks(para.text, width, overflow == "fold"), len(para.text)]
        pieces = [para[a:b] for a, b in zip(bounds, bounds[1:])]
        for i, piece in enumerate(pieces):
            excess = len(piece.text) - width
            if excess > 0:  # drop trailing spaces that stick out
                trailing = len(piece.text) - len(piece.text.rstrip())
                piece = piece[: len(piece.text) - min(trailing, excess)]
            if justify == "left":
                piece = _truncate(piece, width, overflow, pad=True)
            elif justify == "center":
                piece = _truncate(_rstrip(piece), width, overflow)
                piece = _spaces((width - _cell_len(piece.text)) // 2) + piece
                piece = piece + _spaces(width - _cell_len(piece.text))
            elif justify == "right":
                piece = _truncate(_rstrip(piece), width, overflow)
                piece = _spaces(width - _cell_len(piece.text)) + piece
            pieces[i] = _truncate(piece, width, overflow)
        lines.extend(pieces)
    return lines


def _fit_line(line: _Styled, width: int, pad: bool) -> _Styled:
    """Crop ``line`` to ``width`` cells; with ``pad``, also pad it to exactly ``width``."""
    length = _cell_len(line.text)
    if length > width:
        text = _fit_cells(line.text, width)
        return _Styled(text, [line.styles[i] if i < len(line.styles) else ""
                              for i in range(len(text))])
    if pad and length < width:
        return line + _spaces(width - length)
    return line


# -- table layout ---------------------------------------------------------------------------
_TOP = "┏━┳┓"
_HEAD_SEPARATOR = "┡━╇┩"
_ROW_SEPARATOR = "├─┼┤"
_BOTTOM = "└─┴┘"
_HEAD_BAR = "┃"
_BODY_BAR = "│"


def _column_widths(positions: Sequence[float], line_length: int) -> list[int]:
    """Keras' nominal column widths: the cuts at ``positions`` (fractions of the line)."""
    widths: list[int] = []
    current = 0
    for pos in positions:
        width = int(pos * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width
    return widths


def _shrink_evenly(excess: int, widths: list[int]) -> list[int]:
    """Take ``excess`` cells off ``widths``: left to right, a fair share of what is left each."""
    left_to_take = excess
    columns_left = sum(1 for w in widths if w)
    out: list[int] = []
    for w in widths:
        if w and columns_left > 0:
            share = min(w, round(left_to_take / columns_left))
            out.append(w - share)
            left_to_take -= share
            columns_left -= 1
        else:
            out.append(w)
    return out


def _grow_proportionally(extra: int, widths: list[int]) -> list[int]:
    """Add ``extra`` cells to ``widths`` in proportion to them (rounding shares up)."""
    total = sum(widths)
    out: list[int] = []
    for w in widths:
        share = math.ceil(w * extra / total) if total > 0 else extra
        out.append(w + share)
        total -= w
        extra -= share
    return out


def _fit_columns(widths: Sequence[int], line_length: int) -> list[int]:
    """The rendered width of each column (its content plus one space each side) in a table
    exactly ``line_length`` wide including its ``len(widths) + 1`` borders.
    """
    room = line_length - (len(widths) + 1)
    fitted = [max(min(w + 2, room), 0) or 1 for w in widths]
    total = sum(fitted)
    if total > room:
        fitted = [max(w, 0) for w in _shrink_evenly(total - room, fitted)]
        total = sum(fitted)
    if 0 < total < room:
        fitted = _grow_proportionally(room - total, fitted)
    return fitted


def _rule(chars: str, widths: Sequence[int]) -> list[Run]:
    left, fill, joint, right = chars
    return [(left + joint.join(fill * w for w in widths) + right, "")]


def _cell_lines(content: _Styled, width: int, justify: str, style: str) -> list[list[Run]]:
    """The lines of one cell: ``content`` wrapped inside one space of padding each side."""
    inner = width - 2
    if inner < 1:
        return []
    out = []
    for line in _wrap(content, inner, justify, "ellipsis"):
        line = _fit_line(line, inner, pad=True)
        body = [(t, s or style) for t, s in line.runs()] if style else line.runs()
        out.append([(" ", style), *body, (" ", style)])
    return out


def _table_lines(header: Sequence[str], justify: Sequence[str], widths: Sequence[int],
                 rows: Sequence[Sequence[_Styled]]) -> list[list[Run]]:
    lines = [_rule(_TOP, widths)]

    def add_row(cells: Sequence[_Styled], is_header: bool) -> None:
        style = "bold" if is_header else ""
        rendered = [_cell_lines(cell, w, j, style) for cell, w, j in zip(cells, widths, justify)]
        height = max([1] + [len(r) for r in rendered])
        bar = _HEAD_BAR if is_header else _BODY_BAR
        for i, cell in enumerate(rendered):
            blank = [[(" " * widths[i], style)]] * (height - len(cell))
            rendered[i] = blank + cell if is_header else cell + blank
        for k in range(height):
            line: list[Run] = [(bar, "")]
            for i, cell in enumerate(rendered):
                if i:
                    line.append((bar, ""))
                line.extend(cell[k])
            line.append((bar, ""))
            lines.append(line)

    add_row([_Styled(h) for h in header], is_header=True)
    lines.append(_rule(_HEAD_SEPARATOR, widths))
    for i, row in enumerate(rows):
        if i:
            lines.append(_rule(_ROW_SEPARATOR, widths))
        add_row(row, is_header=False)
    lines.append(_rule(_BOTTOM, widths))
    return lines


# -- the console ----------------------------------------------------------------------------
def _console_width() -> int:
    """The width rich would give Keras' console: $COLUMNS, else the first terminal among
    stdin, stdout and stderr, else 80.
    """
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    width = None
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    return width or 80


def _color_system() -> str | None:
    """The colours to write to stdout: ``"256"``, ``"standard"`` or None (plain text)."""
    env = os.environ
    if env.get("NO_COLOR", ""):
        return None
    try:
        is_tty = sys.stdout.isatty()
    except (AttributeError, ValueError):
        is_tty = False
    if not (is_tty or env.get("FORCE_COLOR", "")):
        return None
    term = env.get("TERM", "").lower()
    if term in ("dumb", "unknown"):
        return None
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit") or term.endswith("256color"):
        return "256"
    return "standard"


_ANSI = {
    "256": {"bold": "1", "class": "38;5;33", "none": "38;5;45", "num": "38;5;34",
            "yes": "1;38;5;34", "no": "1;91"},
    "standard": {"bold": "1", "class": "94", "none": "96", "num": "32", "yes": "1;32",
                 "no": "1;91"},
}


def _to_text(lines: Sequence[Sequence[Run]], color: str | None) -> str:
    codes = _ANSI.get(color or "", {})
    out = []
    for line in lines:
        for text, style in line:
            code = codes.get(style)
            out.append(f"\x1b[{code}m{text}\x1b[0m" if code and text else text)
        out.append("\n")
    return "".join(out)


def _crop(line: Sequence[Run], width: int) -> list[Run]:
    """Cut a line of runs at ``width`` cells, as the console crops what it prints."""
    out: list[Run] = []
    used = 0
    for text, style in line:
        n = _cell_len(text)
        if used + n > width:
            if width > used:
                out.append((_fit_cells(text, width - used), style))
            break
        out.append((text, style))
        used += n
    return out


def _paragraph(runs: Sequence[Run], width: int) -> list[list[Run]]:
    """A line of text as ``console.print`` shows it: wrapped at ``width``, words folded."""
    return [_fit_line(line, width, pad=False).runs()
            for line in _wrap(_Styled.of(runs), width, None, "fold")]


# -- the model ------------------------------------------------------------------------------
def _flat_tensors(structure: Any) -> list:
    from keraslite.layers.symbolic import KerasTensor

    if isinstance(structure, (list, tuple)):
        return [t for item in structure for t in _flat_tensors(item)]
    if isinstance(structure, dict):
        return [t for key in sorted(structure, key=str) for t in _flat_tensors(structure[key])]
    return [structure] if isinstance(structure, KerasTensor) else []


def _node_inputs(node: Any) -> list:
    """The symbolic inputs of a layer call, in Keras' order (dict entries sorted by key)."""
    if hasattr(node, "args"):
        return _flat_tensors((node.args, node.kwargs))
    return list(node.input_tensors)


def _producer(tensor: Any) -> Any:
    layer, node_index, _ = tensor.history
    return layer._inbound_nodes[node_index]


def _functional_layout(model: Any) -> tuple[list, set[int], bool]:
    """Layers of a Functional model in Keras' order, the ids of its nodes, and whether the
    graph is a plain chain (then Keras shows no "Connected to" column).

    Keras orders layers by decreasing depth (distance to the outputs), ties by the order in
    which a depth-first walk from the outputs first meets them.
    """
    finished: set[int] = set()
    post_order: list = []
    first_seen: dict[int, int] = {}
    for output in model.outputs:
        root = _producer(output)
        if id(root) in finished:
            continue
        first_seen.setdefault(id(root.layer), len(first_seen))
        stack = [(root, iter(_node_inputs(root)))]
        while stack:
            node, pending = stack[-1]
            for tensor in pending:
                parent = _producer(tensor)
                if id(parent) not in finished:
                    first_seen.setdefault(id(parent.layer), len(first_seen))
                    stack.append((parent, iter(_node_inputs(parent))))
                    break
            else:
                stack.pop()
                if id(node) not in finished:
                    finished.add(id(node))
                    post_order.append(node)

    node_depth: dict[int, int] = {}
    layer_depth: dict[int, int] = {}
    layers: dict[int, Any] = {}
    for node in reversed(post_order):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = depth
        layers[id(node.layer)] = node.layer
        node_depth[id(node)] = depth
        for tensor in _node_inputs(node):
            parent = _producer(tensor)
            if id(parent) in finished:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    nodes_at_depth: dict[int, list] = {}
    for node in post_order:
        nodes_at_depth.setdefault(node_depth[id(node)], []).append(node)
    for tensor in model.inputs:  # inputs that the outputs do not use
        layer = tensor.history[0]
        if id(layer) not in layer_depth:
            layer_depth[id(layer)] = 0
            layers[id(layer)] = layer
            first_seen[id(layer)] = -1
            nodes_at_depth.setdefault(0, []).append(_producer(tensor))

    ordered = sorted(layers.values(),
                     key=lambda x: (-layer_depth[id(x)], first_seen[id(x)]))
    relevant = {id(n) for nodes in nodes_at_depth.values() for n in nodes}
    sequential_like = all(len(nodes) == 1 and len(_node_inputs(nodes[0])) <= 1
                          for nodes in nodes_at_depth.values())
    if sequential_like:
        sequential_like = all(sum(id(n) in relevant for n in layer._inbound_nodes) <= 1
                              for layer in ordered)
    return ordered, relevant, sequential_like


def _shape_runs(shape: Any) -> list[Run]:
    runs: list[Run] = [("(", "")]
    for i, d in enumerate(shape):
        if i:
            runs.append((", ", ""))
        runs.append((str(d), "none" if d is None else "num"))
    return [*runs, (")", "")]


def _is_shape(x: Any) -> bool:
    return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, int) for d in x)


def _structure_runs(shapes: Any) -> list[Run]:
    """Several output shapes, written as Keras writes the structure holding them."""
    if _is_shape(shapes):
        return _shape_runs(shapes)
    if isinstance(shapes, dict):
        items = [[(f"{k}: ", ""), *_structure_runs(v)] for k, v in shapes.items()]
        opening, closing = "{", "}"
    else:
        items = [_structure_runs(v) for v in shapes]
        opening, closing = ("[", "]") if isinstance(shapes, list) else ("(", ")")
        if isinstance(shapes, tuple) and len(items) == 1:
            closing = ",)"
    runs: list[Run] = [(opening, "")]
    for i, item in enumerate(items):
        if i:
            runs.append((", ", ""))
        runs.extend(item)
    return [*runs, (closing, "")]


def _count_shapes(shapes: Any) -> int:
    if _is_shape(shapes):
        return 1
    values = shapes.values() if isinstance(shapes, dict) else shapes
    return sum(_count_shapes(v) for v in values)


def _output_shape_runs(layer: Any) -> list[Run]:
    nodes = layer._inbound_nodes
    if nodes:
        shapes = [tuple(t.shape) for t in nodes[-1].output_tensors]
        return _shape_runs(shapes[0]) if len(shapes) == 1 else _structure_runs(shapes)
    build_shapes = getattr(layer, "_build_shapes", None)
    if build_shapes is None:
        return [("?", "")]
    try:
        shapes = layer.compute_output_shape(build_shapes)
    except Exception:  # noqa: BLE001 - a shape we cannot infer is shown as "?"
        return [("?", "")]
    from keraslite.layers.base import Layer

    if (type(layer).compute_output_shape is Layer.compute_output_shape and _is_shape(shapes)
            and _is_shape(build_shapes) and shapes and build_shapes and shapes[0] is None):
        shapes = (build_shapes[0], *shapes[1:])  # Keras keeps the batch size it was built for
    if _count_shapes(shapes) == 1:
        return _first_shape_runs(shapes)
    return _structure_runs(shapes)


def _first_shape_runs(shapes: Any) -> list[Run]:
    while not _is_shape(shapes):
        shapes = next(iter(shapes.values() if isinstance(shapes, dict) else shapes))
    return _shape_runs(shapes)


def _class_name(layer: Any) -> str:
    op_name = getattr(layer, "op_name", None)
    if isinstance(op_name, str):  # an op applied to symbolic tensors: Keras shows the op
        return {"getitem": "GetItem"}.get(op_name, op_name.title().replace("_", ""))
    return type(layer).__name__


def _layer_cells(layer: Any, prefix: str, relevant: set[int] | None,
                 show_trainable: bool) -> list[_Styled]:
    name = _Styled.of([(f"{prefix}{layer.name} (", ""), (_class_name(layer), "class"),
                       (")", "")])
    if not hasattr(layer, "built"):
        params = [("0", "num")]
    elif not layer.built:
        params = [("0", "num"), (" (unbuilt)", "")]
    else:
        params = [(f"{layer.count_params():,}", "num")]
    cells = [name, _Styled.of(_output_shape_runs(layer)), _Styled.of(params)]
    if relevant is not None:
        connections: list[Run] = []
        for node in layer._inbound_nodes:
            if relevant and id(node) not in relevant:
                continue
            for tensor in _node_inputs(node):
                source, node_index, tensor_index = tensor.history
                if connections:
                    connections.append((", ", ""))
                connections += [(f"{source.name}[", ""), (str(node_index), "num"), ("][", ""),
                                (str(tensor_index), "num"), ("]", "")]
        cells.append(_Styled.of(connections or [("-", "")]))
    if show_trainable:
        if getattr(layer, "weights", None):
            cells.append(_Styled.of([("Y", "yes") if layer.trainable else ("N", "no")]))
        else:
            cells.append(_Styled.of([("-", "bold")]))
    return cells


def _layer_range_bounds(layers: Sequence[Any], layer_range: Any) -> tuple[int, int]:
    if layer_range is None:
        return 0, len(layers)
    if len(layer_range) != 2:
        raise ValueError(
            "layer_range must be a list or tuple of length 2. Received: "
            f"layer_range = {layer_range} of length {len(layer_range)}"
        )
    if not isinstance(layer_range[0], str) or not isinstance(layer_range[1], str):
        raise ValueError(f"layer_range should contain string type only. Received: {layer_range}")
    lower = [i for i, x in enumerate(layers) if re.match(layer_range[0], x.name)]
    upper = [i for i, x in enumerate(layers) if re.match(layer_range[1], x.name)]
    if not lower or not upper:
        raise ValueError(
            "Passed layer_names do not match the layer names in the model. "
            f"Received: {layer_range}"
        )
    if min(lower) > max(upper):
        return min(upper), max(lower) + 1
    return min(lower), max(upper) + 1


def _nested_layers(layer: Any) -> list:
    from keraslite.models.functional import Functional

    if isinstance(layer, Functional):
        return _functional_layout(layer)[0]
    return list(getattr(layer, "layers", None) or [])


_DTYPE_BITS = {"bool": 1, "bfloat16": 16}


def _memory_bytes(shape: Any, dtype: Any) -> float:
    import numpy

    name = str(dtype)
    bits = _DTYPE_BITS.get(name)
    if bits is None:
        bits = numpy.dtype(name).itemsize * 8
    return math.prod(tuple(shape)) * bits / 8


def _weights_size(weights: Sequence[Any]) -> tuple[int, float]:
    """The number of scalars in ``weights`` and their memory size in bytes."""
    count = sum(math.prod(tuple(w.shape)) for w in weights)
    unique = {id(w): w for w in weights}.values()
    return int(count), sum(_memory_bytes(w.shape, w.dtype) for w in unique)


def _optimizer_size(model: Any) -> tuple[int, float] | None:
    """What Keras counts as "Optimizer params", or None before the optimizer is built.

    Keras' optimizer variables are its int32 iteration counter, its learning rate (a floatx
    variable, unless the learning rate is a schedule) and the per-weight slots. A learning
    rate held as a plain number rather than among ``optimizer.variables`` is counted too.
    """
    optimizer = getattr(model, "optimizer", None)
    if not (getattr(model, "compiled", False) and optimizer is not None
            and getattr(optimizer, "built", False)):
        return None
    from keraslite.backend import floatx

    variables = list(optimizer.variables)
    learning_rate = getattr(optimizer, "_learning_rate", None)
    counters = [getattr(optimizer, name, None) for name in ("iterations", "_iterations")]

    def keras_dtype(v: Any) -> Any:
        if any(v is c for c in counters):
            return "int32"
        return floatx() if v is learning_rate else v.dtype

    count = sum(math.prod(tuple(v.shape)) for v in variables)
    size = sum(_memory_bytes(v.shape, keras_dtype(v))
               for v in {id(v): v for v in variables}.values())
    if (learning_rate is not None and not callable(learning_rate)
            and not any(v is learning_rate for v in variables)):
        count += 1
        size += _memory_bytes((), floatx())
    return int(count), size


def readable_memory_size(size: float) -> str:
    """``1680`` -> ``"1.64 KB"``, the way Keras writes sizes in bytes."""
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def print_summary(model: Any, line_length: int | None = None,
                  positions: Sequence[float] | None = None,
                  print_fn: Callable[..., Any] | None = None, expand_nested: bool = False,
                  show_trainable: bool = False,
                  layer_range: Sequence[str] | None = None) -> None:
    """Print a summary of ``model``: its layers, their output shapes and parameter counts.

    The text is the one Keras 3 prints when its output is not a terminal; on a terminal the
    title, numbers and layer classes are coloured as Keras colours them (unless ``NO_COLOR``
    is set).

    Args:
        model: a Sequential, Functional or subclassed model.
        line_length: the table's total width. Defaults to 88 (108 when a "Connected to"
            column is shown for a non-sequential Functional model; +12 with
            ``show_trainable``), or the terminal width minus 4 if that is smaller.
        positions: where the columns end, as fractions of ``line_length``; defaults to
            ``[0.45, 0.80, 1.0]`` (``[0.3, 0.56, 0.74, 1.0]`` with "Connected to").
        print_fn: called once with the whole summary (a string ending with a newline),
            instead of writing it to stdout.
        expand_nested: also list the layers of nested models, under their model.
        show_trainable: add a "Trainable" column (``Y``/``N``, ``-`` for layers without
            weights).
        layer_range: ``[first, last]`` layer names (or regexes): show only that slice.

    Raises:
        ValueError: if a column would be narrower than 4 characters, or ``layer_range`` is
            invalid.

    """
    from keraslite.models.functional import Functional
    from keraslite.models.sequential import Sequential

    relevant: set[int] | None = None
    if isinstance(model, Functional) and not isinstance(model, Sequential):
        layers, nodes, sequential_like = _functional_layout(model)
        if not sequential_like:
            relevant = nodes
    else:
        layers, sequential_like = list(model.layers), True

    if sequential_like:
        default_line_length = 88
        positions = list(positions or [0.45, 0.80, 1.0])
        header = ["Layer (type)", "Output Shape", "Param #"]
        justify = ["left", "left", "right"]
    else:
        default_line_length = 108
        positions = list(positions or [0.3, 0.56, 0.74, 1.0])
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        justify = ["left", "left", "right", "left"]
    if show_trainable:
        default_line_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        justify.append("center")
    default_line_length = min(default_line_length, shutil.get_terminal_size().columns - 4)
    line_length = line_length or default_line_length
    widths = _fit_columns(_column_widths(positions, line_length), line_length)

    rows: list[list[_Styled]] = []

    def add_layer(layer: Any, level: int) -> None:
        prefix = "   " * level + "└ " if level else ""
        rows.append(_layer_cells(layer, prefix, relevant, show_trainable))
        if expand_nested:
            for sub in _nested_layers(layer):
                add_layer(sub, level + 1)

    first, last = _layer_range_bounds(layers, layer_range)
    for layer in layers[first:last]:
        add_layer(layer, 0)

    trainable_count, trainable_size = _weights_size(model.trainable_weights)
    frozen_count, frozen_size = _weights_size(model.non_trainable_weights)
    optimizer = _optimizer_size(model)
    total_count = trainable_count + frozen_count + (optimizer[0] if optimizer else 0)
    total_size = trainable_size + frozen_size + (optimizer[1] if optimizer else 0.0)

    width = _console_width()
    lines = _paragraph([(f'Model: "{model.name}"', "bold")], width)
    lines += [_crop(line, width) for line in _table_lines(header, justify, widths, rows)]
    totals = [("Total", total_count, total_size),
              ("Trainable", trainable_count, trainable_size),
              ("Non-trainable", frozen_count, frozen_size)]
    if optimizer:
        totals.append(("Optimizer", *optimizer))
    for label, count, size in totals:
        lines += _paragraph([(f" {label} params: ", "bold"), (f"{count:,}", "num"),
                             (f" ({readable_memory_size(size)})", "")], width)

    if print_fn is not None:
        print_fn(_to_text(lines, None))
        return
    sys.stdout.write(_to_text(lines, _color_system()))
    sys.stdout.flush()
