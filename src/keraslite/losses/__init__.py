"""Loss functions (``keraslite.losses``, as ``keras.losses``).

Each loss exists as a function returning per-sample values, ``mean_squared_error(y_true,
y_pred)``, and as a class whose instances also weight and reduce them over the batch,
``MeanSquaredError(reduction="sum_over_batch_size")(y_true, y_pred, sample_weight=None)``.
``compile(loss=...)`` takes either, or a string name: the function's name, the class's name, or
one of Keras' short aliases (``"mse"``, ``"mae"``, ``"mape"``, ``"msle"``, ``"kld"``, ``"bce"``),
or ``"crossentropy"`` to pick binary, sparse or categorical cross-entropy from the data's shapes.
"""

from keraslite.losses.base import REDUCTIONS as REDUCTIONS
from keraslite.losses.base import Loss as Loss
from keraslite.losses.base import LossFunctionWrapper as LossFunctionWrapper
from keraslite.losses.base import reduce_values as reduce_values
from keraslite.losses.crossentropy import AutoCrossentropy as AutoCrossentropy
from keraslite.losses.crossentropy import BinaryCrossentropy as BinaryCrossentropy
from keraslite.losses.crossentropy import CategoricalCrossentropy as CategoricalCrossentropy
from keraslite.losses.crossentropy import (
    SparseCategoricalCrossentropy as SparseCategoricalCrossentropy,
)
from keraslite.losses.crossentropy import binary_crossentropy as binary_crossentropy
from keraslite.losses.crossentropy import categorical_crossentropy as categorical_crossentropy
from keraslite.losses.crossentropy import resolve_crossentropy as resolve_crossentropy
from keraslite.losses.crossentropy import (
    sparse_categorical_crossentropy as sparse_categorical_crossentropy,
)
from keraslite.losses.focal import BinaryFocalCrossentropy as BinaryFocalCrossentropy
from keraslite.losses.focal import CategoricalFocalCrossentropy as CategoricalFocalCrossentropy
from keraslite.losses.focal import binary_focal_crossentropy as binary_focal_crossentropy
from keraslite.losses.focal import (
    categorical_focal_crossentropy as categorical_focal_crossentropy,
)
from keraslite.losses.margin import CategoricalHinge as CategoricalHinge
from keraslite.losses.margin import Hinge as Hinge
from keraslite.losses.margin import SquaredHinge as SquaredHinge
from keraslite.losses.margin import categorical_hinge as categorical_hinge
from keraslite.losses.margin import hinge as hinge
from keraslite.losses.margin import squared_hinge as squared_hinge
from keraslite.losses.probabilistic import KLDivergence as KLDivergence
from keraslite.losses.probabilistic import Poisson as Poisson
from keraslite.losses.probabilistic import kl_divergence as kl_divergence
from keraslite.losses.probabilistic import poisson as poisson
from keraslite.losses.registry import ALL as ALL
from keraslite.losses.registry import deserialize as deserialize
from keraslite.losses.registry import get as get
from keraslite.losses.registry import serialize as serialize
from keraslite.losses.regression import CosineSimilarity as CosineSimilarity
from keraslite.losses.regression import Huber as Huber
from keraslite.losses.regression import LogCosh as LogCosh
from keraslite.losses.regression import MeanAbsoluteError as MeanAbsoluteError
from keraslite.losses.regression import (
    MeanAbsolutePercentageError as MeanAbsolutePercentageError,
)
from keraslite.losses.regression import MeanSquaredError as MeanSquaredError
from keraslite.losses.regression import (
    MeanSquaredLogarithmicError as MeanSquaredLogarithmicError,
)
from keraslite.losses.regression import cosine_similarity as cosine_similarity
from keraslite.losses.regression import huber as huber
from keraslite.losses.regression import log_cosh as log_cosh
from keraslite.losses.regression import mean_absolute_error as mean_absolute_error
from keraslite.losses.regression import (
    mean_absolute_percentage_error as mean_absolute_percentage_error,
)
from keraslite.losses.regression import mean_squared_error as mean_squared_error
from keraslite.losses.regression import (
    mean_squared_logarithmic_error as mean_squared_logarithmic_error,
)

# Short names, as tf.keras exports them (Keras 3 accepts them as strings).
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
