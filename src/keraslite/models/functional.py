"""Functional models: a graph of layer calls from ``Input`` tensors to outputs."""

from __future__ import annotations

from typing import Any

from keraslite.layers.base import Layer
from keraslite.layers.input_layer import InputLayer
from keraslite.layers.symbolic import KerasTensor, Node, flatten, map_structure
from keraslite.models.functional_config import (
    functional_from_config,
    functional_get_config,
    keras_layer_order,
)
from keraslite.models.model import Model


def _check_symbolic(structure: Any, argument: str) -> list[KerasTensor]:
    flat = flatten(structure)
    for t in flat:
        if not isinstance(t, KerasTensor):
            raise TypeError(
                f"All `{argument}` of a Functional model must be symbolic tensors created by "
                "keras.Input(...) or by calling layers on them. "
                f"Received: {argument}={structure!r} (contains {type(t).__name__})"
            )
    return flat


def _nodes_in_order(outputs: list[KerasTensor]) -> list[Node]:
    """The nodes that produce ``outputs``, each after the nodes it depends on."""
    order: list[Node] = []
    seen: set[int] = set()
    stack: list[tuple[Node, bool]] = []
    for t in reversed(outputs):
        layer, index, _ = t.history
        stack.append((layer._inbound_nodes[index], False))
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for parent in reversed(node.parent_nodes):
            if id(parent) not in seen:
                stack.append((parent, False))
    return order


class Functional(Model):
    """A model defined by its symbolic inputs and outputs (``keras.Model(inputs, outputs)``).

    Layers may be shared (called several times); models may have several inputs and outputs.
    """

    _saving_layers_first = True
    _is_graph_network = True  # the summary and the exporters draw its graph

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None,
                 trainable: bool = True, **kwargs: Any) -> None:
        super().__init__(name=name, trainable=trainable)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = _check_symbolic(inputs, "inputs")
        self.outputs = _check_symbolic(outputs, "outputs")
        for t in self.inputs:
            if not isinstance(t.history[0], InputLayer):
                raise ValueError(
                    "The `inputs` of a Functional model must come directly from keras.Input(); "
                    f"'{t.name}' is the output of layer '{t.history[0].name}'. "
                    f"Received: inputs={inputs!r}"
                )
        self._nodes = _nodes_in_order(self.outputs)
        input_ids = {id(t) for t in self.inputs}
        for node in self._nodes:
            if isinstance(node.layer, InputLayer) and id(node.output_tensors[0]) not in input_ids:
                raise ValueError(
                    "Graph disconnected: the outputs depend on the input "
                    f"'{node.layer.name}', which is not among the model's `inputs`. Add it to "
                    f"`inputs`. Received: inputs={[t.name for t in self.inputs]}"
                )
        # Keras' order of `layers` (by depth from the outputs): weights files rely on it.
        self._layers.extend(keras_layer_order(self.inputs, self.outputs))
        self._output_shape = map_structure(lambda t: t.shape, outputs)
        self.built = True

    @property
    def input(self) -> Any:
        """The symbolic inputs, in the structure the model was created with."""
        return self._inputs_struct

    @property
    def output(self) -> Any:
        """The symbolic outputs, in the structure the model was created with."""
        return self._outputs_struct

    @property
    def input_names(self) -> list[str]:
        return [t.history[0].name for t in self.inputs]

    @property
    def output_names(self) -> list[str]:
        return [t.history[0].name for t in self.outputs]

    @property
    def input_shape(self) -> Any:
        return map_structure(lambda t: t.shape, self._inputs_struct)

    def _flatten_inputs(self, inputs: Any) -> list:
        if isinstance(inputs, dict):
            if isinstance(self._inputs_struct, dict):
                return [inputs[k] for k in self._inputs_struct]
            missing = [n for n in self.input_names if n not in inputs]
            if missing:
                raise ValueError(
                    f"Missing data for inputs {missing}: the dict must have a key for each "
                    f"input name {self.input_names}. Received keys: {sorted(inputs)}"
                )
            return [inputs[n] for n in self.input_names]
        flat = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(flat) != len(self.inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self.inputs)} input(s) "
                f"({self.input_names}), but it received {len(flat)} input tensors. "
                f"Received: {len(flat)} inputs"
            )
        return flat

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        values: dict[int, Any] = {}
        for t, v in zip(self.inputs, self._flatten_inputs(inputs)):
            values[id(t)] = t.history[0]._to_input_tensor(v)
        for node in self._nodes:
            if isinstance(node.layer, InputLayer):
                continue

            def fetch(t: Any) -> Any:
                return values[id(t)] if isinstance(t, KerasTensor) else t

            args = map_structure(fetch, node.args)
            kwargs = map_structure(fetch, node.kwargs)
            if training is not None and "training" not in kwargs:
                kwargs["training"] = training
            out = node.layer(*args, **kwargs)
            for t, v in zip(node.output_tensors, flatten(out)):
                values[id(t)] = v
        return map_structure(lambda t: values[id(t)], self._outputs_struct)

    def _plan_graph(self) -> Any:
        """The layer graph for the training engine: ``(nodes, input keys, output keys)``, each
        node ``(layer, input keys, output keys, call)`` where ``call(layer, input values)``
        rebuilds the node's arguments (None for a plain ``layer(x)``); None when ``call`` is
        overridden or the inputs or outputs are a dict.
        """
        if type(self).call is not Functional.call or isinstance(self._inputs_struct, dict) \
                or isinstance(self._outputs_struct, dict):
            return None
        nodes = []
        for node in self._nodes:
            if isinstance(node.layer, InputLayer):
                continue
            extra = {k for k in node.kwargs if k != "training"}
            plain = len(node.args) == 1 and isinstance(node.args[0], KerasTensor) and not extra
            nodes.append((node.layer, [id(t) for t in node.input_tensors],
                          [id(t) for t in node.output_tensors],
                          None if plain else _node_call(node)))
        return nodes, [id(t) for t in self.inputs], [id(t) for t in self.outputs]

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        return Layer.compute_output_spec(self, *args, **kwargs)

    # -- configuration (saving) ---------------------------------------------------------
    def get_config(self) -> dict:
        """Keras 3's config: layers with their ``inbound_nodes``, inputs and outputs."""
        return functional_get_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Functional:
        """Rebuild the graph from :meth:`get_config` (Keras 3's, or Keras 2's legacy form)."""
        return functional_from_config(cls, dict(config), custom_objects)


def _node_call(node: Node) -> Any:
    """``call(layer, values)``: the node's call with its KerasTensors replaced by ``values``."""

    def call(layer: Any, values: list) -> Any:
        mapping = {id(t): v for t, v in zip(node.input_tensors, values)}

        def fetch(t: Any) -> Any:
            return mapping[id(t)] if isinstance(t, KerasTensor) else t

        args = map_structure(fetch, node.args)
        kwargs = map_structure(fetch, node.kwargs)
        kwargs.setdefault("training", True)
        return layer(*args, **kwargs)

    return call
