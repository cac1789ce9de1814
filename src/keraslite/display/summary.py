"""``Model.summary()``: the table of layers, output shapes and parameter counts.

The rows, widths and totals are Keras 3's; :mod:`keraslite.display.summary_render` draws them
with ``rich`` as Keras does (the same text, character for character) where rich is installed,
and as a plain box table otherwise.
"""

from __future__ import annotations

import math
import re
import shutil
from collections.abc import Callable, Sequence
from typing import Any

from keraslite.backend import floatx
from keraslite.display.summary_render import Cell, Run, column_widths, render
from keraslite.layers.base import Layer
from keraslite.layers.graph_order import graph_order, node_inputs


# -- the model ------------------------------------------------------------------------------
def _functional_layout(model: Any) -> tuple[list, set[int], bool]:
    """Layers of a Functional model in Keras' order, the ids of its nodes, and whether the
    graph is a plain chain (then Keras shows no "Connected to" column).
    """
    order = graph_order(model.inputs, model.outputs)
    nodes_at_depth: dict[int, list] = {}
    for node_id, node in order.nodes.items():
        nodes_at_depth.setdefault(order.node_depth[node_id], []).append(node)
    relevant = set(order.nodes)
    sequential_like = all(len(nodes) == 1 and len(node_inputs(nodes[0])) <= 1
                          for nodes in nodes_at_depth.values())
    if sequential_like:
        sequential_like = all(sum(id(n) in relevant for n in layer._inbound_nodes) <= 1
                              for layer in order.layers)
    return order.layers, relevant, sequential_like


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
                 show_trainable: bool) -> list[Cell]:
    name: Cell = [(f"{prefix}{layer.name} (", ""), (_class_name(layer), "class"), (")", "")]
    if not hasattr(layer, "built"):
        params = [("0", "num")]
    elif not layer.built:
        params = [("0", "num"), (" (unbuilt)", "")]
    else:
        params = [(f"{layer.count_params():,}", "num")]
    cells = [name, _output_shape_runs(layer), params]
    if relevant is not None:
        connections: list[Run] = []
        for node in layer._inbound_nodes:
            if relevant and id(node) not in relevant:
                continue
            for tensor in node_inputs(node):
                source, node_index, tensor_index = tensor.history
                if connections:
                    connections.append((", ", ""))
                connections += [(f"{source.name}[", ""), (str(node_index), "num"), ("][", ""),
                                (str(tensor_index), "num"), ("]", "")]
        cells.append(connections or [("-", "")])
    if show_trainable:
        if getattr(layer, "weights", None):
            cells.append([("Y", "yes") if layer.trainable else ("N", "no")])
        else:
            cells.append([("-", "bold")])
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


def _is_graph_network(model: Any) -> bool:
    """A Functional model (a graph of layer calls); the display knows no model class."""
    return getattr(model, "_is_graph_network", False)


def _nested_layers(layer: Any) -> list:
    if _is_graph_network(layer):
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
    relevant: set[int] | None = None
    if _is_graph_network(model):
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
    widths = column_widths(positions, line_length)

    rows: list[list[Cell]] = []

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

    totals = [("Total", total_count, total_size),
              ("Trainable", trainable_count, trainable_size),
              ("Non-trainable", frozen_count, frozen_size)]
    if optimizer:
        totals.append(("Optimizer", *optimizer))
    lines = [[(f" {label} params: ", "bold"), (f"{count:,}", "num"),
              (f" ({readable_memory_size(size)})", "")] for label, count, size in totals]
    render([(f'Model: "{model.name}"', "bold")], header, justify, widths, rows, lines, print_fn)
