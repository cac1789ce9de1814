"""Kept at this path for existing imports: the module is :mod:`keraslite.display.summary_render`."""

import sys

from keraslite.display import summary_render as _summary_render

sys.modules[__name__] = _summary_render
