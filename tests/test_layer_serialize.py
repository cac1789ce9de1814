import numpy as np
import pytest

import keraslite as keras


def test_layers_serialize_round_trip_keeps_config_and_class():
    layer = keras.layers.Dense(3, activation="relu", use_bias=False, name="d")
    config = keras.layers.serialize(layer)
    assert config["class_name"] == "Dense" and config["module"] == "keras.layers"
    again = keras.layers.deserialize(config)
    assert type(again) is keras.layers.Dense and again.get_config() == layer.get_config()


def test_layers_deserialize_takes_the_keras2_short_form_and_custom_objects():
    dense = keras.layers.deserialize({"class_name": "Dense", "config": {"units": 2}})
    assert dense.units == 2

    class Scale(keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    config = keras.layers.serialize(Scale(3.0))
    layer = keras.layers.deserialize(config, custom_objects={"Scale": Scale})
    np.testing.assert_allclose(layer(np.ones((1, 2), "float32")), 3.0)


def test_layers_serialize_a_model_and_refuse_non_layers():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    again = keras.layers.deserialize(keras.layers.serialize(model))
    assert isinstance(again, keras.Sequential) and len(again.layers) == 1
    with pytest.raises(TypeError, match="Layer instance"):
        keras.layers.serialize("dense")
    with pytest.raises(ValueError, match="not a `keras.layers.Layer`"):
        keras.layers.deserialize(keras.losses.serialize(keras.losses.MeanSquaredError()))
