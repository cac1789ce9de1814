"""model.export(path, format="onnx"): every exportable layer, run in onnxruntime, matches
model.predict within 1e-5; layers that cannot be exported fail with their name."""

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import keraslite as keras  # noqa: E402
from keraslite import layers as L  # noqa: E402
from keraslite.export import OnnxExportError, register_onnx_converter  # noqa: E402
from keraslite.export.onnx_activations import ACTIVATIONS  # noqa: E402


def randomize(model, rng):
    """Non-trivial weights (positive variances) so that every term of a layer matters."""
    for v in model.weights:
        shape, name = tuple(v.shape), v.path if hasattr(v, "path") else v.name
        if "variance" in name:
            v.assign(rng.uniform(0.5, 1.5, shape).astype(v.dtype))
        elif "count" not in name:
            v.assign((rng.normal(size=shape) * 0.5).astype(v.dtype))


def check(model, data, tmp_path, rng=None):
    rng = rng or np.random.default_rng(0)
    randomize(model, rng)
    path = tmp_path / "model.onnx"
    model.export(str(path), format="onnx", verbose=False)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    data = data if isinstance(data, list) else [data]
    feed = {i.name: d.astype(np.float32) for i, d in zip(session.get_inputs(), data)}
    got = session.run(None, feed)
    expected = model.predict(data if len(data) > 1 else data[0], verbose=0)
    expected = expected if isinstance(expected, list) else [expected]
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g.shape == np.shape(e)
        np.testing.assert_allclose(g, e, atol=1e-5, rtol=1e-5)
    return session


def seq(shape, *layers):
    return keras.Sequential([keras.Input(shape), *layers])


X2 = np.random.default_rng(1).normal(size=(6, 4)).astype(np.float32)
X3 = np.random.default_rng(2).normal(size=(6, 3, 4)).astype(np.float32)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_dense_with_each_activation(name, tmp_path):
    check(seq((4,), L.Dense(5, activation=name)), X2 * 2, tmp_path)


def _adapted_normalization():
    layer = L.Normalization()
    layer.adapt(X2 * 3 + 1)
    return layer


SINGLE_INPUT_CASES = {
    "dense_no_bias": lambda: seq((4,), L.Dense(3, use_bias=False)),
    "dense_3d": lambda: seq((3, 4), L.Dense(2, activation="relu")),
    "activation": lambda: seq((4,), L.Activation("tanh")),
    "relu": lambda: seq((4,), L.ReLU()),
    "relu_options": lambda: seq((4,), L.ReLU(max_value=1.0, negative_slope=0.1,
                                             threshold=0.2)),
    "leaky_relu": lambda: seq((4,), L.LeakyReLU(negative_slope=0.3)),
    "prelu": lambda: seq((4,), L.PReLU()),
    "prelu_shared": lambda: seq((3, 4), L.PReLU(shared_axes=[1])),
    "elu": lambda: seq((4,), L.ELU(alpha=0.7)),
    "softmax": lambda: seq((3, 4), L.Softmax(axis=1)),
    "softmax_axes": lambda: seq((3, 4), L.Softmax(axis=(1, 2))),
    "dropout_family": lambda: seq((3, 4), L.Dropout(0.5), L.SpatialDropout1D(0.3),
                                  L.AlphaDropout(0.2), L.GaussianNoise(0.1),
                                  L.GaussianDropout(0.2), L.Identity()),
    "batch_norm": lambda: seq((4,), L.BatchNormalization()),
    "batch_norm_axis1": lambda: seq((3, 4), L.BatchNormalization(axis=1, center=False)),
    "layer_norm": lambda: seq((3, 4), L.LayerNormalization()),
    "layer_norm_axes": lambda: seq((3, 4), L.LayerNormalization(axis=[1, 2], scale=False)),
    "layer_norm_rms": lambda: seq((4,), L.LayerNormalization(rms_scaling=True)),
    "normalization_adapted": lambda: seq((4,), _adapted_normalization()),
    "normalization_invert": lambda: seq((4,), L.Normalization(mean=[1, 2, 3, 4],
                                                              variance=[1, 4, 9, 2],
                                                              invert=True)),
    "rescaling": lambda: seq((4,), L.Rescaling(1 / 255, offset=-0.5)),
    "flatten": lambda: seq((3, 4), L.Flatten()),
    "flatten_channels_first": lambda: seq((3, 4), L.Flatten(data_format="channels_first")),
    "reshape": lambda: seq((3, 4), L.Reshape((2, -1))),
    "permute": lambda: seq((3, 4), L.Permute((2, 1))),
    "repeat_vector": lambda: seq((4,), L.RepeatVector(3)),
}


