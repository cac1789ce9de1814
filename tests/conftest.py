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
def served():
    """keras and tensorflow imports served by keraslite for the test, as under keraslite run."""
    from keraslite.compat import finder, uninstall_as_keras

    saved = {k: v for k, v in sys.modules.items() if k.partition(".")[0] in finder.SERVED}
    keraslite.install_as_keras()
    yield
    uninstall_as_keras()
    sys.modules.update(saved)


@pytest.fixture
def float64():
    keraslite.config.set_floatx("float64")
    yield
    keraslite.config.set_floatx("float32")


@pytest.fixture
def rng():
    return np.random.default_rng(0)
