"""Callbacks (``keraslite.callbacks``): hooks into ``fit``, ``evaluate`` and ``predict``."""

from keraslite.callbacks.callback import Callback as Callback
from keraslite.callbacks.callback import CallbackList as CallbackList
from keraslite.callbacks.history import History as History
from keraslite.callbacks.history import ProgbarLogger as ProgbarLogger
