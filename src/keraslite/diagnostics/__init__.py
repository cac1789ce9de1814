"""Diagnostics for learners: the mistakes students make again and again, detected and explained.

Each diagnostic says what is wrong, why, and the fix. Where training still runs it is a
:class:`DiagnosticWarning` (a :class:`~keraslite.KerasliteWarning`, so it can be filtered or
turned into an error); where training cannot be meaningful it is a :class:`DiagnosticError` (a
``ValueError``). Both carry a ``code``; docs/diagnostics.md lists every one (see
:data:`CATALOG`).
"""

from keraslite.diagnostics.catalog import CATALOG as CATALOG
from keraslite.diagnostics.gradients import GradientNormLogger as GradientNormLogger
from keraslite.diagnostics.gradients import gradient_norms as gradient_norms
from keraslite.diagnostics.hooks import check_compile as check_compile
from keraslite.diagnostics.hooks import check_data as check_data
from keraslite.diagnostics.hooks import check_epoch as check_epoch
from keraslite.diagnostics.hooks import check_fit as check_fit
from keraslite.diagnostics.hooks import check_input_shape as check_input_shape
from keraslite.diagnostics.hooks import check_sequence_length as check_sequence_length
from keraslite.diagnostics.plotting import plot_gradient_norms as plot_gradient_norms
from keraslite.naming import DiagnosticError as DiagnosticError
from keraslite.naming import DiagnosticWarning as DiagnosticWarning
