"""Optimizers and learning-rate schedules against Keras 3.

Three steps of every optimizer on a model are compared with real Keras in
test_golden_keras.py (the ``opt_*`` specs of golden/optimizer_specs.py). Here: the same specs
through the per-variable path, the two entry points against each other, schedule values,
configs and the order of the optimizer's state, all with reference values from Keras 3.15.1.
"""

from pathlib import Path

import numpy as np
import pytest
from optimizer_specs import OPTIMIZER_SPECS, optimizer_data

import keraslite as keras
from keraslite.optimizers import schedules

GOLDEN = Path(__file__).parent / "golden"
TOL = dict(rtol=1e-5, atol=1e-5)

# -- schedules ------------------------------------------------------------------------------
STEPS = [0, 1, 3, 7, 10, 25, 70, 150]
# float(schedule(step)) in Keras 3.15.1 (JAX, float32), rounded to 9 decimals
SCHEDULE_CASES = {
    "ExponentialDecay": (
        dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5),
        [0.100000001, 0.0933033, 0.081225239, 0.061557222, 0.050000001, 0.01767767, 0.00078125,
         3.052e-06]),
    "ExponentialDecay_stair": (
        dict(initial_learning_rate=0.1, decay_steps=3, decay_rate=0.7, staircase=True),
        [0.100000001, 0.100000001, 0.07, 0.048999999, 0.034299999, 0.005764801, 2.7369e-05,
         2e-09]),
    "PiecewiseConstantDecay": (
        dict(boundaries=[2, 7, 25], values=[1.0, 0.5, 0.1, 0.01]),
        [1.0, 1.0, 0.5, 0.5, 0.100000001, 0.100000001, 0.01, 0.01]),
    "PolynomialDecay": (
        dict(initial_learning_rate=0.1, decay_steps=10, end_learning_rate=0.01, power=2.0),
        [0.100000001, 0.082899995, 0.054099999, 0.018100001, 0.01, 0.01, 0.01, 0.01]),
    "PolynomialDecay_cycle": (
        dict(initial_learning_rate=0.1, decay_steps=7, power=0.5, cycle=True),
        [0.100000001, 0.092589431, 0.075617298, 0.0001, 0.053498797, 0.032799952, 0.0001,
         0.016200347]),
    "InverseTimeDecay": (
        dict(initial_learning_rate=0.1, decay_steps=4, decay_rate=0.5),
        [0.100000001, 0.088888891, 0.07272727, 0.053333335, 0.044444446, 0.024242425,
         0.010256411, 0.005063291]),
    "InverseTimeDecay_stair": (
        dict(initial_learning_rate=0.1, decay_steps=4, decay_rate=0.5, staircase=True),
        [0.100000001, 0.100000001, 0.100000001, 0.06666667, 0.050000001, 0.025, 0.010526316,
         0.005128205]),
    "CosineDecay": (
        dict(initial_learning_rate=0.1, decay_steps=20, alpha=0.1),
        [0.100000001, 0.099445976, 0.095095292, 0.075429574, 0.054999996, 0.010000001,
         0.010000001, 0.010000001]),
    "CosineDecay_warmup": (
        dict(initial_learning_rate=0.0, decay_steps=20, warmup_target=0.2, warmup_steps=5),
        [0.0, 0.040000003, 0.120000005, 0.195105657, 0.170710683, 0.0, 0.0, 0.0]),
    "CosineDecayRestarts": (
        dict(initial_learning_rate=0.1, first_decay_steps=10, t_mul=2.0, m_mul=0.5, alpha=0.1),
        [0.100000001, 0.097797543, 0.081450336, 0.028549666, 0.055000003, 0.016590098, 0.02125,
         0.015625]),
    "CosineDecayRestarts_t1": (
        dict(initial_learning_rate=0.1, first_decay_steps=4, t_mul=1.0, m_mul=0.9),
        [0.100000001, 0.085355341, 0.014644662, 0.013180195, 0.040499996, 0.045361321,
         0.008338586, 0.001013777]),
}


def _schedule(case):
    kwargs, _ = SCHEDULE_CASES[case]
    return getattr(schedules, case.split("_")[0])(**kwargs)


