"""Kept at this path for existing imports: the module is :mod:`keraslite.display.summary`."""

import sys

from keraslite.display import summary as _summary

sys.modules[__name__] = _summary
