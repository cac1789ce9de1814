"""``model.export(path, format="onnx")``: write a built model as an ONNX file.

The graph is made with ``onnx.helper`` from the model's recorded layer graph (see
:mod:`keraslite.export.onnx_graph`); the batch axis, and any other axis the model leaves
``None``, stays dynamic. Inputs are named after the model's input layers, outputs after its
output layers (``model.output_names``).
"""

from __future__ import annotations

import os
from typing import Any

from keraslite.backend import floatx
from keraslite.export.onnx_graph import (
    DEFAULT_OPSET,
    OnnxContext,
    OnnxExportError,
    convert_model_graph,
)
from keraslite.models import Sequential
from keraslite.models.functional import Functional


def _require_onnx() -> Any:
    try:
        import onnx
    except ImportError:
        raise ImportError(
            "Exporting to ONNX needs the `onnx` package. Install it with "
            "`pip install \"keraslite[onnx]\"` (onnx, and onnxruntime to run the file).") from None
    return onnx


def _value_info(name: str, shape: tuple, elem_type: int, axis_names: list[str]) -> Any:
    from onnx import helper

    dims = [d if d is not None else (axis_names[i] if i < len(axis_names) else f"dim_{i}")
            for i, d in enumerate(shape)]
    return helper.make_tensor_value_info(name, elem_type, dims)


def to_onnx(model: Any, opset_version: int | None = None) -> Any:
    """The ``onnx.ModelProto`` of a built keraslite model (not written anywhere)."""
    onnx = _require_onnx()
    from onnx import helper

    if isinstance(model, Sequential) and not model.built:
        raise OnnxExportError(
            f"Model '{model.name}' has not been built, so its input shape is unknown. Start "
            "it with keras.Input(shape=...), or call the model on data (or model.build(...)) "
            "before exporting. Received: an unbuilt model")

    if not isinstance(model, (Sequential, Functional)):
        convert_model_graph(None, model, [])  # raises: a subclassed model has no graph

    opset = int(opset_version or DEFAULT_OPSET)
    if opset < 13:
        raise ValueError(f"ONNX export writes opset 13 or newer. Received: opset_version={opset}")
    ctx = OnnxContext(getattr(model, "dtype", None) or floatx(), opset)
    input_names = [ctx.unique(t.history[0].name) for t in model.inputs]
    given = list(model.output_names)
    output_names = [ctx.unique(given[i] if i < len(given) else f"output_{i}")
                    for i in range(len(model.outputs))]
    outputs = convert_model_graph(ctx, model, input_names)
    for produced, name in zip(outputs, output_names):
        ctx.nodes.append(helper.make_node("Identity", [produced], [name],
                                          name=ctx.unique(f"{name}_identity", ctx._node_names)))
    # With a dynamic axis besides the batch among the inputs, the outputs' recorded shapes may
    # hold placeholder sizes for it, so their axes are all left dynamic.
    dynamic = any(d is None for t in model.inputs for d in tuple(t.shape)[1:])

    def output_shape(t: Any) -> tuple:
        return (None,) * len(tuple(t.shape)) if dynamic else tuple(t.shape)

    graph = helper.make_graph(
        ctx.nodes, model.name,
        [_value_info(n, tuple(t.shape), ctx.elem_type, ["batch"])
         for n, t in zip(input_names, model.inputs)],
        [_value_info(n, output_shape(t), ctx.elem_type, ["batch"])
         for n, t in zip(output_names, model.outputs)],
        initializer=ctx.initializers)
    opsets = [helper.make_opsetid("", opset)]
    proto = helper.make_model(graph, producer_name="keraslite", opset_imports=opsets)
    # The oldest IR version that holds the opset, so that older onnxruntimes read the file.
    proto.ir_version = helper.find_min_ir_version_for(opsets)
    onnx.checker.check_model(proto)
    return proto


def export_onnx(model: Any, filepath: Any, verbose: bool | None = None,
                input_signature: Any = None, opset_version: int | None = None,
                **kwargs: Any) -> None:
    """Write ``model`` to ``filepath`` as ONNX (Keras 3's ``export(..., format="onnx")``).

    Args:
        model: a built Sequential or Functional model (nested models are inlined).
        filepath: where to write the ``.onnx`` file.
        verbose: print where the file was written (default True, as Keras).
        input_signature: not needed (the model's own input shapes are used, with a dynamic
            batch axis); a value other than None is rejected.
        opset_version: the ONNX opset (default 17).

    Raises:
        OnnxExportError: for a layer without a converter (the message names it) or an
            unbuilt or subclassed model.

    """
    if input_signature is not None:
        raise ValueError(
            "keraslite's ONNX export takes the input shapes from the model (with a dynamic "
            "batch axis); leave input_signature=None. Received: "
            f"input_signature={input_signature!r}")
    if kwargs:
        raise TypeError(f"export(format='onnx') got unexpected arguments {sorted(kwargs)}.")
    onnx = _require_onnx()
    proto = to_onnx(model, opset_version)
    path = os.fspath(filepath)
    tmp = f"{path}.tmp{os.getpid()}"
    onnx.save(proto, tmp)
    os.replace(tmp, path)
    if verbose is None or verbose:
        print(f"Saved artifact at '{path}'.")
