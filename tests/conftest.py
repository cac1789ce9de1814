import sys
from pathlib import Path

import numpy as np
import pytest

import keraslite

sys.path.insert(0, str(Path(__file__).parent / "golden"))


@pytest.fixture(autouse=True)
def _fresh_session():
    """Each test starts with fresh names, float32 and a fixed seed."""
    keraslite.utils.clear_session()
    keraslite.config.set_floatx("float32")
    keraslite.utils.set_random_seed(0)
    yield
    keraslite.config.set_floatx("float32")


@pytest.fixture
def float64():
    keraslite.config.set_floatx("float64")
    yield
    keraslite.config.set_floatx("float32")


@pytest.fixture
def rng():
    return np.random.default_rng(0)