@pytest.mark.parametrize("case", sorted(SCHEDULE_CASES))
def test_schedule_values_match_keras(case):
    schedule = _schedule(case)
    expected = SCHEDULE_CASES[case][1]
    got = [schedule(step) for step in STEPS]
    assert all(isinstance(v, float) for v in got)
    np.testing.assert_allclose(got, expected, rtol=2e-6, atol=2e-9)
    # an array of steps gives the array of rates (for plotting)
    np.testing.assert_allclose(schedule(np.array(STEPS)), got, rtol=0, atol=0)


@pytest.mark.parametrize("case", sorted(SCHEDULE_CASES))
def test_schedule_config_round_trip(case):
    schedule = _schedule(case)
    config = schedules.serialize(schedule)
    assert config["module"] == "keras.optimizers.schedules"
    assert config["class_name"] == case.split("_")[0]
    again = schedules.deserialize(config)
    assert type(again) is type(schedule)
    assert again.get_config() == schedule.get_config()
    assert [again(s) for s in STEPS] == [schedule(s) for s in STEPS]


def test_schedule_configs_have_keras_keys_and_defaults():
    assert schedules.CosineDecay(0.1, 20).get_config() == {
        "initial_learning_rate": 0.1, "decay_steps": 20, "alpha": 0.0, "name": "CosineDecay",
        "warmup_target": None, "warmup_steps": 0}
    assert schedules.CosineDecayRestarts(0.1, 10).get_config() == {
        "initial_learning_rate": 0.1, "first_decay_steps": 10, "t_mul": 2.0, "m_mul": 1.0,
        "alpha": 0.0, "name": "SGDRDecay"}
    assert schedules.PiecewiseConstantDecay([2], [1.0, 0.5]).get_config() == {
        "boundaries": [2], "values": [1.0, 0.5], "name": "PiecewiseConstant"}
    assert schedules.PolynomialDecay(0.1, 7).get_config()["end_learning_rate"] == 0.0001


def test_schedule_arguments_are_checked():
    with pytest.raises(ValueError, match="decay_steps.*> 0"):
        schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.5)
    with pytest.raises(ValueError, match="first_decay_steps"):
        schedules.CosineDecayRestarts(0.1, first_decay_steps=-1)
    with pytest.raises(ValueError, match="1 less than"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2])
    with pytest.raises(NotImplementedError, match="__call__"):
        schedules.LearningRateSchedule()(0)


def test_optimizer_evaluates_its_schedule_at_the_iteration():
    schedule = schedules.PiecewiseConstantDecay([0, 1], [0.1, 0.05, 0.01])
    opt = keras.optimizers.SGD(learning_rate=schedule)
    var = keras.Variable(np.zeros(1), name="w")
    rates = []
    for _ in range(3):
        rates.append(opt.learning_rate)
        opt.apply_gradients([(np.ones(1), var)])
    assert rates == [0.1, 0.05, 0.01]
    assert var.numpy() == pytest.approx([-0.16])
    assert opt.get_config()["learning_rate"] == schedules.serialize(schedule)
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.5
    # a schedule is not state: the optimizer holds no learning-rate variable then
    assert [v.name for v in opt.variables] == ["iteration"]


def test_learning_rate_callables_with_and_without_the_step():
    assert keras.optimizers.SGD(lambda: 0.25).learning_rate == 0.25  # Keras' form
    opt = keras.optimizers.SGD(lambda step: 1.0 / (step + 1))
    var = keras.Variable(np.zeros(1), name="w")
    opt.apply_gradients([(np.ones(1), var)])
    assert opt.learning_rate == 0.5


def test_learning_rate_is_settable_and_is_state():
    opt = keras.optimizers.Adam(0.001)
    assert opt.learning_rate == 0.001
    opt.learning_rate = 0.01  # what ReduceLROnPlateau does
    assert opt.learning_rate == 0.01
    assert opt.get_config()["learning_rate"] == 0.01
    assert [v.name for v in opt.variables] == ["iteration", "learning_rate"]
    opt.learning_rate = schedules.ExponentialDecay(0.1, 10, 0.5)
    assert [v.name for v in opt.variables] == ["iteration"]
    with pytest.raises(ValueError, match=">= 0"):
        keras.optimizers.SGD(-0.1)


