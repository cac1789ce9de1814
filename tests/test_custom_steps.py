"""Overridden ``train_step`` / ``test_step`` / ``predict_step`` and the loss and metric hooks,
written as the Keras guides write them, run inside ``fit``, ``evaluate`` and ``predict``.
"""

import numpy as np
import pytest

import keraslite as keras
from keraslite import ops


def regression(n=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5], [3.0]], "float32")).astype("float32")


class Keras3Guide(keras.Model):
    """The Keras 3 guide's custom train_step: compute_loss, then every metric updated."""

    steps_taken = 0

    def train_step(self, data):
        x, y = data
        Keras3Guide.steps_taken += 1
        with keras.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def guide_model(cls=Keras3Guide):
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(1)(keras.layers.Dense(16, activation="relu")(inputs))
    return cls(inputs, outputs) if cls is not None else keras.Model(inputs, outputs)


def test_an_overridden_train_step_runs_in_fit_and_its_logs_are_shown(capsys):
    keras.utils.set_random_seed(0)
    model = guide_model(Keras3Guide)
    assert isinstance(model, Keras3Guide) and model.name.startswith("keras3_guide")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    x, y = regression()
    Keras3Guide.steps_taken = 0
    history = model.fit(x, y, batch_size=32, epochs=20, verbose=2)
    assert Keras3Guide.steps_taken == 20 * 8
    assert set(history.history) == {"loss", "mae"}
    assert history.history["loss"][-1] < 0.2 * history.history["loss"][0]  # it learns
    assert "mae:" in capsys.readouterr().out


def test_keras2_style_compiled_loss_and_compiled_metrics():
    class Keras2Guide(keras.Model):
        def train_step(self, data):
            x, y = data
            with keras.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            self.compiled_metrics.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    keras.utils.set_random_seed(0)
    model = guide_model(Keras2Guide)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    x, y = regression()
    history = model.fit(x, y, batch_size=32, epochs=10, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0] and losses[0] > 0  # the loss metric is fed


def test_the_default_steps_match_the_built_in_path():
    """super().train_step / test_step compute what fit and evaluate compute anyway."""
    class Passthrough(keras.Model):
        def train_step(self, data):
            return super().train_step(data)

        def test_step(self, data):
            return super().test_step(data)

    x, y = regression()
    results = []
    for cls in (None, Passthrough):
        keras.utils.clear_session()
        keras.utils.set_random_seed(3)
        model = guide_model(cls)
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        history = model.fit(x, y, batch_size=32, epochs=3, verbose=0, shuffle=False,
                            validation_data=(x[:64], y[:64]))
        results.append((history.history, model.get_weights(),
                        model.evaluate(x, y, verbose=0)))
    (h0, w0, e0), (h1, w1, e1) = results
    assert set(h0) == set(h1) == {"loss", "mae", "val_loss", "val_mae"}
    for key in h0:
        np.testing.assert_allclose(h0[key], h1[key], rtol=1e-5)
    for a, b in zip(w0, w1):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(e0, e1, rtol=1e-5)


class Sampling(keras.layers.Layer):
    def call(self, inputs):
        z_mean, z_log_var = inputs
        return z_mean + ops.exp(0.5 * z_log_var) * 0.0  # deterministic stand-in for the noise


