"""The diagnostics' warning and error types, and how a message is emitted at the user's line.

They live in :mod:`keraslite.naming` (the lowest floor, so that any layer can raise one).
"""

from keraslite.naming import DiagnosticError as DiagnosticError
from keraslite.naming import DiagnosticWarning as DiagnosticWarning
from keraslite.naming import fail as fail
from keraslite.naming import note as note
from keraslite.naming import tagged as tagged
from keraslite.naming import warn as warn
