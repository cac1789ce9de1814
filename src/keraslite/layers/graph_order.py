"""The order of a layer graph as Keras 3 sees it, one function for every place that needs it.

Keras orders the layers of a Functional model by decreasing depth (distance from the
outputs), breaking ties by the order in which a depth-first walk from the outputs first meets
them. ``model.layers`` (and so the numbering of layers in a weights file), the summary table
and the graph drawing all follow that order.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from keraslite.layers.symbolic import KerasTensor, Node


def _flat_tensors(structure: Any) -> list[KerasTensor]:
    """Symbolic tensors of a nested structure in Keras' order (dict entries sorted by key)."""
    if isinstance(structure, (list, tuple)):
        return [t for item in structure for t in _flat_tensors(item)]
    if isinstance(structure, dict):
        return [t for key in sorted(structure, key=str) for t in _flat_tensors(structure[key])]
    return [structure] if isinstance(structure, KerasTensor) else []


def node_inputs(node: Node) -> list[KerasTensor]:
    """The symbolic inputs of one layer call, in Keras' order."""
    return _flat_tensors((node.args, node.kwargs))


def producer(tensor: KerasTensor) -> Node:
    """The layer call that produced ``tensor``."""
    layer, node_index, _ = tensor.history
    return layer._inbound_nodes[node_index]


class GraphOrder(NamedTuple):
    """A graph's layers in Keras' order, and the depth of each of its nodes."""

    layers: list
    node_depth: dict[int, int]  # id(node) -> depth
    nodes: dict[int, Node]  # id(node) -> node, for the nodes of this graph


def graph_order(inputs: list[KerasTensor], outputs: list[KerasTensor]) -> GraphOrder:
    """Order the layers between ``inputs`` and ``outputs`` as Keras does.

    Args:
        inputs: the graph's input tensors (an input that no output uses is still listed).
        outputs: the graph's output tensors.

    Returns:
        The layers by decreasing depth, ties in first-visit order; each node's depth.

    """
    finished: set[int] = set()
    post_order: list[Node] = []
    first_seen: dict[int, int] = {}
    for output in outputs:
        root = producer(output)
        if id(root) in finished:
            continue
        first_seen.setdefault(id(root.layer), len(first_seen))
        stack = [(root, iter(node_inputs(root)))]
        while stack:
            node, pending = stack[-1]
            for tensor in pending:
                parent = producer(tensor)
                if id(parent) not in finished:
                    first_seen.setdefault(id(parent.layer), len(first_seen))
                    stack.append((parent, iter(node_inputs(parent))))
                    break
            else:
                stack.pop()
                if id(node) not in finished:
                    finished.add(id(node))
                    post_order.append(node)

    node_depth: dict[int, int] = {}
    layer_depth: dict[int, int] = {}
    layers: dict[int, Any] = {}
    nodes = {id(n): n for n in post_order}
    for node in reversed(post_order):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = depth
        layers[id(node.layer)] = node.layer
        node_depth[id(node)] = depth
        for tensor in node_inputs(node):
            parent = producer(tensor)
            node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for tensor in inputs:  # inputs that the outputs do not use
        layer = tensor.history[0]
        if id(layer) not in layer_depth:
            layer_depth[id(layer)] = 0
            layers[id(layer)] = layer
            first_seen[id(layer)] = -1
            node = producer(tensor)
            node_depth[id(node)] = 0
            nodes[id(node)] = node
    ordered = sorted(layers.values(), key=lambda x: (-layer_depth[id(x)], first_seen[id(x)]))
    return GraphOrder(ordered, node_depth, nodes)