# -- every optimizer: the per-variable and the flat paths ------------------------------------
CONFIGS = {
    "sgd": ("SGD", dict(learning_rate=0.1, momentum=0.9, nesterov=True)),
    "adam": ("Adam", dict(learning_rate=0.05, amsgrad=True)),
    "adamw": ("AdamW", dict(learning_rate=0.05, weight_decay=0.1)),
    "rmsprop": ("RMSprop", dict(learning_rate=0.01, momentum=0.5, centered=True)),
    "adagrad": ("Adagrad", dict(learning_rate=0.1)),
    "adadelta": ("Adadelta", dict(learning_rate=1.0, rho=0.9)),
    "adamax": ("Adamax", dict(learning_rate=0.05)),
    "nadam": ("Nadam", dict(learning_rate=0.05)),
    "lion": ("Lion", dict(learning_rate=0.01)),
    "ftrl": ("Ftrl", dict(learning_rate=0.1, l1_regularization_strength=0.01,
                          l2_regularization_strength=0.02,
                          l2_shrinkage_regularization_strength=0.03, beta=0.1)),
    "clipnorm": ("Adam", dict(learning_rate=0.05, clipnorm=0.5)),
    "clipvalue": ("SGD", dict(learning_rate=0.1, clipvalue=0.3)),
    "global_clipnorm": ("RMSprop", dict(learning_rate=0.01, global_clipnorm=0.7)),
    "weight_decay": ("Lion", dict(learning_rate=0.1, weight_decay=0.2)),
    "ema": ("SGD", dict(learning_rate=0.1, use_ema=True, ema_momentum=0.8,
                        ema_overwrite_frequency=3)),
    "accumulation": ("Nadam", dict(learning_rate=0.1, gradient_accumulation_steps=3,
                                   use_ema=True)),
    "schedule": ("Adamax", dict(learning_rate=schedules.CosineDecay(0.0, 4, warmup_target=0.1,
                                                                     warmup_steps=2))),
}
SHAPES = [(3, 4), (4,), (2, 2)]


def _start(rng):
    w0 = [rng.normal(size=s) for s in SHAPES]
    grads = [[rng.normal(size=s) * 2 for s in SHAPES] for _ in range(7)]
    return w0, grads


def _make(name):
    cls, kwargs = CONFIGS[name]
    return getattr(keras.optimizers, cls)(**kwargs)


def _run_arrays(name, w0, grads):
    opt = _make(name)
    vs = [keras.Variable(w.copy(), name=f"v{i}") for i, w in enumerate(w0)]
    for step in grads:
        opt.apply_gradients(zip([g.copy() for g in step], vs))
    return opt, vs


class _Flat:
    """Variables living in one flat buffer, with a twin gradient buffer (as training/ does)."""

    def __init__(self, w0):
        self.flat = np.concatenate([w.ravel() for w in w0])
        self.grad = np.zeros_like(self.flat)
        self.vs, self.views = [], []
        start = 0
        for i, w in enumerate(w0):
            stop = start + w.size
            v = keras.Variable(w.copy(), name=f"v{i}")
            v.value = self.flat[start:stop].reshape(w.shape)
            self.vs.append(v)
            self.views.append(self.grad[start:stop].reshape(w.shape))
            start = stop

    def step(self, opt, grads):
        for view, g in zip(self.views, grads):
            view[...] = g
        opt.apply_flat(self.grad, self.flat, self.vs, self.views)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_apply_arrays_and_apply_flat_agree(name, rng):
    w0, grads = _start(rng)
    opt_a, vs_a = _run_arrays(name, w0, grads)
    opt_f, flat = _make(name), _Flat(w0)
    for step in grads:
        flat.step(opt_f, step)
    for a, f in zip(vs_a, flat.vs):
        np.testing.assert_allclose(f.numpy(), a.numpy(), rtol=1e-12, atol=1e-14)
    assert [v.name for v in opt_f.variables] == [v.name for v in opt_a.variables]
    for a, f in zip(opt_a.variables, opt_f.variables):
        np.testing.assert_allclose(f.numpy(), a.numpy(), rtol=1e-12, atol=1e-14)
    # in the flat layout, every slot is a view into one buffer per slot name
    for v in flat.vs:
        for slot in opt_f._slots.get(id(v), {}).values():
            assert slot.value.base is not None and slot.value.base.size == flat.flat.size


