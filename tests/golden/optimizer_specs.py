"""Golden specs for the optimizers and learning-rate schedules (merged into ``specs.SPECS``).

Each spec is the same small regression model, compiled with one optimizer configuration. The
data of each spec are seeded from its name (not from its position in ``SPECS``), so specs added
elsewhere never change these files. Imports only NumPy, like ``specs.py``.
"""

import zlib

import numpy as np


def _model(keras, optimizer, loss="mse"):
    model = keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(5, activation="tanh"),
            keras.layers.Dense(2),
        ]
    )
    model.compile(loss=loss, optimizer=optimizer)
    return model


def opt_adamw(keras):
    return _model(keras, keras.optimizers.AdamW(learning_rate=0.05, weight_decay=0.1))


def opt_adamw_exclude_bias(keras):
    optimizer = keras.optimizers.AdamW(learning_rate=0.05, weight_decay=0.5, amsgrad=True)
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    return _model(keras, optimizer)


def opt_adagrad(keras):
    return _model(keras, keras.optimizers.Adagrad(learning_rate=0.1))


def opt_adadelta(keras):
    return _model(keras, keras.optimizers.Adadelta(learning_rate=1.0, rho=0.9))


def opt_adamax(keras):
    return _model(keras, keras.optimizers.Adamax(learning_rate=0.05))


def opt_nadam(keras):
    return _model(keras, keras.optimizers.Nadam(learning_rate=0.05))


def opt_lion(keras):
    return _model(keras, keras.optimizers.Lion(learning_rate=0.01, beta_1=0.8))


def opt_ftrl(keras):
    return _model(keras, keras.optimizers.Ftrl(
        learning_rate=0.2, l1_regularization_strength=0.001, l2_regularization_strength=0.01,
        l2_shrinkage_regularization_strength=0.01, beta=0.1))


def opt_rmsprop_centered_momentum(keras):
    return _model(keras, keras.optimizers.RMSprop(learning_rate=0.01, momentum=0.5,
                                                  centered=True))


def opt_adam_clipnorm(keras):
    return _model(keras, keras.optimizers.Adam(learning_rate=0.05, clipnorm=0.1))


def opt_sgd_clipvalue(keras):
    return _model(keras, keras.optimizers.SGD(learning_rate=0.1, clipvalue=0.05))


def opt_rmsprop_global_clipnorm(keras):
    return _model(keras, keras.optimizers.RMSprop(learning_rate=0.01, global_clipnorm=0.2))


def opt_sgd_weight_decay(keras):
    return _model(keras, keras.optimizers.SGD(learning_rate=0.1, momentum=0.5,
                                              weight_decay=0.2))


def opt_sgd_ema(keras):
    # the weights are overwritten by their moving average after the second step
    return _model(keras, keras.optimizers.SGD(learning_rate=0.2, use_ema=True,
                                              ema_momentum=0.8, ema_overwrite_frequency=2))


def opt_adam_grad_accumulation(keras):
    return _model(keras, keras.optimizers.Adam(learning_rate=0.05,
                                               gradient_accumulation_steps=2))


def opt_adam_cosine_warmup(keras):
    # the learning rate is 0.0, 0.025, 0.05 at the three steps
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.0, decay_steps=4, warmup_target=0.05, warmup_steps=2)
    return _model(keras, keras.optimizers.Adam(learning_rate=schedule))


def opt_sgd_piecewise(keras):
    # the learning rate is 0.1, 0.05, 0.01 at the three steps
    schedule = keras.optimizers.schedules.PiecewiseConstantDecay(
        boundaries=[0, 1], values=[0.1, 0.05, 0.01])
    return _model(keras, keras.optimizers.SGD(learning_rate=schedule, momentum=0.9))


def opt_nadam_exponential_decay(keras):
    schedule = keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate=0.05, decay_steps=1, decay_rate=0.5)
    return _model(keras, keras.optimizers.Nadam(learning_rate=schedule))


OPTIMIZER_SPECS = {
    f.__name__: f
    for f in (
        opt_adamw,
        opt_adamw_exclude_bias,
        opt_adagrad,
        opt_adadelta,
        opt_adamax,
        opt_nadam,
        opt_lion,
        opt_ftrl,
        opt_rmsprop_centered_momentum,
        opt_adam_clipnorm,
        opt_sgd_clipvalue,
        opt_rmsprop_global_clipnorm,
        opt_sgd_weight_decay,
        opt_sgd_ema,
        opt_adam_grad_accumulation,
        opt_adam_cosine_warmup,
        opt_sgd_piecewise,
        opt_nadam_exponential_decay,
    )
}


def optimizer_data(name):
    """Deterministic ``(x, y)`` for optimizer spec ``name``: 10 samples, 4 inputs, 2 targets."""
    if name not in OPTIMIZER_SPECS:
        raise KeyError(name)
    rng = np.random.RandomState(zlib.crc32(name.encode()))
    x = rng.normal(size=(10, 4)).astype(np.float32)
    y = (x[:, :2] * 1.5 - x[:, 2:] + rng.normal(scale=0.1, size=(10, 2))).astype(np.float32)
    return x, y
