"""keraslite's version (the lowest floor: the file formats record it)."""

__version__ = "0.1.0"
