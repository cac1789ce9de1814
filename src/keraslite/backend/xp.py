"""The array module that every computation goes through."""

import numpy

# The one place that names the array library. A CuPy backend replaces this binding.
xp = numpy
