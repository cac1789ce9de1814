"""Diagnostics for learners: each mistake reproduced in a few lines, and none for sound models."""

import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from specs import SPECS, data

import keraslite as keras
from keraslite.diagnostics import CATALOG, DiagnosticError, DiagnosticWarning

DOCS = Path(__file__).parent.parent / "docs" / "diagnostics.md"
RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 4)).astype("float32")
Y = (X[:, 0] > 0).astype("float32")


def mlp(*layers, loss="binary_crossentropy", n=4):
    model = keras.Sequential([keras.Input(shape=(n,)), *layers])
    model.compile(optimizer="adam", loss=loss)
    return model


def dense(units, activation=None):
    return keras.layers.Dense(units, activation=activation)


# -- one reproducer per diagnostic --------------------------------------------------------
def one_unit_softmax():
    mlp(dense(8, "relu"), dense(1, "softmax"))


def binary_loss_on_unbounded_output():
    mlp(dense(8, "relu"), dense(1, "relu"))


def sigmoid_with_categorical_loss():
    mlp(dense(8, "relu"), dense(3, "sigmoid"), loss="categorical_crossentropy")


def sparse_loss_one_unit():
    mlp(dense(8, "relu"), dense(1, "sigmoid"), loss="sparse_categorical_crossentropy")


def layers_after_output():
    mlp(dense(8, "relu"), dense(3, "softmax"), dense(3), loss="mse")


def input_shape_includes_samples():
    model = keras.Sequential([keras.Input(shape=X.shape), dense(1, "sigmoid")])
    model.predict(X, verbose=0)


def nan_in_data():
    x = X.copy()
    x[0, 1] = np.nan
    mlp(dense(1, "sigmoid")).fit(x, Y, verbose=0)


def binary_labels_out_of_range():
    mlp(dense(1, "sigmoid")).fit(X, Y + 1, verbose=0)


def categorical_integer_labels():
    mlp(dense(3, "softmax"), loss="categorical_crossentropy").fit(X, Y.astype(int), verbose=0)


def sparse_labels_out_of_range():
    mlp(dense(3, "softmax"), loss="sparse_categorical_crossentropy").fit(X, Y * 3, verbose=0)


def unscaled_inputs():
    model = mlp(dense(8, "sigmoid"), dense(1, "sigmoid"))
    model.fit(X * [1, 400, 1, 1], Y, epochs=1, verbose=0)


def validation_options_without_data():
    mlp(dense(1, "sigmoid")).fit(X, Y, validation_batch_size=8, verbose=0)


def nan_loss():
    model = keras.Sequential([keras.Input(shape=(4,)), dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=10.0), loss="mse")
    history = model.fit(X * 100, Y, epochs=20, verbose=0)
    assert len(history.history["loss"]) < 20  # training stopped


def vanishing_gradients():
    x = RNG.normal(size=(256, 10)).astype("float32")
    model = mlp(*[dense(16, "sigmoid") for _ in range(6)], dense(1, "sigmoid"), n=10)
    model.fit(x, (x[:, :3].sum(axis=1) > 0).astype("float32"), epochs=4, verbose=0)


def embedding_id_out_of_range():
    word_index = {"the": 1, "cat": 2, "sat": 3}
    model = keras.Sequential([keras.Input(shape=(3,)),
                              keras.layers.Embedding(len(word_index), 4),
                              keras.layers.Flatten(), dense(1, "sigmoid")])
    model.predict(np.array([[1, 2, 3]]), verbose=0)


