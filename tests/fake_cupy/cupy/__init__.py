"""A stand-in for CuPy on machines without a GPU: NumPy behind CuPy's border rules.

Its arrays (:class:`ndarray`, a NumPy subclass) refuse to mix with plain NumPy arrays in
ufuncs and NumPy functions, as CuPy's do, and leave the "device" only through ``.get()`` or
``cupy.asnumpy``. Functions of this module accept host arrays only where CuPy does (``asarray``,
``array``); elsewhere a NumPy array argument raises TypeError. tests/test_backend_select.py
runs keraslite with ``KERASLITE_BACKEND=cupy`` over it to find computation that mixes the two.
"""

from __future__ import annotations

import numpy as _np

_ACCEPT_HOST = {"asarray", "array", "asanyarray", "ascontiguousarray", "dtype", "result_type",
                "can_cast", "issubdtype", "promote_types", "iinfo", "finfo", "isscalar",
                "ndim", "shape", "broadcast_shapes"}


class ndarray(_np.ndarray):  # noqa: N801 - CuPy's name
    """A "device" array: NumPy's, with CuPy's refusal to mix with host arrays."""

    def get(self) -> _np.ndarray:
        return _np.array(self.view(_np.ndarray))

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        _check(inputs, ufunc.__name__)
        out = kwargs.get("out")
        if out is not None:
            out = out if isinstance(out, tuple) else (out,)
            _check(out, ufunc.__name__)
            kwargs["out"] = tuple(_host(o) for o in out)
        result = getattr(ufunc, method)(*(_host(i) for i in inputs), **kwargs)
        return _wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        raise TypeError(f"numpy.{func.__name__} got a device array: use cupy.{func.__name__} "
                        "or .get() it first (CuPy refuses implicit conversion)")


def _host(x):
    return x.view(_np.ndarray) if isinstance(x, ndarray) else x


def _wrap(x):
    if isinstance(x, tuple):
        return tuple(_wrap(v) for v in x)
    if isinstance(x, _np.ndarray) and not isinstance(x, ndarray):
        return x.view(ndarray)
    if isinstance(x, _np.generic):  # CuPy returns 0-d arrays where NumPy returns scalars
        return _np.asarray(x).view(ndarray)
    return x


def _check(values, name: str) -> None:
    for v in values:
        if isinstance(v, (list, tuple)):
            _check(v, name)
        elif isinstance(v, _np.ndarray) and not isinstance(v, ndarray):
            raise TypeError(f"cupy.{name}: a NumPy array was given where a device array is "
                            f"needed (shape {v.shape}); move it with to_device first")


def _unwrap(x):
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(v) for v in x)
    return _host(x)


def _function(name: str, fn):
    def call(*args, **kwargs):
        if name not in _ACCEPT_HOST:
            _check(args, name)
            _check(list(kwargs.values()), name)
        return _wrap(fn(*_unwrap(args), **{k: _unwrap(v) for k, v in kwargs.items()}))

    call.__name__ = name
    return call


def asnumpy(x):
    return x.get() if isinstance(x, ndarray) else _np.asarray(x)


def __getattr__(name: str):
    value = getattr(_np, name)
    if callable(value) and not isinstance(value, type) and not isinstance(value, _np.ufunc):
        return _function(name, value)
    if isinstance(value, _np.ufunc):
        return _Ufunc(value)
    return value


class _Ufunc:
    def __init__(self, ufunc):
        self._ufunc = ufunc
        self.__name__ = ufunc.__name__

    def __call__(self, *args, **kwargs):
        _check(args, self.__name__)
        if "out" in kwargs and not isinstance(kwargs["out"], tuple):
            kwargs["out"] = (kwargs["out"],)
        return ndarray.__array_ufunc__(None, self._ufunc, "__call__", *args, **kwargs)

    def __getattr__(self, name):
        # As CuPy 14: reduce only for add and multiply; no reduceat or accumulate.
        if name in ("reduceat", "accumulate") or \
                (name == "reduce" and self.__name__ not in ("add", "multiply")):
            raise NotImplementedError(f"`cupy_{self.__name__}.{name}` is not supported yet")
        return lambda *args, **kwargs: ndarray.__array_ufunc__(None, self._ufunc, name, *args,
                                                               **kwargs)


class _Lib:
    class stride_tricks:  # noqa: N801
        @staticmethod
        def as_strided(x, shape=None, strides=None):
            view = _np.lib.stride_tricks.as_strided(_host(x), shape, strides)
            return view.view(ndarray)


class _Namespace:
    """A NumPy submodule (linalg, fft) whose functions take and return device arrays."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        value = getattr(self._module, name)
        return _function(name, value) if callable(value) and not isinstance(value, type) \
            else value


lib = _Lib()
linalg = _Namespace(_np.linalg)
fft = _Namespace(_np.fft)
ndarray.__module__ = "cupy"