@pytest.mark.filterwarnings("ignore::keraslite.KerasliteDeprecationWarning")  # rms_scaling
@pytest.mark.parametrize("case", sorted(SINGLE_INPUT_CASES))
def test_single_input_layers(case, tmp_path):
    model = SINGLE_INPUT_CASES[case]()
    data = X3 if len(model.inputs[0].shape) == 3 else X2
    check(model, data, tmp_path)


MERGES = {
    "add": L.Add, "subtract": L.Subtract, "multiply": L.Multiply, "average": L.Average,
    "maximum": L.Maximum, "minimum": L.Minimum, "concatenate": L.Concatenate,
}


@pytest.mark.parametrize("case", sorted(MERGES))
def test_merging_layers(case, tmp_path):
    a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
    model = keras.Model([a, b], MERGES[case]()([a, b]))
    check(model, [X2, X2[::-1] * 0.5], tmp_path)


@pytest.mark.parametrize("axes,normalize", [(1, False), (-1, True), ((1, 2), False)])
def test_dot(axes, normalize, tmp_path):
    a, b = keras.Input((3, 4)), keras.Input((3, 4) if axes != (1, 2) else (5, 3))
    model = keras.Model([a, b], L.Dot(axes=axes, normalize=normalize)([a, b]))
    other = np.random.default_rng(3).normal(size=(6,) + tuple(b.shape[1:]))
    check(model, [X3, other.astype(np.float32)], tmp_path)


def test_functional_graph_several_inputs_outputs_shared_and_nested(tmp_path):
    left, right = keras.Input((4,), name="left"), keras.Input((4,), name="right")
    shared = L.Dense(6, activation="relu", name="shared")
    tower = keras.Sequential([keras.Input((12,)), L.Dense(5, activation="tanh"),
                              L.BatchNormalization()], name="tower")
    merged = L.Concatenate()([shared(left), shared(right)])
    hidden = tower(merged)
    out_a = L.Dense(3, activation="softmax", name="label")(hidden)
    out_b = L.Dense(1, name="score")(L.Add()([hidden, L.Dense(5)(right)]))
    model = keras.Model([left, right], [out_a, out_b])
    session = check(model, [X2, X2 * -1.5], tmp_path)
    assert [i.name for i in session.get_inputs()] == ["left", "right"]
    assert [o.name for o in session.get_outputs()] == ["label", "score"]
    assert session.get_inputs()[0].shape == ["batch", 4]  # any batch size runs
    assert session.run(None, {"left": X2[:1], "right": X2[:1]})[0].shape == (1, 3)


def test_custom_layer_with_registered_converter(tmp_path):
    class Doubler(keras.Layer):
        def call(self, x):
            return keras.ops.multiply(x, 2.0)

    @register_onnx_converter(Doubler)
    def _doubler(ctx, layer, inputs, node):
        return ctx.node("Mul", [inputs[0], ctx.const(2.0, "two")])

    check(seq((4,), L.Dense(3), Doubler()), X2, tmp_path)