def rnn_return_sequences_output():
    model = keras.Sequential([keras.Input(shape=(5, 2)),
                              keras.layers.LSTM(4, return_sequences=True), dense(1, "sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(np.zeros((4, 5, 2)), np.zeros(4), verbose=0)


def token_model(length, mask_zero=False, flatten=False):
    """Embedding, then a global average (any length runs) or a Flatten (only ``length``)."""
    reduce = keras.layers.Flatten() if flatten else keras.layers.GlobalAveragePooling1D()
    model = keras.Sequential([keras.Input(shape=(length,)),
                              keras.layers.Embedding(20, 4, mask_zero=mask_zero),
                              reduce, dense(1, "sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def padded(rows, length, tokens):
    """``rows`` sequences of ``tokens`` ids (1..19) each, post-padded with 0 to ``length``."""
    ids = np.zeros((rows, length), dtype="int64")
    ids[:, :tokens] = RNG.integers(1, 20, (rows, tokens))
    return ids


def sequence_length_mismatch():
    token_model(100, flatten=True).fit(padded(8, 50, 5), np.zeros(8), verbose=0)


def padded_length_changed():
    with warnings.catch_warnings():  # input_length's own one-line note
        warnings.simplefilter("ignore", keras.KerasliteDeprecationWarning)
        embedding = keras.layers.Embedding(20, 4, input_length=100)
    model = keras.Sequential([embedding, keras.layers.GlobalAveragePooling1D(),
                              dense(1, "sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(padded(8, 50, 5), np.zeros(8), verbose=0)


def mostly_padding():
    token_model(200).fit(padded(8, 200, 6), np.zeros(8), verbose=0)


REPRODUCERS = {
    "sequence-length-mismatch": sequence_length_mismatch,
    "padded-length-changed": padded_length_changed,
    "mostly-padding": mostly_padding,
    "embedding-id-out-of-range": embedding_id_out_of_range,
    "rnn-return-sequences-output": rnn_return_sequences_output,
    "one-unit-softmax": one_unit_softmax,
    "binary-loss-on-unbounded-output": binary_loss_on_unbounded_output,
    "sigmoid-with-categorical-loss": sigmoid_with_categorical_loss,
    "sparse-loss-one-unit": sparse_loss_one_unit,
    "layers-after-output": layers_after_output,
    "input-shape-includes-samples": input_shape_includes_samples,
    "nan-in-data": nan_in_data,
    "binary-labels-out-of-range": binary_labels_out_of_range,
    "categorical-integer-labels": categorical_integer_labels,
    "sparse-labels-out-of-range": sparse_labels_out_of_range,
    "unscaled-inputs": unscaled_inputs,
    "validation-options-without-data": validation_options_without_data,
    "nan-loss": nan_loss,
    "vanishing-gradients": vanishing_gradients,
}


def test_every_diagnostic_has_a_reproducer_and_a_documented_message():
    assert sorted(REPRODUCERS) == sorted(CATALOG)
    text = DOCS.read_text(encoding="utf-8")
    for code in CATALOG:
        assert f"`{code}`" in text, f"{code} is not documented in {DOCS.name}"


@pytest.mark.parametrize("code", sorted(CATALOG))
def test_diagnostic_is_raised(code):
    tag = re.escape(f"[keraslite:{code}]")
    if CATALOG[code].kind == "error":
        with pytest.raises(DiagnosticError, match=tag) as info:
            REPRODUCERS[code]()
        assert isinstance(info.value, ValueError) and info.value.code == code
    else:
        with np.errstate(all="ignore"), pytest.warns(DiagnosticWarning, match=tag) as record:
            REPRODUCERS[code]()
        assert any(getattr(w.message, "code", None) == code for w in record)
        assert all(w.filename == __file__ for w in record
                   if issubclass(w.category, keras.KerasliteWarning))  # the user's line


# -- details ----------------------------------------------------------------------------
def test_one_unit_softmax_warns_but_training_runs():
    with pytest.warns(DiagnosticWarning, match="always outputs 1.0"):
        model = mlp(dense(5, "sigmoid"), dense(1, "softmax"), loss="mse")
    model.fit(X, Y, epochs=2, verbose=0)
    np.testing.assert_array_equal(model.predict(X, verbose=0), 1.0)


def test_hidden_one_unit_softmax_and_activation_layer():
    with pytest.warns(DiagnosticWarning, match="hidden layer"):
        mlp(dense(1, "softmax"), dense(1, "sigmoid"))
    with pytest.warns(DiagnosticWarning, match="a softmax over a 1-unit input"):
        mlp(dense(1), keras.layers.Activation("softmax"))


def test_binary_logits_and_sigmoid_hidden_layers_are_fine():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mlp(dense(8, "sigmoid"), dense(8, "sigmoid"), dense(1),
            loss=keras.losses.BinaryCrossentropy(from_logits=True))
        mlp(dense(8, "sigmoid"), dense(1, "sigmoid"))


def test_nan_in_dataframe_names_columns_and_dropna():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"Age": [22.0, np.nan, 30.0, np.nan], "Fare": [7.0, 8.0, 9.0, 10.0]})
    model = mlp(dense(1, "sigmoid"), n=2)
    with pytest.raises(DiagnosticError, match=r"(?s)'Age' \(2\).*dropna\(\) returns a new"):
        model.fit(frame, np.array([0, 1, 0, 1]), verbose=0)
    with pytest.raises(DiagnosticError, match="`x` contains 2"):
        model.predict(frame, verbose=0)


def test_nan_in_labels_and_validation_data():
    model = mlp(dense(1, "sigmoid"))
    y = Y.copy()
    y[2] = np.inf
    with pytest.raises(DiagnosticError, match="`y` contains 1 .*1 infinite"):
        model.fit(X, y, verbose=0)
    x_val = X[:5].copy()
    x_val[0, 0] = np.nan
    with pytest.raises(DiagnosticError, match="validation x"):
        model.fit(X, Y, validation_data=(x_val, Y[:5]), verbose=0)


def test_sparse_labels_with_one_unit_and_one_hot_labels():
    with pytest.warns(DiagnosticWarning, match="sparse-loss-one-unit"):
        model = mlp(dense(1, "sigmoid"), loss="sparse_categorical_crossentropy")
    with pytest.raises(DiagnosticError, match="single unit"):
        model.fit(X, Y, verbose=0)
    model = mlp(dense(3, "softmax"), loss="sparse_categorical_crossentropy")
    with pytest.raises(DiagnosticError, match="one-hot"):
        model.fit(X, keras.utils.to_categorical(Y, 3), verbose=0)


def test_categorical_integer_labels_suggests_the_fixes():
    model = mlp(dense(3, "softmax"), loss="categorical_crossentropy")
    with pytest.raises(DiagnosticError, match="sparse_categorical_crossentropy.*to_categorical"):
        model.evaluate(X, np.zeros((len(X), 1)), verbose=0)


def test_input_shape_of_len_dataframe():
    model = keras.Sequential([keras.Input(shape=(len(X),)), dense(1, "sigmoid")])
    with pytest.raises(DiagnosticError, match=r"shape=\(4,\)"):
        model.predict(X, verbose=0)


def test_validation_monitor_without_validation_data():
    class Monitor(keras.callbacks.Callback):
        monitor = "val_loss"

    with pytest.warns(DiagnosticWarning, match=r"Monitor\(monitor='val_loss'\)"):
        mlp(dense(1, "sigmoid")).fit(X, Y, callbacks=[Monitor()], verbose=0)


def test_unscaled_inputs_warns_once_per_model_and_not_after_normalizing():
    model = mlp(dense(8, "tanh"), dense(1, "sigmoid"))
    big = X * [1, 500, 1, 1]
    with pytest.warns(DiagnosticWarning, match=r"x\[:, 1\] up to"):
        model.fit(big, Y, verbose=0)
    model.fit(big, Y, verbose=0)  # once per model
    standardized = (big - big.mean(axis=0)) / big.std(axis=0)
    mlp(dense(8, "tanh"), dense(1, "sigmoid")).fit(standardized, Y, verbose=0)


def test_existing_data_errors_name_the_arguments():
    model = mlp(dense(1, "sigmoid"))
    with pytest.raises(ValueError, match="x has 40.*y has 30.*train_test_split"):
        model.fit(X, Y[:30], verbose=0)
    with pytest.raises(TypeError, match="tokenize"):
        model.predict(np.array(["a great movie", "boring"]), verbose=0)
    with pytest.raises(ValueError, match="pad_sequences"):
        model.predict([[1, 2, 3], [4, 5]], verbose=0)
    with pytest.raises(ValueError, match=r"predict\(\)` needs data"):
        model.predict(verbose=0)


def test_feature_count_mismatch_lists_dataframe_columns():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X[:, :3], columns=["Pclass", "Sex", "Age"])
    with pytest.raises(ValueError, match=r"columns are \['Pclass', 'Sex', 'Age'\]"):
        mlp(dense(1, "sigmoid")).fit(frame, Y, verbose=0)


# -- gradient norms ---------------------------------------------------------------------
def test_gradient_norm_logger_records_each_layer_per_epoch():
    model = mlp(dense(6, "relu"), dense(4, "relu"), dense(1, "sigmoid"))
    logger = keras.callbacks.GradientNormLogger()
    history = model.fit(X, Y, epochs=3, verbose=0, callbacks=[logger])
    keys = [k for k in history.history if k.startswith("grad_norm/")]
    assert keys == [f"grad_norm/{layer.name}" for layer in model.layers]
    assert all(len(history.history[k]) == 3 and min(history.history[k]) > 0 for k in keys)
    assert logger.norms == {k.split("/", 1)[1]: history.history[k] for k in keys}
    own = keras.callbacks.GradientNormLogger(X[:10], Y[:10])
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[own])
    assert all(len(v) == 2 for v in own.norms.values())


def test_gradient_norms_match_a_tape_computation():
    model = mlp(dense(3, "tanh"), dense(1, "sigmoid"))
    norms = keras.diagnostics.gradient_norms(model, X, Y)
    with keras.GradientTape() as tape:
        loss = keras.losses.binary_crossentropy(Y, model(X))
        loss = keras.ops.mean(loss)
    grads = tape.gradient(loss, model.trainable_variables)
    first = np.sqrt(sum(np.sum(np.square(g.numpy())) for g in grads[:2]))
    assert norms[model.layers[0].name][0] == pytest.approx(first, rel=1e-5)


def test_plot_gradient_norms(monkeypatch):
    history = {"loss": [1.0], "grad_norm/dense": [0.1, 0.01]}
    with pytest.raises(ValueError, match="GradientNormLogger"):
        keras.utils.plot_gradient_norms({"loss": [1.0]})
    try:
        import matplotlib
    except ImportError:
        with pytest.raises(ImportError, match="pip install matplotlib"):
            keras.utils.plot_gradient_norms(history)
        return
    matplotlib.use("Agg")
    ax = keras.utils.plot_gradient_norms(history)
    assert ax.get_yscale() == "log" and len(ax.lines) == 1


# -- sound models raise nothing ----------------------------------------------------------
@pytest.mark.parametrize("name", sorted(n for n in SPECS if n != "lecture_mse_sgd"))
def test_golden_specs_raise_no_diagnostic(name):
    x, y = data(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", keras.KerasliteWarning)
        model = SPECS[name](keras)
        model.fit(x, y, epochs=3, batch_size=4, validation_split=0.25, verbose=0)
        model.evaluate(x, y, verbose=0)
        model.predict(x, verbose=0)


def test_sound_titanic_network_raises_no_diagnostic():
    (x, y), _ = keras.datasets.titanic.load_data()
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", keras.KerasliteWarning)
        model = mlp(dense(20, "sigmoid"), dense(10, "relu"), dense(1, "sigmoid"), n=9)
        model.fit(x, y, epochs=10, batch_size=25, verbose=0)


# -- padded token sequences ---------------------------------------------------------------
def test_sequence_length_mismatch_names_both_lengths_and_the_fix():
    with pytest.raises(DiagnosticError, match=r"(?s)length 100.*padded to length 50.*"
                       r"maxlen=100.*instead of Flatten.*Input\(shape=\(None,\)\)"):
        token_model(100, flatten=True).predict(padded(4, 50, 5), verbose=0)
    model = keras.Sequential([keras.layers.Embedding(20, 4), keras.layers.Flatten(),
                              dense(1, "sigmoid")])  # built from the data: length 30
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(padded(8, 30, 20), np.zeros(8), verbose=0)
    with pytest.raises(DiagnosticError, match="length 30 .the length it was trained on"):
        model.evaluate(padded(8, 60, 20), np.zeros(8), verbose=0)
    with pytest.raises(ValueError, match="Make the Input shape match") as info:  # no Embedding
        mlp(dense(1, "sigmoid")).fit(X[:, :3], Y, verbose=0)
    assert not isinstance(info.value, DiagnosticError)


def test_a_model_that_reads_any_length_runs_on_another_padded_length_as_in_keras():
    # Keras 3 checks shapes layer by layer: a global pooling (or an RNN) after the Embedding
    # reads sequences of another length than the declared Input's
    model = token_model(100)
    model.fit(padded(8, 80, 60), np.zeros(8), verbose=0)
    assert model.predict(padded(4, 70, 60), verbose=0).shape == (4, 1)
    assert model.predict(padded(4, 100, 60), verbose=0).shape == (4, 1)
    with pytest.warns(DiagnosticWarning, match="padded-length-changed"):  # 2.5x: warned
        assert model.predict(padded(4, 200, 60), verbose=0).shape == (4, 1)


def test_a_model_with_named_inputs_runs_on_another_padded_length():
    tokens, extra = keras.Input((10,), name="tokens"), keras.Input((3,), name="extra")
    pooled = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(20, 4)(tokens))
    merged = keras.layers.Concatenate()([pooled, extra])
    model = keras.Model({"tokens": tokens, "extra": extra}, dense(1)(merged))
    x = {"extra": np.zeros((4, 3)), "tokens": padded(4, 12, 10)}  # keys in another order
    assert model.predict(x, verbose=0).shape == (4, 1)


def test_predict_padded_far_from_training_length_warns_once_without_mask():
    inputs = keras.Input(shape=(None,))
    hidden = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(20, 4)(inputs))
    model = keras.Model(inputs, dense(1, "sigmoid")(hidden))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(padded(8, 40, 30), np.zeros(8), verbose=0)
    model.predict(padded(4, 60, 30), verbose=0)  # 1.5x: no warning
    with pytest.warns(DiagnosticWarning, match=r"(?s)trained on .* length 40.*length 200.*"
                      r"maxlen=40.*mask_zero=True"):
        model.predict(padded(4, 200, 30), verbose=0)
    model.predict(padded(4, 200, 30), verbose=0)  # once per model and length


def test_padding_checks_stay_silent_on_ordinary_token_data():
    # long, mostly-filled sequences; mostly padding but masked; consistent input_length
    token_model(50).fit(padded(8, 50, 30), np.zeros(8), verbose=0)
    masked = token_model(200, mask_zero=True)
    masked.fit(padded(8, 200, 6), np.zeros(8), verbose=0)
    masked.predict(padded(8, 200, 6), verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", keras.KerasliteDeprecationWarning)
        embedding = keras.layers.Embedding(20, 4, input_length=50)
    model = keras.Sequential([embedding, keras.layers.GlobalAveragePooling1D(), dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(padded(8, 50, 40), np.zeros(8), verbose=0)
    # a sparse bag-of-words matrix into Dense: zeros but no Embedding
    bag = np.zeros((8, 300), "float32")
    bag[:, :3] = 1
    mlp(dense(1, "sigmoid"), n=300).fit(bag, np.zeros(8), verbose=0)


def test_mostly_padding_names_the_95th_percentile_length():
    ids = np.zeros((100, 1000), dtype="int64")
    for row, length in enumerate(range(1, 101)):
        ids[row, -length:] = 1 + row % 19  # 'pre' padding; lengths 1..100
    with pytest.warns(DiagnosticWarning, match=r"(?s)95% padding.*at most 96 tokens.*"
                      r"maxlen=96.*mask_zero=True"):
        token_model(1000).fit(ids, np.zeros(100), verbose=0)
