"""Utilities (``keraslite.utils``)."""

from keraslite.lazy import lazy_attributes as _lazy_attributes
from keraslite.utils.misc import clear_session as clear_session
from keraslite.utils.misc import set_random_seed as set_random_seed
from keraslite.utils.misc import to_categorical as to_categorical
from keraslite.utils.plotting import plot_history as plot_history
from keraslite.utils.py_dataset import PyDataset as PyDataset
from keraslite.utils.py_dataset import Sequence as Sequence

__getattr__ = _lazy_attributes("keraslite.utils", {
    "plot_gradient_norms": ("keraslite.diagnostics.plotting", "plot_gradient_norms"),
    "print_summary": ("keraslite.display.summary", "print_summary"),
    "plot_model": ("keraslite.utils.model_visualization", "plot_model"),
    "model_to_dot": ("keraslite.utils.model_visualization", "model_to_dot"),
    "Progbar": ("keraslite.utils.progbar", "Progbar"),
    "pad_sequences": ("keraslite.utils.sequences", "pad_sequences"),
    "load_img": ("keraslite.utils.image_utils", "load_img"),
    "img_to_array": ("keraslite.utils.image_utils", "img_to_array"),
    "array_to_img": ("keraslite.utils.image_utils", "array_to_img"),
    "save_img": ("keraslite.utils.image_utils", "save_img"),
    "smart_resize": ("keraslite.utils.image_utils", "smart_resize"),
    "image_dataset_from_directory": ("keraslite.utils.directory_dataset",
                                     "image_dataset_from_directory"),
    "text_dataset_from_directory": ("keraslite.utils.directory_dataset",
                                    "text_dataset_from_directory"),
    "get_file": ("keraslite.utils.file_utils", "get_file"),
    "normalize": ("keraslite.utils.sequences", "normalize"),
    "pack_x_y_sample_weight": ("keraslite.training.steps", "pack_x_y_sample_weight"),
    "unpack_x_y_sample_weight": ("keraslite.training.steps", "unpack_x_y_sample_weight"),
    "is_keras_tensor": ("keraslite.layers.symbolic", "is_keras_tensor"),
    "register_keras_serializable": ("keraslite.saving.registry", "register_keras_serializable"),
    "get_custom_objects": ("keraslite.saving.registry", "get_custom_objects"),
    "get_registered_name": ("keraslite.saving.registry", "get_registered_name"),
    "get_registered_object": ("keraslite.saving.registry", "get_registered_object"),
    "custom_object_scope": ("keraslite.saving.registry", "custom_object_scope"),
    "CustomObjectScope": ("keraslite.saving.registry", "CustomObjectScope"),
    "serialize_keras_object": ("keraslite.saving.serialization", "serialize_keras_object"),
    "deserialize_keras_object": ("keraslite.saving.serialization",
                                 "deserialize_keras_object"),
})
