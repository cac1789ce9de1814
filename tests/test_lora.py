"""Dense(lora_rank=...) and enable_lora: a frozen kernel plus a trained low-rank update."""

import numpy as np
import pytest

import keraslite as keras
from keraslite.autodiff.gradcheck import check_gradients


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 6)).astype("float32")
    y = (x @ rng.normal(size=(6, 3))).astype("float32")
    return x, y


def test_lora_trains_only_the_update_and_bias():
    x, y = _data()
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3, lora_rank=2)])
    dense = model.layers[0]
    assert dense.lora_enabled and not dense.kernel.trainable
    assert [v.name for v in model.trainable_weights] == ["bias", "lora_kernel_a",
                                                         "lora_kernel_b"]
    kernel = dense.kernel.numpy().copy()
    before = model.predict(x, verbose=0)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    history = model.fit(x, y, epochs=20, batch_size=32, verbose=0)
    np.testing.assert_array_equal(dense.kernel.numpy(), kernel)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert not np.allclose(model.predict(x, verbose=0), before)


def test_lora_save_merges_the_kernel_and_reloads_to_the_same_predictions(tmp_path):
    pytest.importorskip("h5py")
    x, y = _data()
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3, lora_rank=2,
                                                                    lora_alpha=4.0)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=2, verbose=0)
    dense = model.layers[0]
    assert dense.get_config()["lora_rank"] == 2 and dense.get_config()["lora_alpha"] == 4.0
    model.save(tmp_path / "lora.keras")
    again = keras.models.load_model(tmp_path / "lora.keras")
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-5)
    assert again.layers[0].lora_enabled and not again.layers[0].lora_kernel_b.numpy().any()
    assert "lora_rank" not in keras.layers.Dense(2).get_config()


def test_enable_lora_errors_and_gradient(float64):
    layer = keras.layers.Dense(2, kernel_constraint="non_neg")
    layer.build((None, 3))
    with pytest.raises(ValueError, match="kernel constraints"):
        layer.enable_lora(2)
    with pytest.raises(ValueError, match="isn't yet built"):
        keras.layers.Dense(2).enable_lora(2)
    layer = keras.layers.Dense(2, activation="tanh")
    layer.build((None, 3))
    layer.enable_lora(2, b_initializer="random_normal")
    with pytest.raises(ValueError, match="already enabled"):
        layer.enable_lora(2)
    check_gradients(layer, [np.random.default_rng(1).normal(size=(4, 3))],
                    variables=layer.trainable_variables)