@pytest.mark.parametrize("name", ["adam", "nadam", "ftrl", "ema", "accumulation"])
def test_state_moves_between_the_two_layouts(name, rng):
    """A few steps per variable, then flat, then per variable again: the same trajectory."""
    w0, grads = _start(rng)
    _, expected = _run_arrays(name, w0, grads)
    opt, flat = _make(name), _Flat(w0)
    for step in grads[:2]:
        opt.apply_gradients(zip([g.copy() for g in step], flat.vs))
    for step in grads[2:5]:
        flat.step(opt, step)
    for step in grads[5:]:
        opt.apply_gradients(zip([g.copy() for g in step], flat.vs))
    for e, v in zip(expected, flat.vs):
        np.testing.assert_allclose(v.numpy(), e.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", sorted(OPTIMIZER_SPECS))
def test_golden_through_the_per_variable_path(name):
    """The golden specs again, with every update going through ``apply_arrays``."""
    with np.load(GOLDEN / f"{name}.npz") as f:
        g = {k: f[k] for k in f.files}
    x, y = optimizer_data(name)
    model = OPTIMIZER_SPECS[name](keras)
    model.set_weights([g[f"w_in_{i}"] for i in range(len(model.get_weights()))])
    opt = model.optimizer
    opt.apply_flat = lambda grad, flat, variables, views: opt.apply_arrays(
        [v.copy() for v in views], variables)
    for step in range(3):
        got = np.atleast_1d(model.train_on_batch(x, y))
        np.testing.assert_allclose(got, g[f"train_{step}"], **TOL, err_msg=f"step {step}")
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, g[f"w_out_{i}"], **TOL, err_msg=f"weight {i}")


# -- state in Keras' order -------------------------------------------------------------------
# [v.path.split("/")[-1] for v in optimizer.variables] in Keras 3.15.1, after
# optimizer.build() on Sequential([Input((3,)), Dense(2)]); "sequential_dense_" removed
KERAS_VARIABLES = [
    ("Adam", {}, ["iteration", "learning_rate", "kernel_momentum", "kernel_velocity",
                  "bias_momentum", "bias_velocity"]),
    ("Adam", {"amsgrad": True, "use_ema": True},
     ["iteration", "learning_rate", "kernel_average", "bias_average", "kernel_momentum",
      "kernel_velocity", "bias_momentum", "bias_velocity", "kernel_velocity_hat",
      "bias_velocity_hat"]),
    ("RMSprop", {"momentum": 0.9, "centered": True},
     ["iteration", "learning_rate", "kernel_velocity", "bias_velocity", "kernel_momentum",
      "bias_momentum", "kernel_average_gradient", "bias_average_gradient"]),
    ("Nadam", {}, ["iteration", "learning_rate", "kernel_momentum", "kernel_velocity",
                   "bias_momentum", "bias_velocity", "variable"]),
    ("SGD", {"momentum": 0.9, "gradient_accumulation_steps": 2},
     ["iteration", "learning_rate", "kernel_gradient_accumulator", "bias_gradient_accumulator",
      "kernel_momentum", "bias_momentum"]),
    ("Ftrl", {}, ["iteration", "learning_rate", "kernel_accumulator", "kernel_linear",
                  "bias_accumulator", "bias_linear"]),
    ("Adagrad", {}, ["iteration", "learning_rate", "kernel_accumulator", "bias_accumulator"]),
    ("Adamax", {}, ["iteration", "learning_rate", "kernel_momentum", "kernel_norm",
                    "bias_momentum", "bias_norm"]),
    ("Adadelta", {}, ["iteration", "learning_rate", "kernel_accumulated_grad",
                      "kernel_accumulated_delta_var", "bias_accumulated_grad",
                      "bias_accumulated_delta_var"]),
    ("Lion", {}, ["iteration", "learning_rate", "kernel_momentum", "bias_momentum"]),
    ("AdamW", {}, ["iteration", "learning_rate", "kernel_momentum", "kernel_velocity",
                   "bias_momentum", "bias_velocity"]),
]


@pytest.mark.parametrize("cls,kwargs,expected", KERAS_VARIABLES,
                         ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(KERAS_VARIABLES)])
