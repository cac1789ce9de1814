"""Utilities (``keraslite.utils``)."""

from keraslite.utils.misc import clear_session as clear_session
from keraslite.utils.misc import set_random_seed as set_random_seed
from keraslite.utils.misc import to_categorical as to_categorical
