import shutil

import pytest

import keraslite as keras
from keraslite.utils import model_visualization


def _functional():
    inputs = keras.Input((4,), name="features")
    hidden = keras.layers.Dense(3, activation="relu", name="hidden")(inputs)
    out_a = keras.layers.Dense(2, name="head_a")(hidden)
    out_b = keras.layers.Dense(1, name="head_b")(keras.layers.Concatenate()([hidden, inputs]))
    return keras.Model(inputs, [out_a, out_b])


def _text(dot):
    return dot.to_string()


def test_functional_graph_has_a_box_per_layer_and_its_edges():
    model = _functional()
    text = _text(keras.utils.model_to_dot(model, show_shapes=True, show_layer_activations=True))
    for layer in model.layers:
        assert f"<b>{layer.name}</b> ({type(layer).__name__})" in text
    by_name = {layer.name: id(layer) for layer in model.layers}
    edges = {("features", "hidden"), ("hidden", "head_a"), ("hidden", "concatenate"),
             ("features", "concatenate"), ("concatenate", "head_b")}
    for source, destination in edges:
        assert f'"{by_name[source]}" -> "{by_name[destination]}"' in text
    assert text.count("->") == len(edges)
    assert "Input shape: <b>(None, 4)</b>" in text and "Output shape: <b>(None, 3)</b>" in text
    assert "Activation: <b>relu</b>" in text


def test_sequential_chain_options_and_nested_expansion():
    inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="inner_dense")],
                             name="inner")
    inputs = keras.Input((5,))
    x = keras.layers.Dense(3, name="first")(inputs)
    model = keras.Model(inputs, inner(x))
    flat = _text(keras.utils.model_to_dot(model, show_layer_names=False, rankdir="LR"))
    assert 'rankdir="LR"' in flat and "<b>Sequential</b>" in flat and "inner_dense" not in flat
    nested = _text(keras.utils.model_to_dot(model, expand_nested=True, show_trainable=True))
    assert 'subgraph "cluster_inner"' in nested and "<b>inner_dense</b>" in nested
    assert f'"{id(model.get_layer("first"))}" -> "{id(inner.layers[0])}"' in nested
    assert "Trainable" in nested
    seq = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2), keras.layers.Dense(1)])
    assert _text(keras.utils.model_to_dot(seq)).count("->") == 1


def test_subclassed_model_is_one_box_and_unbuilt_model_is_refused():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

    net = Net()
    with pytest.raises(ValueError, match="not yet been built"):
        keras.utils.model_to_dot(net)
    net(keras.ops.ones((2, 3)))
    assert _text(keras.utils.model_to_dot(net)).count("label=") == 1
    with pytest.raises(ValueError, match="layer_range"):
        keras.utils.model_to_dot(net, layer_range=["a", "b"])


def test_model_to_dot_returns_pydot_when_installed():
    pydot = pytest.importorskip("pydot")
    dot = keras.utils.model_to_dot(_functional())
    assert isinstance(dot, pydot.Dot)
    assert len(dot.get_nodes()) >= 5


def test_plot_model_without_graphviz_writes_the_dot_file(tmp_path, monkeypatch):
    monkeypatch.setattr(model_visualization.shutil, "which", lambda name: None)
    with pytest.warns(UserWarning, match="dot -Tpng"):
        result = keras.utils.plot_model(_functional(), to_file=tmp_path / "model.png")
    assert result is None
    assert not (tmp_path / "model.png").exists()
    assert (tmp_path / "model.dot").read_text().startswith("digraph G {")


def test_plot_model_writes_dot_text_on_request(tmp_path):
    keras.utils.plot_model(_functional(), to_file=str(tmp_path / "m.dot"), show_shapes=True)
    assert "Output shape" in (tmp_path / "m.dot").read_text()
    with pytest.raises(ValueError, match="to_file"):
        keras.utils.plot_model(_functional(), to_file=str(tmp_path / "m.txt"))


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_plot_model_renders_png_and_svg_with_graphviz(tmp_path):
    model = _functional()
    keras.utils.plot_model(model, to_file=str(tmp_path / "m.png"), show_shapes=True, dpi=50)
    assert (tmp_path / "m.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keras.utils.plot_model(model, to_file=str(tmp_path / "m.svg"), expand_nested=True)
    assert "<svg" in (tmp_path / "m.svg").read_text()
