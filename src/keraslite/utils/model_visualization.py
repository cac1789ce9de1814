"""``plot_model`` and ``model_to_dot``: a model's layer graph in Graphviz's DOT language.

The DOT text is written here, with no third-party package. Where ``pydot`` is installed,
``model_to_dot`` returns a ``pydot.Dot`` parsed from that text (what Keras returns); where the
Graphviz program ``dot`` is installed, ``plot_model`` renders the image. Without Graphviz,
``plot_model`` writes the DOT file beside ``to_file`` and says how to render it: drawing a model
never stops a script.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import warnings
from typing import Any

from keraslite.models.functional import Functional
from keraslite.models.sequential import Sequential

_EDGE = '  "{}" -> "{}" [penwidth="2"];'
_FORMATS = {"png", "svg", "pdf", "jpg", "jpeg", "gif", "ps", "eps", "dot"}


class DotGraph:
    """The DOT text of a model's graph, for when ``pydot`` is not installed.

    Offers the part of ``pydot.Dot``'s interface that scripts use with ``model_to_dot``:
    ``to_string()``, ``create(prog, format)`` and ``write(path, format)``.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def to_string(self) -> str:
        return self.text

    def create(self, prog: str = "dot", format: str = "png") -> bytes:
        """Render with Graphviz; raises ``OSError`` naming the fix when it is not installed."""
        exe = shutil.which(prog)
        if exe is None:
            raise OSError(f"The Graphviz program '{prog}' was not found on PATH. Install Graphviz "
                          "(`apt install graphviz`, `brew install graphviz`, or "
                          "https://graphviz.org/download/) to render the graph.")
        result = subprocess.run([exe, f"-T{format}"], input=self.text.encode(),
                                capture_output=True, check=False)
        if result.returncode != 0:
            raise OSError(f"Graphviz '{prog}' failed: {result.stderr.decode(errors='replace')}")
        return result.stdout

    def write(self, path: str, format: str = "raw", prog: str = "dot") -> None:
        data = self.text.encode() if format in ("raw", "dot") else self.create(prog, format)
        with open(path, "wb") as f:
            f.write(data)

    def __str__(self) -> str:
        return self.text


def _activation_name(layer: Any) -> str:
    activation = layer.activation
    return getattr(activation, "name", None) or getattr(activation, "__name__", None) \
        or str(activation)


def _shapes(layer: Any) -> tuple[Any, Any]:
    nodes = getattr(layer, "_inbound_nodes", [])
    if not nodes:
        return None, None
    node = nodes[0]
    ins = [t.shape for t in node.input_tensors]
    outs = [t.shape for t in node.output_tensors]
    return (ins[0] if len(ins) == 1 else ins or None), (outs[0] if len(outs) == 1 else outs)


def _format_shape(shape: Any) -> str:
    return "?" if shape is None else html.escape(str(shape))


def _label(layer: Any, opts: dict) -> str:
    """An HTML-like label laid out as Keras lays it out (name bar, activation, shape cells)."""
    class_name = type(layer).__name__
    cols = []
    if opts["show_shapes"]:
        input_shape, output_shape = _shapes(layer)
        if class_name != "InputLayer":
            cols.append(f"Input shape: <b>{_format_shape(input_shape)}</b>")
        cols.append(f"Output shape: <b>{_format_shape(output_shape)}</b>")
    if opts["show_dtype"]:
        nodes = getattr(layer, "_inbound_nodes", [])
        dtype = nodes[0].output_tensors[0].dtype if nodes and nodes[0].output_tensors else "?"
        cols.append(f"Output dtype: <b>{html.escape(str(dtype))}</b>")
    trainable_cell = None
    if opts["show_trainable"] and layer.weights:
        trainable_cell = ('<td bgcolor="forestgreen"><font point-size="14" color="white">'
                          "<b>Trainable</b></font></td>" if layer.trainable else
                          '<td bgcolor="firebrick"><font point-size="14" color="white">'
                          "<b>Non-trainable</b></font></td>")
    span = max(1, len(cols) + (trainable_cell is not None))
    title = (f"<b>{html.escape(layer.name)}</b> ({class_name})" if opts["show_layer_names"]
             else f"<b>{class_name}</b>")
    rows = [f'<tr><td colspan="{span}" bgcolor="black"><font point-size="16" color="white">'
            f"{title}</font></td></tr>"]
    if opts["show_layer_activations"] and getattr(layer, "activation", None) is not None:
        rows.append(f'<tr><td bgcolor="white" colspan="{span}"><font point-size="14">'
                    f"Activation: <b>{html.escape(_activation_name(layer))}</b></font></td></tr>")
    cells = [f'<td bgcolor="white"><font point-size="14">{c}</font></td>' for c in cols]
    if trainable_cell:
        cells.append(trainable_cell)
    if cells:
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return ('<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">'
            + "".join(rows) + "</table>>")


