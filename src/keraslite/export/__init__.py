"""Exporting models for inference elsewhere: ``model.export(path, format="onnx")``.

ONNX files are built with the ``onnx`` package (``pip install "keraslite[onnx]"``) from a
per-layer converter registry; :func:`register_onnx_converter` adds a converter for a new
layer class (see docs/onnx_export.md).
"""

from __future__ import annotations

from typing import Any

from keraslite.export.onnx_export import export_onnx
from keraslite.export.onnx_graph import OnnxContext as OnnxContext
from keraslite.export.onnx_graph import OnnxExportError as OnnxExportError
from keraslite.export.onnx_graph import register_onnx_converter as register_onnx_converter

FORMATS = ("onnx",)


def export_model(model: Any, filepath: Any, format: str = "tf_saved_model",
                 verbose: bool | None = None, input_signature: Any = None,
                 **kwargs: Any) -> None:
    """``Model.export``: write ``model`` for inference in ``format`` (``"onnx"``)."""
    if format == "onnx":
        export_onnx(model, filepath, verbose=verbose, input_signature=input_signature,
                    **kwargs)
        return
    raise ValueError(
        f"keraslite exports format='onnx' only ({format!r} needs TensorFlow, OpenVINO, "
        "LiteRT or PyTorch). Use model.export(path, format='onnx'), or model.save(path) "
        f"for a .keras file. Received: format={format!r}")


__all__ = ["export_model", "register_onnx_converter", "OnnxContext", "OnnxExportError"]
