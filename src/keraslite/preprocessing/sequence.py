"""The Keras 2 sequence utilities (``keras.preprocessing.sequence``).

``pad_sequences`` is the one in ``keraslite.utils`` (Keras 3's ``keras.utils.pad_sequences``),
served here under its Keras 2 path.
"""

from keraslite.utils.sequences import pad_sequences as pad_sequences

__all__ = ["pad_sequences"]
