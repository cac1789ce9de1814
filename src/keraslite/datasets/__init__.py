"""Small datasets bundled with keraslite, loaded as in ``keras.datasets`` (no download).

``(x_train, y_train), (x_test, y_test) = keraslite.datasets.titanic.load_data()``
"""

from keraslite.datasets import titanic as titanic