def _node_line(layer: Any, opts: dict) -> str:
    return (f'  "{id(layer)}" [label={_label(layer, opts)}, fontname="Helvetica", border="0", '
            'margin="0"];')


def _is_graph_model(layer: Any) -> bool:
    return isinstance(layer, (Functional, Sequential))


def _graph_layers(model: Any) -> list | None:
    """The boxes of a model: Sequential's layers, a Functional's operations, None otherwise."""
    if isinstance(model, Sequential):
        return model.layers
    if isinstance(model, Functional):
        return [node.layer for node in _unique_nodes(model)]
    return None


def _unique_nodes(model: Any) -> list:
    seen, layers = set(), []
    for node in model._nodes:
        if id(node.layer) not in seen:
            seen.add(id(node.layer))
            layers.append(node)
    return layers


def _first_box(model: Any) -> Any:
    """The box an edge into a nested Sequential points at (its first real layer)."""
    while _is_graph_model(model):
        model = model.layers[0] if isinstance(model, Sequential) else model.inputs[0].history[0]
    return model


def _edges(model: Any, layers: list, expand_nested: bool) -> list[tuple[Any, Any]]:
    if isinstance(model, Sequential) and not expand_nested:
        return list(zip(layers[:-1], layers[1:]))
    own_nodes = {id(n) for n in model._nodes} if isinstance(model, Functional) else None
    edges = []
    for layer in (layers[1:] if isinstance(model, Sequential) else layers):
        for node in layer._inbound_nodes:
            if own_nodes is not None and id(node) not in own_nodes:
                continue
            for input_index, tensor in enumerate(node.input_tensors):
                source, _, output_index = tensor.history
                destination = layer
                if expand_nested:
                    while _is_graph_model(source):
                        source, _, output_index = source.outputs[output_index].history
                    if isinstance(destination, Functional):
                        destination = destination.inputs[input_index].history[0]
                    destination = _first_box(destination)
                edges.append((source, destination))
    return edges


def _dot_lines(model: Any, opts: dict, expand_nested: bool, subgraph: bool) -> list[str]:
    layers = _graph_layers(model)
    if layers is None:  # a subclassed model is one box
        return [_node_line(model, opts)]
    lines = []
    if subgraph:
        lines += [f'subgraph "cluster_{html.escape(model.name)}" {{', "  style=dashed;",
                  f'  label="{html.escape(model.name)}";', '  labeljust="l";']
    for layer in layers:
        if expand_nested and _is_graph_model(layer):
            lines += ["  " + line for line in _dot_lines(layer, opts, True, True)]
        else:
            lines.append(_node_line(layer, opts))
    seen = set()
    for source, destination in _edges(model, layers, expand_nested):
        key = (id(source), id(destination))
        if key not in seen:
            seen.add(key)
            lines.append(_EDGE.format(*key))
    if subgraph:
        lines.append("}")
    return lines


