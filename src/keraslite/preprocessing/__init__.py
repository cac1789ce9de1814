"""Keras 2's preprocessing utilities: ``keraslite.preprocessing.text`` and ``.sequence``.

Keras 3 keeps only ``keras.utils.pad_sequences`` and the preprocessing *layers*
(``TextVectorization``, ``StringLookup``, ...); these modules serve course code written for
Keras 2 (``from keras.preprocessing.text import Tokenizer``).
"""

from keraslite.preprocessing import sequence as sequence
from keraslite.preprocessing import text as text
from keraslite.utils.sequences import pad_sequences as pad_sequences
