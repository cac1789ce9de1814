"""Datasets as in ``keras.datasets``: ``(x_train, y_train), (x_test, y_test) = X.load_data()``.

``titanic`` is bundled; the others (mnist, fashion_mnist, cifar10, cifar100, imdb, reuters,
boston_housing, california_housing) are downloaded once from the URLs Keras uses into Keras'
cache (``$KERAS_HOME/datasets``, by default ``~/.keras/datasets``), checked against Keras'
checksums. Each module is imported on first use.
"""

from keraslite.datasets import titanic as titanic
from keraslite.lazy import lazy_attributes as _lazy_attributes

__getattr__ = _lazy_attributes("keraslite.datasets", {
    name: (f"keraslite.datasets.{name}", None)
    for name in ("mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters",
                 "boston_housing", "california_housing")})
