"""Callbacks (``keraslite.callbacks``): hooks into ``fit``, ``evaluate`` and ``predict``."""

from keraslite.callbacks.backup_and_restore import BackupAndRestore as BackupAndRestore
from keraslite.callbacks.callback import Callback as Callback
from keraslite.callbacks.callback import CallbackList as CallbackList
from keraslite.callbacks.csv_logger import CSVLogger as CSVLogger
from keraslite.callbacks.early_stopping import EarlyStopping as EarlyStopping
from keraslite.callbacks.history import History as History
from keraslite.callbacks.history import ProgbarLogger as ProgbarLogger
from keraslite.callbacks.model_checkpoint import ModelCheckpoint as ModelCheckpoint
from keraslite.callbacks.monitor import MonitorCallback as MonitorCallback
from keraslite.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau as ReduceLROnPlateau
from keraslite.callbacks.schedulers import LambdaCallback as LambdaCallback
from keraslite.callbacks.schedulers import LearningRateScheduler as LearningRateScheduler
from keraslite.callbacks.schedulers import TerminateOnNaN as TerminateOnNaN
from keraslite.lazy import lazy_attributes as _lazy_attributes

__getattr__ = _lazy_attributes("keraslite.callbacks", {
    "GradientNormLogger": ("keraslite.diagnostics.gradients", "GradientNormLogger"),
    "TensorBoard": ("keraslite.callbacks.tensorboard", "TensorBoard"),
})
