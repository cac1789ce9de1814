"""Python functions stored as bytecode (Keras' ``__lambda__`` configs).

Writing one is harmless; loading one runs code from the file, so
:func:`~keraslite.saving.deserialize_keras_object` calls :func:`load_function` only when the
caller passed ``safe_mode=False``. The format is Keras 3's (``marshal`` of the code object,
base64-encoded, with defaults and closure values), so it only loads in the Python version that
wrote it.
"""

from __future__ import annotations

import base64
import binascii
import marshal
import types
from typing import Any


def dump_function(fn: types.FunctionType) -> list:
    """``[code, defaults, closure]`` for a lambda, as Keras writes it."""
    code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
    closure = None
    if fn.__closure__:
        closure = [c.cell_contents for c in fn.__closure__]
    return [code, list(fn.__defaults__) if fn.__defaults__ else None, closure]


def load_function(value: Any) -> types.FunctionType:
    """Rebuild a function from :func:`dump_function`'s output. Runs code from the file: call
    only when the caller opted out of safe mode.
    """
    if not isinstance(value, (list, tuple)) or len(value) != 3 or not isinstance(value[0], str):
        raise ValueError(
            "A `__lambda__` config must hold [code, defaults, closure]. "
            f"Received: {type(value).__name__}"
        )
    code, defaults, closure = value
    try:
        raw = base64.decodebytes(code.encode("ascii"))
        code_object = marshal.loads(raw)
    except (binascii.Error, ValueError, EOFError, TypeError) as error:
        raise ValueError(
            "Could not load the Python function stored in the file; bytecode only loads in the "
            f"Python version that wrote it. Received error: {error}"
        ) from None
    if not isinstance(code_object, types.CodeType):
        raise ValueError("The stored function is not a code object. Received: "
                         f"{type(code_object).__name__}")
    cells = None
    if closure is not None:
        cells = tuple(types.CellType(v) for v in closure)
    import builtins

    import keraslite

    # Keras' lambdas usually reach for `keras.ops`; here that is keraslite's.
    namespace = {"__builtins__": builtins, "keras": keraslite, "ops": keraslite.ops}
    return types.FunctionType(code_object, namespace, code_object.co_name,
                              tuple(defaults) if defaults else None, cells)