class AutoEncoder(keras.Model):
    """A VAE-like model: fit(x) with no y, metric trackers kept as attributes."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.encoder = keras.layers.Dense(2)
        self.decoder = keras.layers.Dense(4)
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")

    def call(self, x):
        return self.decoder(self.encoder(x))

    def train_step(self, data):
        with keras.GradientTape() as tape:
            reconstruction = self(data)
            loss = ops.mean(ops.square(data - reconstruction))
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(loss)
        return {"total_loss": self.total_loss_tracker.result()}

    def test_step(self, data):
        return {"reconstruction": ops.mean(ops.square(data - self(data)))}


def test_fit_without_targets_and_with_compile_given_only_an_optimizer():
    keras.utils.set_random_seed(1)
    x, _ = regression(128)
    model = AutoEncoder()
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    history = model.fit(x, epochs=15, batch_size=32, verbose=0, validation_data=(x[:32], None))
    assert set(history.history) == {"total_loss", "val_reconstruction"}
    assert history.history["total_loss"][-1] < history.history["total_loss"][0]
    assert [m.name for m in model.metrics] == ["total_loss"]
    result = model.evaluate(x, verbose=0)
    assert isinstance(result, float) and result > 0
    assert model.evaluate(x, verbose=0, return_dict=True) == {"reconstruction": result}


def test_an_overridden_compute_loss_is_used_by_fit():
    class Weighted(keras.Model):
        calls = 0

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None,
                         training=True):
            Weighted.calls += 1
            return ops.mean(ops.abs(y - y_pred)) * 2.0

    keras.utils.set_random_seed(0)
    model = guide_model(Weighted)
    model.compile(optimizer="adam", loss="mse")
    x, y = regression(64)
    history = model.fit(x, y, batch_size=32, epochs=2, verbose=0)
    assert Weighted.calls == 4
    mae = float(np.mean(np.abs(model.predict(x, verbose=0) - y)))
    assert history.history["loss"][-1] == pytest.approx(2 * mae, rel=0.2)


def test_an_overridden_predict_step_is_used_by_predict():
    class Doubled(keras.Model):
        def predict_step(self, data):
            return self(data, training=False) * 2.0

    model = guide_model(Doubled)
    x, _ = regression(10)
    plain = keras.Model(model.inputs, model.outputs)
    assert type(plain).__name__ == "Functional"
    np.testing.assert_allclose(model.predict(x, verbose=0, batch_size=4),
                               2 * plain.predict(x, verbose=0), rtol=1e-6)


def test_a_step_that_returns_no_dict_is_a_clear_error():
    class Broken(keras.Model):
        def train_step(self, data):
            return 0.5

    model = guide_model(Broken)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match="must return a dict"):
        model.fit(*regression(8), verbose=0)


def test_pack_and_unpack_x_y_sample_weight():
    from keraslite.training.steps import pack_x_y_sample_weight, unpack_x_y_sample_weight

    x = np.zeros((2, 3))
    assert pack_x_y_sample_weight(x) is x
    assert unpack_x_y_sample_weight(pack_x_y_sample_weight(x, 1, 2)) == (x, 1, 2)
    assert unpack_x_y_sample_weight(([x, x],))[0] == [x, x]
    with pytest.raises(ValueError, match="4 elements"):
        unpack_x_y_sample_weight((1, 2, 3, 4))


def test_a_subclass_that_builds_its_own_graph_in_init():
    class Built(keras.Model):
        def __init__(self, units, **kwargs):
            inputs = keras.Input((4,))
            outputs = keras.layers.Dense(units)(inputs)
            super().__init__(inputs, outputs, **kwargs)
            self.units = units

        def train_step(self, data):
            self.seen = getattr(self, "seen", 0) + 1
            return super().train_step(data)

    model = Built(2, name="built")
    assert isinstance(model, Built) and model.name == "built" and model.units == 2
    assert len(model.layers) == 2 and model.output_shape == (None, 2)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 4)), np.ones((8, 2)), batch_size=4, verbose=0)
    assert model.seen == 2


def test_a_subclass_taking_two_sub_models_is_not_mistaken_for_functional():
    """keras.io's VAE: VAE(encoder, decoder), whose __init__ calls super().__init__(**kw)."""
    class VAE(keras.Model):
        def __init__(self, encoder, decoder, **kwargs):
            super().__init__(**kwargs)
            self.encoder, self.decoder = encoder, decoder

        def call(self, x):
            return self.decoder(self.encoder(x))

    encoder = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    decoder = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4)])
    vae = VAE(encoder, decoder)
    assert type(vae) is VAE
    assert vae.predict(np.ones((3, 4)), verbose=0).shape == (3, 4)


class _ActivityPenalty(keras.layers.Layer):
    """Adds the mean square of its input to the loss (Keras' add_loss pattern)."""

    def call(self, x):
        self.add_loss(keras.ops.mean(keras.ops.square(x)))
        return x


def test_compile_without_loss_trains_on_the_added_losses():
    inputs = keras.Input((3,))
    outputs = _ActivityPenalty()(keras.layers.Dense(3)(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    x = np.random.default_rng(0).uniform(size=(64, 3)).astype("float32")
    history = model.fit(x, epochs=5, batch_size=16, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]
    expected = float(np.mean(np.square(model.predict(x, verbose=0))))
    assert model.evaluate(x, verbose=0) == pytest.approx(expected, rel=1e-5)


def test_compile_without_any_loss_says_what_to_pass():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam")
    x = np.ones((8, 3), "float32")
    for y in (None, np.ones((8, 1), "float32")):
        with pytest.raises(ValueError, match="No loss to compute.*loss='mean_squared_error'"):
            model.fit(x, y, verbose=0)
