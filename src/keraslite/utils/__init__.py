"""Utilities (``keraslite.utils``)."""

from keraslite.lazy import lazy_attributes as _lazy_attributes
from keraslite.utils.misc import clear_session as clear_session
from keraslite.utils.misc import set_random_seed as set_random_seed
from keraslite.utils.misc import to_categorical as to_categorical
from keraslite.utils.plotting import plot_history as plot_history
from keraslite.utils.py_dataset import PyDataset as PyDataset
from keraslite.utils.py_dataset import Sequence as Sequence

__getattr__ = _lazy_attributes("keraslite.utils", {
    "plot_gradient_norms": ("keraslite.diagnostics.plotting", "plot_gradient_norms"),
    "print_summary": ("keraslite.utils.summary", "print_summary"),
})
