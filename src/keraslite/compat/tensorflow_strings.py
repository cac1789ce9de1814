"""``tf.strings`` for the TensorFlow stand-in: the string functions that text scripts pass to
``TextVectorization(standardize=...)`` (TensorFlow's text-classification tutorial lower-cases,
removes ``<br />`` and strips punctuation with ``tf.strings.lower`` and
``tf.strings.regex_replace``).

Each takes a string, a list, an array or a Tensor of strings (bytes are decoded as UTF-8) and
returns a Tensor holding an object array of ``str`` (``.numpy()`` gives the array). As in
TensorFlow, ``lower``/``upper`` change only ASCII letters unless ``encoding="utf-8"``.
"""

from __future__ import annotations

import re
import string
from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import xp
from keraslite.layers.text_common import to_strings

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


def _apply(fn: Any, values: Any) -> Tensor:
    array = to_strings(values)
    out = array.copy()
    out.reshape(-1)[:] = [fn(s) for s in array.reshape(-1).tolist()]
    return Tensor(out)


def lower(input: Any, encoding: str = "", name: str | None = None) -> Tensor:  # noqa: A002
    """Lower-case (ASCII letters only, unless ``encoding="utf-8"``)."""
    return _apply(str.lower if encoding else (lambda s: s.translate(_ASCII_LOWER)), input)


def upper(input: Any, encoding: str = "", name: str | None = None) -> Tensor:  # noqa: A002
    """Upper-case (ASCII letters only, unless ``encoding="utf-8"``)."""
    return _apply(str.upper if encoding else (lambda s: s.translate(_ASCII_UPPER)), input)


def regex_replace(input: Any, pattern: str, rewrite: str,  # noqa: A002
                  replace_global: bool = True, name: str | None = None) -> Tensor:
    r"""Replace matches of ``pattern`` (RE2 syntax, which Python's ``re`` reads for the usual
    patterns) by ``rewrite`` (``\1`` names a group), everywhere or only the first.
    """
    compiled = re.compile(pattern)
    count = 0 if replace_global else 1
    return _apply(lambda s: compiled.sub(rewrite, s, count=count), input)


def strip(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Remove leading and trailing ASCII whitespace."""
    return _apply(lambda s: s.strip(" \t\n\r\v\f"), input)


def length(input: Any, unit: str = "BYTE", name: str | None = None) -> Tensor:  # noqa: A002
    """The length of each string in bytes (``unit="UTF8_CHAR"``: in characters)."""
    array = to_strings(input)
    sizes = [len(s) if unit == "UTF8_CHAR" else len(s.encode("utf-8"))
             for s in array.reshape(-1).tolist()]
    return Tensor(xp.asarray(sizes, dtype="int32").reshape(array.shape))


def join(inputs: list, separator: str = "", name: str | None = None) -> Tensor:
    """Join lists of strings element-wise (``tf.strings.join([a, b], separator=" ")``)."""
    arrays = [to_strings(x) for x in inputs]
    shape = arrays[0].shape
    out = arrays[0].copy()
    out.reshape(-1)[:] = [separator.join(parts) for parts in
                          zip(*(a.reshape(-1).tolist() for a in arrays))]
    return Tensor(out.reshape(shape))


STRINGS = {"lower": lower, "upper": upper, "regex_replace": regex_replace, "strip": strip,
           "length": length, "join": join}