def test_unexportable_layers_are_named(tmp_path):
    class Custom(keras.Layer):
        def call(self, x):
            return x

    path = str(tmp_path / "m.onnx")
    cases = [
        (seq((4,), L.Dense(2), L.Lambda(lambda x: x * 2, name="times_two")),
         "'times_two' \\(Lambda\\).*arbitrary Python"),
        (seq((4,), Custom(name="mine")), "'mine' \\(Custom\\).*register_onnx_converter"),
    ]
    x = keras.Input((4,))
    cases.append((keras.Model(x, keras.ops.arctan(x)), "keras.ops.arctan"))
    for model, message in cases:
        with pytest.raises(OnnxExportError, match=message):
            model.export(path, format="onnx", verbose=False)

    class Sub(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = L.Dense(2)

        def call(self, x):
            return self.dense(x)

    sub = Sub()
    sub(X2)
    with pytest.raises(OnnxExportError, match="subclassed model"):
        sub.export(path, format="onnx")
    with pytest.raises(ValueError, match="format='onnx'"):
        seq((4,), L.Dense(2)).export(path)
    with pytest.raises(OnnxExportError, match="not been built"):
        keras.Sequential([L.Dense(2)]).export(path, format="onnx")


def test_verbose_message_and_opset(tmp_path, capsys):
    path = tmp_path / "m.onnx"
    seq((4,), L.Dense(2)).export(path, format="onnx", opset_version=18)
    assert f"Saved artifact at '{path}'." in capsys.readouterr().out
    assert onnx.load(str(path)).opset_import[0].version == 18


OP_CASES = {
    "arithmetic": lambda a, b: (a * 2.0 + b) / (abs(b) + 1.0) - a ** 2,
    "floor_mod": lambda a, b: (a // 0.5) + (a % 0.7),
    "matmul_transpose": lambda a, b: keras.ops.matmul(a, keras.ops.transpose(b, (0, 2, 1))),
    "unary": lambda a, b: keras.ops.exp(-keras.ops.square(a)) + keras.ops.sqrt(abs(b))
    + keras.ops.sin(a) * keras.ops.tanh(b) + keras.ops.sigmoid(a) + keras.ops.relu(b),
    "reductions": lambda a, b: keras.ops.concatenate(
        [keras.ops.mean(a, axis=1), keras.ops.sum(b, axis=-1), keras.ops.max(a, axis=1)],
        axis=-1),
    "shapes": lambda a, b: keras.ops.squeeze(keras.ops.expand_dims(
        keras.ops.reshape(a, (-1, 12)), 1), axis=1),
    "clip_softmax": lambda a, b: keras.ops.softmax(keras.ops.clip(a, -0.5, 0.5), axis=1),
    "maximum_minimum": lambda a, b: keras.ops.maximum(a, b) - keras.ops.minimum(a, 0.1),
}


# Building `x / y` symbolically warns "invalid value in divide" from the shape inference's
# placeholder data (keraslite.layers.graph_calls), not from the export.
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("case", sorted(OP_CASES))
def test_keras_ops_in_functional_graph(case, tmp_path):
    a, b = keras.Input((3, 4)), keras.Input((3, 4))
    model = keras.Model([a, b], OP_CASES[case](a, b))
    check(model, [X3, X3[::-1] * 0.7], tmp_path)


@pytest.mark.parametrize("opset", [13, 17, 18, 21])
def test_opsets(opset, tmp_path):
    x = keras.Input((3, 4))
    h = L.LayerNormalization()(L.Dense(4, activation="hard_silu")(x))
    h = L.Concatenate()([L.Softmax(axis=(1, 2))(h), L.Dot(axes=-1, normalize=True)([h, x])])
    model = keras.Model(x, keras.ops.mean(h, axis=1))
    path = tmp_path / "m.onnx"
    model.export(path, format="onnx", verbose=False, opset_version=opset)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(session.run(None, {session.get_inputs()[0].name: X3})[0],
                               model.predict(X3, verbose=0), atol=1e-5, rtol=1e-5)


def test_float64_model(tmp_path, float64):
    model = seq((4,), L.Dense(3, activation="tanh"), L.BatchNormalization())
    path = tmp_path / "m.onnx"
    model.export(path, format="onnx", verbose=False)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    x = X2.astype(np.float64)
    np.testing.assert_allclose(session.run(None, {session.get_inputs()[0].name: x})[0],
                               model.predict(x, verbose=0), atol=1e-12)


def test_dynamic_axis_besides_batch(tmp_path):
    x = keras.Input((None, 4))
    model = keras.Model(x, L.Dense(2)(L.LayerNormalization()(x)))
    session = check(model, X3, tmp_path)
    assert session.get_inputs()[0].shape == ["batch", "dim_1", 4]
    longer = np.random.default_rng(4).normal(size=(2, 7, 4)).astype(np.float32)
    np.testing.assert_allclose(session.run(None, {session.get_inputs()[0].name: longer})[0],
                               model.predict(longer, verbose=0), atol=1e-5, rtol=1e-5)


def test_missing_onnx_names_the_extra(monkeypatch, tmp_path):
    import sys

    monkeypatch.setitem(sys.modules, "onnx", None)  # `import onnx` now raises ImportError
    with pytest.raises(ImportError, match=r"keraslite\[onnx\]"):
        seq((4,), L.Dense(2)).export(tmp_path / "m.onnx", format="onnx")
