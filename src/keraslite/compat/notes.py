"""Deprecation notes of the compatibility layer, emitted at the user's line."""

from keraslite.naming import note as note

__all__ = ["note"]
