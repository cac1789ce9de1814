"""The data-parallel hook points, kept at this path for existing imports.

They live in :mod:`keraslite.backend.distribute` (a low floor, so that layers, optimizers and
saving can call them); this name is the same module object.
"""

import sys

from keraslite.backend import distribute as _distribute

sys.modules[__name__] = _distribute