def test_variables_in_keras_order(cls, kwargs, expected):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    opt = getattr(keras.optimizers, cls)(**kwargs)
    opt.build(model.trainable_variables)
    names = []
    for v in opt.variables:
        name = v.name
        for prefix in ("dense_kernel_", "dense_bias_"):
            if name.startswith(prefix):
                name = prefix.split("_")[1] + "_" + name[len(prefix):]
        names.append(name)
    keras_names = ["u_product" if n == "variable" else n for n in expected]
    assert names == keras_names
    shapes = {"kernel": (3, 2), "bias": (2,)}
    for v, n in zip(opt.variables, names):
        assert v.shape == shapes.get(n.split("_")[0], ())
        assert v.path.startswith(opt.name + "/")


def test_build_twice_creates_the_state_once():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    opt = keras.optimizers.Nadam(use_ema=True)
    opt.build(model.trainable_variables)
    count = len(opt.variables)
    opt.build(model.trainable_variables)
    assert len(opt.variables) == count == 2 + 3 * 2 + 1


def test_save_and_load_own_variables_round_trip(rng):
    w0, grads = _start(rng)
    opt, vs = _run_arrays("nadam", w0, grads[:3])
    store = {}
    opt.save_own_variables(store)
    assert len(store) == len(opt.variables) == 2 + 2 * len(SHAPES) + 1
    assert int(store["0"]) == 3
    fresh = _make("nadam")
    fresh.build(vs)
    fresh.load_own_variables(store)
    for a, b in zip(opt.variables, fresh.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        fresh.load_own_variables({"0": 1})
    with pytest.raises(ValueError, match="not yet been built"):
        _make("adam").set_weights([])


# -- configs, names, defaults ----------------------------------------------------------------
# optimizer.get_config() of each class with its defaults in Keras 3.15.1, without "name";
# Keras stores the learning rate as float32 (0.001 reads back as 0.0010000000474974513)
BASE_DEFAULTS = {
    "weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
    "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
    "loss_scale_factor": None, "gradient_accumulation_steps": None,
}
KERAS_DEFAULTS = {
    "SGD": {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
    "Adam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
             "amsgrad": False},
    "AdamW": {"learning_rate": 0.001, "weight_decay": 0.004, "beta_1": 0.9, "beta_2": 0.999,
              "epsilon": 1e-07, "amsgrad": False},
    "RMSprop": {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-07,
                "centered": False},
    "Adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-07},
    "Adadelta": {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-07},
    "Adamax": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07},
    "Nadam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07},
    "Lion": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.99},
    "Ftrl": {"learning_rate": 0.001, "learning_rate_power": -0.5,
             "initial_accumulator_value": 0.1, "l1_regularization_strength": 0.0,
             "l2_regularization_strength": 0.0, "l2_shrinkage_regularization_strength": 0.0,
             "beta": 0.0},
}


@pytest.mark.parametrize("cls", sorted(KERAS_DEFAULTS))
def test_defaults_and_config_match_keras(cls):
    opt = getattr(keras.optimizers, cls)()
    config = opt.get_config()
    assert config.pop("name") == opt.name
    expected = {"learning_rate": None, **BASE_DEFAULTS, **KERAS_DEFAULTS[cls]}
    assert config == expected
    assert list(config) == list(expected)  # Keras' order
    again = type(opt).from_config({**opt.get_config(), "learning_rate": 0.5})
    assert again.learning_rate == 0.5
    assert again.get_config() == {**opt.get_config(), "learning_rate": 0.5}
    # by name, in Keras' spellings
    assert type(keras.optimizers.get(cls.lower())) is type(opt)
    assert type(keras.optimizers.get(cls)) is type(opt)
    assert type(keras.optimizers.deserialize(keras.optimizers.serialize(opt))) is type(opt)


def test_names_follow_keras():
    assert keras.optimizers.AdamW().name == "adam_w"
    assert keras.optimizers.Nadam().name == "nadam"
    assert keras.optimizers.Nadam().name == "nadam_1"
    assert keras.optimizers.Lion(name="mine").name == "mine"


def test_schedule_in_optimizer_config_round_trip():
    schedule = schedules.CosineDecay(0.0, 4, warmup_target=0.1, warmup_steps=2)
    opt = keras.optimizers.Nadam(learning_rate=schedule)
    config = keras.optimizers.serialize(opt)
    again = keras.optimizers.deserialize(config)
    assert isinstance(again._learning_rate, schedules.CosineDecay)
    assert again._learning_rate.get_config() == schedule.get_config()


