"""Convolution, pooling and spatial layers: shapes and summaries as Keras 3, gradients, configs,
masks, training."""

import io
import sys
from contextlib import redirect_stdout
from pathlib import Path

import keraslite as keras

GOLDEN = Path(__file__).parent / "golden"
sys.path.insert(0, str(GOLDEN))
from conv_summary_models import models  # noqa: E402

L = keras.layers


def test_summary_matches_keras():
    """Four models using every layer of the family: the printed table is Keras 3's, verbatim
    (tests/golden/conv_summary.txt was printed by Keras 3.15.1)."""
    out = io.StringIO()
    with redirect_stdout(out):
        for m in models(keras):
            m.summary(line_length=100)
    assert out.getvalue() == (GOLDEN / "conv_summary.txt").read_text()
