"""``keras.applications``: VGG16, VGG19 and Xception (other architectures are not provided).

``keras.applications.VGG19(weights=None)`` builds the model with Keras 3's layer names;
``keras.applications.vgg19.preprocess_input`` prepares images for it.
"""

from keraslite.applications import vgg16 as vgg16
from keraslite.applications import vgg19 as vgg19
from keraslite.applications import xception as xception
from keraslite.applications.vgg16 import VGG16 as VGG16
from keraslite.applications.vgg19 import VGG19 as VGG19
from keraslite.applications.xception import Xception as Xception

__all__ = ["VGG16", "VGG19", "Xception", "vgg16", "vgg19", "xception"]