def test_invalid_arguments_are_explained():
    with pytest.raises(ValueError, match="weight_decay=None"):
        keras.optimizers.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="SignSGD"):
        keras.optimizers.Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="l1_regularization_strength"):
        keras.optimizers.Ftrl(l1_regularization_strength=-1.0)
    with pytest.raises(ValueError, match="learning_rate_power"):
        keras.optimizers.Ftrl(learning_rate_power=0.5)
    with pytest.raises(ValueError, match="Only one of `clipnorm`, `clipvalue`"):
        keras.optimizers.SGD(clipnorm=1.0, clipvalue=0.5)
    with pytest.raises(ValueError, match="ema_momentum"):
        keras.optimizers.Adam(use_ema=True, ema_momentum=1.5)
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        keras.optimizers.Adam(gradient_accumulation_steps=1)
    with pytest.raises(ValueError, match="Unknown optimizer.*Did you mean 'adamw'"):
        keras.optimizers.get("adamww")


# -- behaviours ------------------------------------------------------------------------------
def test_exclude_from_weight_decay():
    kernel = keras.Variable(np.ones(2), name="kernel")
    bias = keras.Variable(np.ones(2), name="bias")
    other = keras.Variable(np.ones(2), name="other")
    opt = keras.optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_list=[other], var_names=["bias"])
    opt.apply_gradients([(np.zeros(2), v) for v in (kernel, bias, other)])
    assert kernel.numpy() == pytest.approx([0.95, 0.95])
    assert bias.numpy() == pytest.approx([1.0, 1.0])
    assert other.numpy() == pytest.approx([1.0, 1.0])
    with pytest.raises(ValueError, match="before the optimizer is built"):
        opt.exclude_from_weight_decay(var_names=["kernel"])


def test_exclude_from_weight_decay_in_the_flat_layout(rng):
    w0, grads = _start(rng)
    expected_opt = keras.optimizers.AdamW(0.1, weight_decay=0.3)
    expected = [keras.Variable(w.copy(), name=n) for w, n in zip(w0, ["k", "bias", "k2"])]
    expected_opt.exclude_from_weight_decay(var_names=["bias"])
    flat = _Flat(w0)
    for v, n in zip(flat.vs, ["k", "bias", "k2"]):
        v.name = n
    opt = keras.optimizers.AdamW(0.1, weight_decay=0.3)
    opt.exclude_from_weight_decay(var_names=["bias"])
    for step in grads:
        expected_opt.apply_gradients(zip([g.copy() for g in step], expected))
        flat.step(opt, step)
    for e, v in zip(expected, flat.vs):
        np.testing.assert_allclose(v.numpy(), e.numpy(), rtol=1e-12)


def test_ema_average_and_finalize():
    var = keras.Variable(np.zeros(1), name="w")
    opt = keras.optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5)
    for _ in range(3):
        opt.apply_gradients([(-np.ones(1), var)])  # w: 1, 2, 3
    # avg: 1 (the first step copies), then 0.5·1 + 0.5·2 = 1.5, then 0.5·1.5 + 0.5·3 = 2.25
    assert opt.slot(var, "average").numpy() == pytest.approx([2.25])
    assert var.numpy() == pytest.approx([3.0])
    opt.finalize_variable_values([var])
    assert var.numpy() == pytest.approx([2.25])


def test_gradient_accumulation_updates_every_n_steps():
    var = keras.Variable(np.zeros(1), name="w")
    opt = keras.optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=2)
    opt.apply_gradients([(np.array([1.0]), var)])
    assert var.numpy() == pytest.approx([0.0])
    opt.apply_gradients([(np.array([3.0]), var)])
    assert var.numpy() == pytest.approx([-2.0])  # the mean of 1 and 3
    assert int(opt.iterations.numpy()) == 1
    assert int(opt.variables[0].numpy()) == 2


def test_clipping_as_keras():
    # clipnorm scales each gradient to the norm; global_clipnorm scales them all together
    var_a = keras.Variable(np.zeros(2), name="a")
    var_b = keras.Variable(np.zeros(1), name="b")
    keras.optimizers.SGD(1.0, global_clipnorm=1.0).apply_gradients(
        [(np.array([3.0, 0.0]), var_a), (np.array([4.0]), var_b)])
    assert var_a.numpy() == pytest.approx([-0.6, 0.0])
    assert var_b.numpy() == pytest.approx([-0.8])
    # clipnorm=0 means no clipping, as in Keras
    var = keras.Variable(np.zeros(1), name="w")
    keras.optimizers.SGD(1.0, clipnorm=0.0).apply_gradients([(np.array([5.0]), var)])
    assert var.numpy() == pytest.approx([-5.0])


