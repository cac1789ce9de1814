"""scikit-learn wrappers (``keras.wrappers``): Keras 3's ``SKLearnClassifier``,
``SKLearnRegressor`` and ``SKLearnTransformer``; Keras 2's ``KerasClassifier`` and
``KerasRegressor`` live in :mod:`keraslite.wrappers.scikit_learn`.

Needs scikit-learn: ``pip install "keraslite[sklearn]"``.
"""

from keraslite.wrappers.sklearn_wrapper import SKLearnClassifier as SKLearnClassifier
from keraslite.wrappers.sklearn_wrapper import SKLearnRegressor as SKLearnRegressor
from keraslite.wrappers.sklearn_wrapper import SKLearnTransformer as SKLearnTransformer

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]
