"""Metrics (``keraslite.metrics``, as ``keras.metrics``): stateful accumulators reported
during training, and the per-sample functions behind them.

A metric accumulates over batches with ``update_state(y_true, y_pred, sample_weight=None)``,
reports with ``result()`` and starts over with ``reset_state()``; it works on plain arrays,
outside any tape. ``compile(metrics=[...])`` takes Metric objects, functions, or the names of
:data:`ALL` (``"mse"``, ``"AUC"``, ``"precision"`` ...); ``"accuracy"`` is resolved from the
data's shapes.

- accuracy: Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
  TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy
- classification counts: TruePositives, FalsePositives, TrueNegatives, FalseNegatives,
  Precision, Recall, AUC (ROC and PR), PrecisionAtRecall, RecallAtPrecision,
  SensitivityAtSpecificity, SpecificityAtSensitivity, F1Score, FBetaScore
- regression: MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError,
  MeanAbsolutePercentageError, MeanSquaredLogarithmicError, CosineSimilarity, LogCoshError,
  R2Score, PearsonCorrelation, ConcordanceCorrelation
- losses as metrics: BinaryCrossentropy, CategoricalCrossentropy,
  SparseCategoricalCrossentropy, KLDivergence, Poisson, Hinge, SquaredHinge, CategoricalHinge
- segmentation: IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU
- reductions: Mean, Sum, MeanMetricWrapper; the base class Metric
"""

# Per-sample loss functions that Keras 3 also exports from keras.metrics.
from keraslite.losses import binary_crossentropy as binary_crossentropy
from keraslite.losses import binary_focal_crossentropy as binary_focal_crossentropy
from keraslite.losses import categorical_crossentropy as categorical_crossentropy
from keraslite.losses import (
    categorical_focal_crossentropy as categorical_focal_crossentropy,
)
from keraslite.losses import categorical_hinge as categorical_hinge
from keraslite.losses import hinge as hinge
from keraslite.losses import huber as huber
from keraslite.losses import kl_divergence as kl_divergence
from keraslite.losses import log_cosh as log_cosh
from keraslite.losses import mean_absolute_error as mean_absolute_error
from keraslite.losses import (
    mean_absolute_percentage_error as mean_absolute_percentage_error,
)
from keraslite.losses import mean_squared_error as mean_squared_error
from keraslite.losses import (
    mean_squared_logarithmic_error as mean_squared_logarithmic_error,
)
from keraslite.losses import poisson as poisson
from keraslite.losses import (
    sparse_categorical_crossentropy as sparse_categorical_crossentropy,
)
from keraslite.losses import squared_hinge as squared_hinge
from keraslite.metrics.accuracy import Accuracy as Accuracy
from keraslite.metrics.accuracy import BinaryAccuracy as BinaryAccuracy
from keraslite.metrics.accuracy import CategoricalAccuracy as CategoricalAccuracy
from keraslite.metrics.accuracy import SparseCategoricalAccuracy as SparseCategoricalAccuracy
from keraslite.metrics.accuracy import binary_accuracy as binary_accuracy
from keraslite.metrics.accuracy import categorical_accuracy as categorical_accuracy
from keraslite.metrics.accuracy import resolve_accuracy as resolve_accuracy
from keraslite.metrics.accuracy import sparse_categorical_accuracy as sparse_categorical_accuracy
from keraslite.metrics.auc import AUC as AUC
from keraslite.metrics.base import Mean as Mean
from keraslite.metrics.base import MeanMetricWrapper as MeanMetricWrapper
from keraslite.metrics.base import Metric as Metric
from keraslite.metrics.base import Sum as Sum
from keraslite.metrics.confusion import FalseNegatives as FalseNegatives
from keraslite.metrics.confusion import FalsePositives as FalsePositives
from keraslite.metrics.confusion import Precision as Precision
from keraslite.metrics.confusion import Recall as Recall
from keraslite.metrics.confusion import TrueNegatives as TrueNegatives
from keraslite.metrics.confusion import TruePositives as TruePositives
from keraslite.metrics.correlation import ConcordanceCorrelation as ConcordanceCorrelation
from keraslite.metrics.correlation import PearsonCorrelation as PearsonCorrelation
from keraslite.metrics.correlation import concordance_correlation as concordance_correlation
from keraslite.metrics.correlation import pearson_correlation as pearson_correlation
from keraslite.metrics.f_score import F1Score as F1Score
from keraslite.metrics.f_score import FBetaScore as FBetaScore
from keraslite.metrics.iou import BinaryIoU as BinaryIoU
from keraslite.metrics.iou import IoU as IoU
from keraslite.metrics.iou import MeanIoU as MeanIoU
from keraslite.metrics.iou import OneHotIoU as OneHotIoU
from keraslite.metrics.iou import OneHotMeanIoU as OneHotMeanIoU
from keraslite.metrics.operating_point import PrecisionAtRecall as PrecisionAtRecall
from keraslite.metrics.operating_point import RecallAtPrecision as RecallAtPrecision
from keraslite.metrics.operating_point import SensitivityAtSpecificity as SensitivityAtSpecificity
from keraslite.metrics.operating_point import SpecificityAtSensitivity as SpecificityAtSensitivity
from keraslite.metrics.probabilistic import BinaryCrossentropy as BinaryCrossentropy
from keraslite.metrics.probabilistic import CategoricalCrossentropy as CategoricalCrossentropy
from keraslite.metrics.probabilistic import CategoricalHinge as CategoricalHinge
from keraslite.metrics.probabilistic import Hinge as Hinge
from keraslite.metrics.probabilistic import KLDivergence as KLDivergence
from keraslite.metrics.probabilistic import Poisson as Poisson
from keraslite.metrics.probabilistic import (
    SparseCategoricalCrossentropy as SparseCategoricalCrossentropy,
)
from keraslite.metrics.probabilistic import SquaredHinge as SquaredHinge
from keraslite.metrics.registry import ALL as ALL
from keraslite.metrics.registry import deserialize as deserialize
from keraslite.metrics.registry import get as get
from keraslite.metrics.registry import serialize as serialize
from keraslite.metrics.regression import CosineSimilarity as CosineSimilarity
from keraslite.metrics.regression import LogCoshError as LogCoshError
from keraslite.metrics.regression import MeanAbsoluteError as MeanAbsoluteError
from keraslite.metrics.regression import MeanAbsolutePercentageError as MeanAbsolutePercentageError
from keraslite.metrics.regression import MeanSquaredError as MeanSquaredError
from keraslite.metrics.regression import MeanSquaredLogarithmicError as MeanSquaredLogarithmicError
from keraslite.metrics.regression import R2Score as R2Score
from keraslite.metrics.regression import RootMeanSquaredError as RootMeanSquaredError
from keraslite.metrics.top_k import SparseTopKCategoricalAccuracy as SparseTopKCategoricalAccuracy
from keraslite.metrics.top_k import TopKCategoricalAccuracy as TopKCategoricalAccuracy
from keraslite.metrics.top_k import (
    sparse_top_k_categorical_accuracy as sparse_top_k_categorical_accuracy,
)
from keraslite.metrics.top_k import top_k_categorical_accuracy as top_k_categorical_accuracy
