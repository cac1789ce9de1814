"""Reading the pickles inside Keras' dataset files without running any code.

CIFAR batches are Python pickles (a dict of bytes keys, a list of labels, a uint8 array) and
the IMDB/Reuters ``.npz`` files hold object arrays of lists, stored as pickles inside ``.npy``.
``pickle.load`` would execute whatever the file names; instead :func:`loads` walks the opcodes
with :func:`pickletools.genops` (which only parses) and builds the values itself. It accepts
the plain types (dict, list, tuple, str, bytes, int, float, bool, None) and, for arrays, only
the three names NumPy's own pickles use (``numpy.core.multiarray._reconstruct``,
``numpy.ndarray``, ``numpy.dtype``; plus ``_codecs.encode(text, "latin1")``, how Python 3 writes
bytes in protocol 2), rebuilt here as ``numpy.frombuffer`` of their raw bytes
(or an object array of plain values). Any other name or opcode is refused.
"""

from __future__ import annotations

import io
import pickletools
import zipfile
from typing import Any

import numpy as np

_ARRAY_GLOBALS = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray",
                                                              "_reconstruct")}
_SCALAR_GLOBALS = {("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar")}
_MARK = object()


class _Global:
    def __init__(self, module: str, name: str) -> None:
        self.key = (module, name)


class _ArrayStub:
    """An array under construction: ``_reconstruct(ndarray, ...)`` then BUILD(state)."""

    def build(self, state: tuple) -> np.ndarray:
        _, shape, dtype, fortran, raw = state
        shape = tuple(int(d) for d in shape)
        if not isinstance(dtype, np.dtype):
            raise ValueError("Unsafe or unsupported pickle: array without a dtype")
        if dtype.kind == "O":
            out = np.empty(len(raw), dtype=object)
            for i, value in enumerate(raw):  # one step per stored object, not per number
                out[i] = value
            return out.reshape(shape, order="F" if fortran else "C")
        if isinstance(raw, str):  # protocol 2 strings from Python 2 read as latin-1
            raw = raw.encode("latin-1")
        array = np.frombuffer(bytes(raw), dtype=dtype)
        return array.reshape(shape, order="F" if fortran else "C").copy()


class _DtypeStub:
    def __init__(self, code: Any) -> None:
        code = code.decode() if isinstance(code, bytes) else str(code)
        if not (code[:1] in ("b", "i", "u", "f", "c", "O") and (code[1:].isdigit() or
                                                                code == "O")):
            raise ValueError(f"Unsafe or unsupported pickle: dtype {code!r}")
        self.code = "O" if code[0] == "O" else code

    def build(self, state: tuple) -> np.dtype:
        order = state[1] if len(state) > 1 else "|"
        order = order.decode() if isinstance(order, bytes) else order
        order = order if order in ("<", ">", "=") else "|"
        return np.dtype((order if order != "|" else "") + self.code)


