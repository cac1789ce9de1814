"""Models (``keraslite.models``)."""

from keraslite.models.functional import Functional as Functional
from keraslite.models.model import Model as Model
from keraslite.models.sequential import Sequential as Sequential
