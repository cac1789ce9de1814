"""Names: Keras-style unique object names, snake_case, and lookups with helpful errors."""

from __future__ import annotations

import os
import re
import sys
import warnings
from collections.abc import Mapping
from typing import Any

_UIDS: dict[str, int] = {}


class KerasliteWarning(UserWarning):
    """Base category of keraslite's own warnings (filter it, or turn it into an error)."""


class KerasliteDeprecationWarning(KerasliteWarning):
    """A Keras 2 spelling that still works, with the Keras 3 spelling to use instead."""


def get_uid(prefix: str) -> int:
    """Return 0, 1, 2, ... for successive calls with the same ``prefix``."""
    n = _UIDS.get(prefix, -1) + 1
    _UIDS[prefix] = n
    return n


def unique_name(prefix: str) -> str:
    """``"dense"``, then ``"dense_1"``, ``"dense_2"``, ... as Keras names layers and models."""
    n = get_uid(prefix)
    return prefix if n == 0 else f"{prefix}_{n}"


def reset_uids() -> None:
    """Forget the name counters (``keraslite.utils.clear_session``)."""
    _UIDS.clear()


def to_snake_case(name: str) -> str:
    """``"BatchNormalization"`` -> ``"batch_normalization"``, ``"Conv2D"`` -> ``"conv2d"`` (as
    Keras 3 names layers: a digit does not start a new word).
    """
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _is_import_machinery(filename: str) -> bool:
    """Frames that ``warnings.warn`` skips without counting them (``importlib._bootstrap``)."""
    return "importlib" in filename and "_bootstrap" in filename


def user_stacklevel() -> int:
    """The ``stacklevel``, for a ``warnings.warn`` made by our caller, of the first frame
    outside keraslite (and the import machinery): the user's line.
    """
    frame = sys._getframe(2)
    level = 2
    while frame is not None and (frame.f_code.co_filename.startswith(_PACKAGE_DIR)
                                 or _is_import_machinery(frame.f_code.co_filename)):
        if not _is_import_machinery(frame.f_code.co_filename):
            level += 1
        frame = frame.f_back
    return level


def deprecated(message: str) -> None:
    """Emit a one-line deprecation note in keraslite's own warning category, at the user's
    line.
    """
    warnings.warn(message, KerasliteDeprecationWarning, stacklevel=user_stacklevel())


def lookup(identifier: Any, table: Mapping[str, Any], kind: str, argument: str) -> Any:
    """Find ``identifier`` in ``table`` by name, or raise a ValueError that suggests a fix.

    Stray spaces and upper case are forgiven with a deprecation note (``" Sigmoid "``).
    """
    key = str(identifier)
    if key in table:
        return table[key]
    cleaned = key.strip().lower()
    if cleaned in table:
        deprecated(
            f"The {kind} name {key!r} has stray spaces or capitals; use {cleaned!r}. "
            f"Received: {argument}={key!r}"
        )
        return table[cleaned]
    import difflib

    close = difflib.get_close_matches(cleaned, list(table), n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    known = ", ".join(sorted(k for k in table if not k[0].isupper()))
    plural = f"{kind}es" if kind.endswith("s") else f"{kind}s"
    raise ValueError(
        f"Unknown {kind}: {key!r}.{hint} Known {plural}: {known}. Received: {argument}={key!r}"
    )


# The diagnostics' warning and error types (keraslite.diagnostics re-exports them), here on
# the lowest floor so that any layer can raise one.
class DiagnosticWarning(KerasliteWarning):
    """A likely mistake in a model or its data that still lets training run.

    Attributes:
        code: the diagnostic's name in docs/diagnostics.md (``"one-unit-softmax"``).

    """

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class DiagnosticError(ValueError):
    """A mistake in a model or its data that makes training meaningless.

    Attributes:
        code: the diagnostic's name in docs/diagnostics.md (``"nan-in-data"``).

    """

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


def tagged(message: str, code: str) -> str:
    """The message with its diagnostic code appended (``... [keraslite:one-unit-softmax]``)."""
    return f"{message} [keraslite:{code}]"


def warn(message: str, code: str) -> None:
    """Emit a :class:`DiagnosticWarning` pointing at the user's line."""
    warnings.warn(DiagnosticWarning(tagged(message, code), code), stacklevel=user_stacklevel())


def fail(message: str, code: str) -> DiagnosticError:
    """The :class:`DiagnosticError` to raise for ``message``, tagged with ``code``."""
    return DiagnosticError(tagged(message, code), code)


def note(message: str) -> None:
    """Emit a one-line :class:`~keraslite.KerasliteDeprecationWarning` at the user's line."""
    deprecated(message)