def loads(data: bytes) -> Any:
    """The value of a pickle of plain types and NumPy arrays, without executing it.

    Raises:
        ValueError: the pickle names anything else (it may be malicious or corrupted).

    """
    stack: list = []
    memo: dict = {}

    def pop_mark() -> list:
        for i in range(len(stack) - 1, -1, -1):
            if stack[i] is _MARK:
                items = stack[i + 1:]
                del stack[i:]
                return items
        raise ValueError("Corrupted pickle: no MARK")

    for op, arg, _ in pickletools.genops(data):
        name = op.name
        if name in ("PROTO", "FRAME"):
            continue
        if name == "STOP":
            break
        if name in ("BININT", "BININT1", "BININT2", "LONG1", "LONG4", "INT", "LONG", "BINFLOAT",
                    "FLOAT", "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8", "UNICODE",
                    "BINBYTES", "SHORT_BINBYTES", "BINBYTES8"):
            stack.append(arg)
        elif name in ("BINSTRING", "SHORT_BINSTRING", "STRING"):
            stack.append(arg.encode("latin-1") if isinstance(arg, str) else arg)
        elif name == "NONE":
            stack.append(None)
        elif name in ("NEWTRUE", "NEWFALSE"):
            stack.append(name == "NEWTRUE")
        elif name == "EMPTY_DICT":
            stack.append({})
        elif name == "EMPTY_LIST":
            stack.append([])
        elif name == "EMPTY_TUPLE":
            stack.append(())
        elif name == "MARK":
            stack.append(_MARK)
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            n = int(name[-1])
            items = tuple(stack[-n:])
            del stack[-n:]
            stack.append(items)
        elif name == "TUPLE":
            stack.append(tuple(pop_mark()))
        elif name == "LIST":
            stack.append(pop_mark())
        elif name == "DICT":
            items = pop_mark()
            stack.append(dict(zip(items[::2], items[1::2])))
        elif name == "APPEND":
            value = stack.pop()
            stack[-1].append(value)
        elif name == "APPENDS":
            items = pop_mark()
            stack[-1].extend(items)
        elif name == "SETITEM":
            value, key = stack.pop(), stack.pop()
            stack[-1][key] = value
        elif name == "SETITEMS":
            items = pop_mark()
            stack[-1].update(zip(items[::2], items[1::2]))
        elif name in ("BINPUT", "LONG_BINPUT", "PUT"):
            memo[arg] = stack[-1]
        elif name == "MEMOIZE":
            memo[len(memo)] = stack[-1]
        elif name in ("BINGET", "LONG_BINGET", "GET"):
            stack.append(memo[arg])
        elif name in ("GLOBAL", "STACK_GLOBAL"):
            if name == "GLOBAL":
                module, attr = arg.split(" ", 1)
            else:
                attr, module = stack.pop(), stack.pop()
            if (module, attr) not in _ARRAY_GLOBALS | _SCALAR_GLOBALS | {("numpy", "ndarray"),
                                                       ("numpy", "dtype"),
                                                       ("_codecs", "encode")}:
                raise ValueError(f"Refusing to load `{module}.{attr}` from a dataset pickle: "
                                 "the file may be corrupted or malicious.")
            stack.append(_Global(module, attr))
        elif name == "REDUCE":
            args, fn = stack.pop(), stack.pop()
            if not isinstance(fn, _Global):
                raise ValueError("Unsafe pickle: REDUCE of a non-NumPy callable")
            if fn.key in _ARRAY_GLOBALS:
                if not (args and isinstance(args[0], _Global)
                        and args[0].key == ("numpy", "ndarray")):
                    raise ValueError("Unsafe pickle: _reconstruct of something not an ndarray")
                stack.append(_ArrayStub())
            elif fn.key == ("numpy", "dtype"):
                stack.append(_DtypeStub(args[0]))
            elif fn.key in _SCALAR_GLOBALS:  # a NumPy number: scalar(dtype, raw bytes)
                if len(args) != 2 or not isinstance(args[0], np.dtype) or args[0].hasobject:
                    raise ValueError("Unsafe pickle: unexpected numpy scalar arguments")
                raw = args[1].encode("latin-1") if isinstance(args[1], str) else args[1]
                stack.append(np.frombuffer(bytes(raw), args[0])[0])
            elif fn.key == ("_codecs", "encode"):  # bytes in protocol-2 pickles of Python 3
                if len(args) != 2 or not isinstance(args[0], str) or args[1] not in (
                        "latin1", "latin-1"):
                    raise ValueError("Unsafe pickle: unexpected _codecs.encode arguments")
                stack.append(args[0].encode("latin-1"))
            else:
                raise ValueError(f"Unsafe pickle: call of {'.'.join(fn.key)}")
        elif name == "BUILD":
            state, obj = stack.pop(), stack.pop()
            if not isinstance(obj, (_ArrayStub, _DtypeStub)):
                raise ValueError("Unsafe pickle: BUILD of a plain object")
            built = obj.build(state)
            stack.append(built)
            for key, value in memo.items():  # later references see the built value
                if value is obj:
                    memo[key] = built
        else:
            raise ValueError(f"Unsupported pickle opcode {name} in a dataset file")
    if len(stack) != 1:
        raise ValueError("Corrupted pickle: the stack does not hold one value at STOP")
    return stack[0]


def load_npy(raw: bytes) -> np.ndarray:
    """One ``.npy`` file's array; object arrays are read with :func:`loads`."""
    fp = io.BytesIO(raw)
    version = np.lib.format.read_magic(fp)
    if version[0] == 1:
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
    else:
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
    if dtype.hasobject:
        return np.asarray(loads(fp.read()), dtype=object).reshape(shape)
    fp.seek(0)
    return np.lib.format.read_array(fp, allow_pickle=False)


def load_npz(path: Any) -> dict:
    """All arrays of an ``.npz`` file, object arrays included, without unpickling code."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                arrays[member[:-4]] = load_npy(archive.read(member))
    return arrays