def test_none_gradients_are_skipped_with_a_warning():
    a = keras.Variable(np.zeros(1), name="a")
    b = keras.Variable(np.zeros(1), name="b")
    opt = keras.optimizers.Adam(0.1)
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply_gradients([(np.ones(1), a), (None, b)])
    assert b.numpy() == [0.0] and a.numpy() != [0.0]
    with pytest.raises(ValueError, match="No gradients provided"):
        opt.apply_gradients([(None, a)])


def test_first_steps_by_hand():
    """One or two steps of each new rule worked out by hand."""
    def run(opt, grads, w=1.0):
        var = keras.Variable(np.array([w]), name="w")
        for g in grads:
            opt.apply_gradients([(np.array([g]), var)])
        return float(var.numpy()[0])

    # Adagrad: a = 0.1 + 4; w = 1 - 0.1·2/√4.1
    assert run(keras.optimizers.Adagrad(0.1), [2.0]) == pytest.approx(1 - 0.2 / 4.1**0.5)
    # Adamax: m = 0.1·2, u = 2; w = 1 - 0.1·0.2 / (0.1·2)
    assert run(keras.optimizers.Adamax(0.1), [2.0]) == pytest.approx(0.9, rel=1e-6)
    # Lion: w moves by exactly lr·sign(g)
    assert run(keras.optimizers.Lion(0.1), [-3.0, 5.0]) == pytest.approx(1.1 - 0.1)
    # Adadelta: E[g²] = 0.05·4; Δ = -√1e-7·2/√(0.2 + 1e-7)
    delta = -(1e-7**0.5) * 2 / (0.2 + 1e-7) ** 0.5
    assert run(keras.optimizers.Adadelta(1.0), [2.0]) == pytest.approx(1 + delta)
    # AdamW decays first: w = 1 - 0.1·0.5 = 0.95, then Adam's first step of -lr
    assert run(keras.optimizers.AdamW(0.1, weight_decay=0.5), [1.0]) == pytest.approx(
        0.85, rel=1e-5)


def test_training_with_each_optimizer_reduces_the_loss(rng):
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]])).astype("float32")
    for cls, lr in [("AdamW", 0.05), ("Adagrad", 0.3), ("Adadelta", 20.0), ("Adamax", 0.05),
                    ("Nadam", 0.05), ("Lion", 0.05), ("Ftrl", 0.5)]:
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile(optimizer=getattr(keras.optimizers, cls)(learning_rate=lr), loss="mse")
        history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
        losses = history.history["loss"]
        assert losses[-1] < 0.3 * losses[0], (cls, losses[0], losses[-1])


def test_learning_rate_is_a_variable_that_assign_and_callbacks_can_set():
    """Keras 3 returns the learning-rate Variable: .assign(), .numpy(), float() all work."""
    import warnings

    from keraslite.compat.backend import _set_value

    opt = keras.optimizers.Adam(0.01)
    lr = opt.learning_rate
    assert isinstance(lr, keras.Variable) and float(lr) == 0.01 and lr.numpy() == 0.01
    lr.assign(0.005)
    assert float(opt.learning_rate) == 0.005 and opt.get_config()["learning_rate"] == 0.005
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _set_value(opt.learning_rate, 0.002)  # keras.backend.set_value, Keras 2's habit
    assert float(opt.learning_rate) == 0.002

    class Halve(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.model.optimizer.learning_rate.assign(self.model.optimizer.learning_rate * 0.5)

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = model.get_weights()
    model.fit(np.ones((4, 2)), np.ones(4), epochs=3, verbose=0, callbacks=[Halve()])
    assert float(model.optimizer.learning_rate) == pytest.approx(0.0125)
    model.optimizer.learning_rate.assign(0.0)  # a zero rate: the fast path must honour it too
    frozen = model.get_weights()
    model.fit(np.ones((4, 2)), np.ones(4), epochs=1, verbose=0)
    for a, b in zip(frozen, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert any((a != b).any() for a, b in zip(before, frozen))
