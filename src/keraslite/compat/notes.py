"""Deprecation notes of the compatibility layer, emitted at the user's line."""

from keraslite.diagnostics._emit import note as note

__all__ = ["note"]
