"""Optimizer steps against Keras 3's formulas, worked by hand on small examples."""

import math

import numpy as np
import pytest

import keraslite as keras


def step(optimizer, grads, w0):
    var = keras.Variable(np.array(w0, dtype="float64"), name="w")
    for g in grads:
        optimizer.apply_gradients([(np.array(g, dtype="float64"), var)])
    return var.numpy()


def test_sgd_plain():
    # w <- w - lr g
    assert step(keras.optimizers.SGD(0.1), [[1.0, -2.0]], [0.5, 0.5]) == pytest.approx([0.4, 0.7])


def test_sgd_momentum_two_steps():
    # m1 = -lr g1 = -0.1; w1 = 1 - 0.1 = 0.9
    # m2 = 0.9 m1 - lr g2 = -0.09 - 0.2 = -0.29; w2 = 0.9 - 0.29 = 0.61
    w = step(keras.optimizers.SGD(0.1, momentum=0.9), [[1.0], [2.0]], [1.0])
    assert w == pytest.approx([0.61])


def test_sgd_nesterov_two_steps():
    # m1 = -0.1; w1 = 1 + 0.9(-0.1) - 0.1 = 0.81
    # m2 = 0.9(-0.1) - 0.2 = -0.29; w2 = 0.81 + 0.9(-0.29) - 0.2 = 0.349
    w = step(keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True), [[1.0], [2.0]], [1.0])
    assert w == pytest.approx([0.349])


def test_adam_two_steps():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-7
    w, m, v = 1.0, 0.0, 0.0
    for t, g in enumerate([0.5, -1.0], start=1):
        m += (g - m) * (1 - b1)
        v += (g * g - v) * (1 - b2)
        alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        w -= alpha * m / (math.sqrt(v) + eps)
    got = step(keras.optimizers.Adam(lr), [[0.5], [-1.0]], [1.0])
    assert got == pytest.approx([w], rel=1e-12)
    # the first Adam step moves every weight by about the learning rate
    assert step(keras.optimizers.Adam(0.01), [[3.0, -0.2]], [0.0, 0.0]) == pytest.approx(
        [-0.01, 0.01], rel=1e-4)


def test_adam_amsgrad_keeps_the_largest_second_moment():
    opt = keras.optimizers.Adam(0.1, amsgrad=True)
    var = keras.Variable(np.zeros(1), name="w")
    opt.apply_gradients([(np.array([2.0]), var)])
    opt.apply_gradients([(np.array([0.0]), var)])
    assert opt.slot(var, "velocity_hat").numpy() == pytest.approx(
        [(1 - 0.999) * 4.0])


def test_rmsprop_step():
    # v = 0.1 g^2 = 0.4; w = 1 - 0.01 * 2 / sqrt(0.4 + 1e-7)
    w = step(keras.optimizers.RMSprop(0.01), [[2.0]], [1.0])
    assert w == pytest.approx([1 - 0.02 / math.sqrt(0.4 + 1e-7)])


def test_defaults_match_keras():
    sgd, adam = keras.optimizers.get("sgd"), keras.optimizers.get("adam")
    assert (sgd.learning_rate, sgd.momentum, sgd.nesterov) == (0.01, 0.0, False)
    assert (adam.learning_rate, adam.beta_1, adam.beta_2, adam.epsilon) == (0.001, 0.9, 0.999,
                                                                            1e-7)
    assert keras.optimizers.get("rmsprop").learning_rate == 0.001


def test_clipping_and_weight_decay():
    assert step(keras.optimizers.SGD(1.0, clipvalue=0.5), [[2.0, -0.1]], [0.0, 0.0]) == \
        pytest.approx([-0.5, 0.1])
    assert step(keras.optimizers.SGD(1.0, clipnorm=1.0), [[3.0, 4.0]], [0.0, 0.0]) == \
        pytest.approx([-0.6, -0.8])
    # decoupled decay: w <- w - lr wd w, then the gradient step
    assert step(keras.optimizers.SGD(0.1, weight_decay=0.5), [[0.0]], [2.0]) == \
        pytest.approx([1.9])


def test_learning_rate_schedule_callable_of_the_step():
    opt = keras.optimizers.SGD(lambda it: 1.0 / (it + 1))
    assert step(opt, [[1.0], [1.0]], [0.0]) == pytest.approx([-1.5])
    assert int(opt.iterations.numpy()) == 2


def test_invalid_arguments_are_explained():
    with pytest.raises(ValueError, match="momentum"):
        keras.optimizers.SGD(momentum=-1)
    with pytest.raises(TypeError, match="unexpected keyword"):
        keras.optimizers.Adam(betas=(0.9, 0.99))


@pytest.mark.parametrize("make", [lambda: keras.optimizers.Adam(0.01, amsgrad=True),
                                  lambda: keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
                                  lambda: keras.optimizers.RMSprop(0.01, centered=True)])
def test_large_flat_updates_split_over_threads_match_per_variable_updates(make):
    from keraslite.training.flat import FlatParameters

    rng = np.random.default_rng(0)
    shapes = [(600, 400), (400,), (400, 100)]  # 280,400 weights: more than 2**18
    start = [rng.normal(size=s) for s in shapes]
    grads = [[rng.normal(size=s) for s in shapes] for _ in range(3)]
    a_vars = [keras.Variable(v.copy(), name=f"a{i}") for i, v in enumerate(start)]
    b_vars = [keras.Variable(v.copy(), name=f"b{i}") for i, v in enumerate(start)]
    params = FlatParameters(b_vars)
    assert params.flat.size >= 1 << 18
    a_opt, b_opt = make(), make()
    for step in grads:
        a_opt.apply_gradients(zip([g.copy() for g in step], a_vars))
        for view, g in zip(params.grad_views, step):
            view[...] = g
        b_opt.apply_flat(params.grad, params.flat, params.variables, params.grad_views)
    for a, b in zip(a_vars, b_vars):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-14)