def model_to_dot(model: Any, show_shapes: bool = False, show_dtype: bool = False,
                 show_layer_names: bool = True, rankdir: str = "TB",
                 expand_nested: bool = False, dpi: int = 200, subgraph: bool = False,
                 show_layer_activations: bool = False, show_trainable: bool = False,
                 splines: str = "ortho", **kwargs: Any) -> Any:
    """Describe a model's layer graph in the DOT language (Keras' ``model_to_dot``).

    Args:
        model: a built Keras model (Sequential and Functional models are drawn layer by layer,
            a subclassed model as one box).
        show_shapes: show each layer's input and output shapes.
        show_dtype: show each layer's output dtype.
        show_layer_names: show layer names beside their class.
        rankdir: ``"TB"`` (top to bottom) or ``"LR"`` (left to right).
        expand_nested: draw nested models as clusters of their layers.
        dpi: image resolution in dots per inch.
        subgraph: return a cluster (for nesting) instead of a whole graph.
        show_layer_activations: show the activation of layers that have one.
        show_trainable: mark layers with weights as trainable or not.
        splines: how edges are drawn (``"ortho"``, ``"curved"``, ``"polyline"``, ...).

    Returns:
        A ``pydot.Dot`` when pydot is installed, else a :class:`DotGraph` holding the DOT text.

    """
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported (as in Keras 3).")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    if not model.built:
        raise ValueError("This model has not yet been built. Build the model first by calling "
                         "`build()` or by calling the model on a batch of data.")
    opts = {"show_shapes": show_shapes, "show_dtype": show_dtype,
            "show_layer_names": show_layer_names, "show_trainable": show_trainable,
            "show_layer_activations": show_layer_activations}
    body = _dot_lines(model, opts, expand_nested, subgraph)
    if subgraph:
        text = "\n".join(body) + "\n"
    else:
        text = "\n".join([
            "digraph G {", f'  rankdir="{rankdir}";', "  concentrate=true;", f"  dpi={dpi};",
            f'  splines="{splines}";', "  node [shape=record];", *body, "}"]) + "\n"
    try:
        import pydot
    except ImportError:
        return DotGraph(text)
    if subgraph:
        return DotGraph(text)  # pydot cannot parse a bare cluster; its text nests the same way
    return pydot.graph_from_dot_data(text)[0]


def plot_model(model: Any, to_file: str = "model.png", show_shapes: bool = False,
               show_dtype: bool = False, show_layer_names: bool = False, rankdir: str = "TB",
               expand_nested: bool = False, dpi: int = 200, show_layer_activations: bool = False,
               show_trainable: bool = False, splines: str = "ortho", **kwargs: Any) -> Any:
    """Draw a model's layer graph into an image file (Keras' ``plot_model``).

    The image format follows ``to_file``'s extension (``.png``, ``.svg``, ``.pdf``, ``.dot``,
    ...). Rendering needs the Graphviz program ``dot``; without it the DOT text is written to
    ``to_file`` with the extension ``.dot`` and a warning says how to render it.

    Args:
        model: a built Keras model.
        to_file: where to write the image.
        show_shapes, show_dtype, show_layer_names, rankdir, expand_nested, dpi,
        show_layer_activations, show_trainable, splines: as for :func:`model_to_dot`.

    Returns:
        An ``IPython.display.Image`` in a notebook (for PNG/JPEG files), else ``None``.

    """
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                       show_layer_names=show_layer_names, rankdir=rankdir,
                       expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations,
                       show_trainable=show_trainable, splines=splines, **kwargs)
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:].lower() or "png"
    if extension not in _FORMATS:
        raise ValueError(f"`to_file` must end in one of {sorted(_FORMATS)}. "
                         f"Received: to_file={to_file!r}")
    text = dot.to_string()
    if extension == "dot":
        DotGraph(text).write(to_file)
        return None
    if shutil.which("dot") is None:
        dot_file = os.path.splitext(to_file)[0] + ".dot"
        DotGraph(text).write(dot_file)
        warnings.warn(
            f"plot_model: the Graphviz program 'dot' is not installed, so {to_file!r} was not "
            f"drawn; the graph was written to {dot_file!r}. Install Graphviz (`apt install "
            "graphviz`, `brew install graphviz`) and render it with "
            f"`dot -T{extension} {dot_file} -o {to_file}`.", stacklevel=2)
        return None
    DotGraph(text).write(to_file, format=extension)
    if extension in ("png", "jpg", "jpeg") and "IPython" in sys.modules:
        try:
            from IPython import display
        except ImportError:
            return None
        return display.Image(filename=to_file)
    return None
