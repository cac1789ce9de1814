"""The diagnostics' warning and error types, and how a message is emitted at the user's line."""

from __future__ import annotations

import warnings

from keraslite.naming import KerasliteWarning, deprecated, user_stacklevel


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
