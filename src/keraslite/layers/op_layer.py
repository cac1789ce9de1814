"""A layer that applies one ``keraslite.ops`` function: ops used in the Functional API."""

from __future__ import annotations

from typing import Any

from keraslite import ops
from keraslite.layers.base import Layer


class OpLayer(Layer):
    """Wraps ``keraslite.ops.<op_name>`` so that it can be recorded in a Functional graph."""

    def __init__(self, op_name: str, op_kwargs: dict | None = None, **kwargs: Any) -> None:
        super().__init__(name=kwargs.pop("name", None), **kwargs)
        self.op_name = op_name
        # the op's own arguments stored in Keras' config (``Any``: axis, keepdims)
        self.op_kwargs = dict(op_kwargs or {})
        self.built = True

    def call(self, *args: Any, training: bool | None = None, **kwargs: Any) -> Any:
        fn: Any = ops
        for part in self.op_name.split("."):  # "image.resize" is keraslite.ops.image.resize
            fn = getattr(fn, part)
        return fn(*args, **{**self.op_kwargs, **kwargs})

    def get_config(self) -> dict:
        return {**super().get_config(), "op_name": self.op_name}
