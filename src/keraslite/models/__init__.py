"""Models (``keraslite.models``)."""

from keraslite.models.cloning import clone_model as clone_model
from keraslite.models.cloning import load_model as load_model
from keraslite.models.cloning import model_from_json as model_from_json
from keraslite.models.cloning import save_model as save_model
from keraslite.models.functional import Functional as Functional
from keraslite.models.model import Model as Model
from keraslite.models.sequential import Sequential as Sequential
