"""fit/evaluate/predict on generators and PyDatasets; validation options; plot_history."""

import sys

import numpy as np
import pytest

import keraslite as keras

N, FEATURES, BATCH = 40, 3, 16


def data(n=N, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, FEATURES)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.1 * rng.normal(size=(n, 1))).astype("float32")
    return x, y


def model(metrics=("mae",), run_eagerly=False):
    keras.utils.set_random_seed(1)
    m = keras.Sequential([keras.Input(shape=(FEATURES,)), keras.layers.Dense(4, activation="tanh"),
                          keras.layers.Dense(1)])
    m.compile(optimizer="sgd", loss="mse", metrics=list(metrics), run_eagerly=run_eagerly)
    return m


def batches(x, y, batch_size=BATCH, sample_weight=None, forever=True):
    """A generator over the batches in order, repeating when ``forever``."""
    while True:
        for start in range(0, len(x), batch_size):
            rows = slice(start, start + batch_size)
            yield (x[rows], y[rows]) if sample_weight is None else \
                (x[rows], y[rows], sample_weight[rows])
        if not forever:
            return


class Batches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size=BATCH, endless=False, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size, self.endless = x, y, batch_size, endless
        self.log = []

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, index):
        self.log.append(index)
        index %= len(self)
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[rows], self.y[rows]

    def on_epoch_end(self):
        self.log.append("end")


class Endless(Batches):
    num_batches = None


def assert_same_weights(a, b, rtol=1e-6):
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=rtol, atol=1e-7)


# -- fit on generators and PyDatasets --------------------------------------------------------------
@pytest.mark.parametrize("run_eagerly", [False, True])
def test_generator_fit_equals_array_fit_without_shuffling(run_eagerly):
    x, y = data()
    ref = model(run_eagerly=run_eagerly)
    h_ref = ref.fit(x, y, batch_size=BATCH, epochs=3, shuffle=False, verbose=0)
    gen = model(run_eagerly=run_eagerly)
    h_gen = gen.fit(batches(x, y), steps_per_epoch=3, epochs=3, verbose=0)
    assert_same_weights(ref, gen)
    np.testing.assert_allclose(h_gen.history["loss"], h_ref.history["loss"], rtol=1e-6)
    np.testing.assert_allclose(h_gen.history["mae"], h_ref.history["mae"], rtol=1e-6)
    assert gen.history is h_gen and h_gen.epoch == [0, 1, 2]


def test_generator_sample_weights_and_class_weights_match_arrays():
    x, y = data()
    w = np.linspace(0.5, 2.0, N).astype("float32")
    ref = model()
    ref.fit(x, y, sample_weight=w, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    gen = model()
    gen.fit(batches(x, y, sample_weight=w), steps_per_epoch=3, epochs=2, verbose=0)
    assert_same_weights(ref, gen)

    labels = (y > 0).astype("float32")
    cw = {0: 1.0, 1: 3.0}
    ref, seq = model(), model()
    ref.fit(x, labels, class_weight=cw, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    seq.fit(Batches(x, labels), class_weight=cw, epochs=2, shuffle=False, verbose=0)
    assert_same_weights(ref, seq)


def test_pydataset_fit_equals_arrays_and_calls_on_epoch_end_each_epoch():
    x, y = data()
    ref = model()
    ref.fit(x, y, batch_size=BATCH, epochs=3, shuffle=False, verbose=0)
    ds = Batches(x, y)
    seq = model()
    history = seq.fit(ds, epochs=3, shuffle=False, verbose=0)
    assert_same_weights(ref, seq)
    # batch 0 is read once to build the model and reused by the first pass
    assert ds.log == [0, 1, 2, "end"] * 3
    assert len(history.history["loss"]) == 3


def test_pydataset_shuffle_reorders_batches_each_epoch():
    x, y = data(n=160)
    ds = Batches(x, y)
    model().fit(ds, epochs=4, verbose=0)  # shuffle=True: the batch order changes
    passes = [ds.log[i * 11:i * 11 + 10] for i in range(4)]
    assert ds.log.count("end") == 4
    assert all(sorted(p) == list(range(10)) for p in passes)
    assert any(p != list(range(10)) for p in passes)


def test_pydataset_steps_per_epoch_continues_through_the_passes():
    x, y = data()
    ds = Batches(x, y)
    history = model().fit(ds, steps_per_epoch=2, epochs=2, shuffle=False, verbose=0)
    assert ds.log == [0, 1, 2, "end", 0]
    assert len(history.history["loss"]) == 2


def test_endless_pydataset_needs_steps_per_epoch():
    x, y = data()
    with pytest.raises(ValueError, match="endless.*steps_per_epoch"):
        model().fit(Endless(x, y), epochs=2, verbose=0)
    ds = Endless(x, y)
    model().fit(ds, steps_per_epoch=2, epochs=2, verbose=0)
    assert ds.log == [0, 1, "end", 2, 3, "end"]


def test_pydataset_base_class():
    x, y = data()
    ds = Batches(x, y, workers=4, use_multiprocessing=True, max_queue_size=3)
    assert (ds.workers, ds.use_multiprocessing, ds.max_queue_size) == (4, True, 3)
    assert len(ds) == ds.num_batches == 3
    assert [len(b[0]) for b in ds] == [16, 16, 8]
    assert keras.utils.Sequence is keras.utils.PyDataset

    class NoLength(keras.utils.PyDataset):
        def __getitem__(self, index):
            return x, y

    with pytest.raises(TypeError, match="__len__"):
        model().fit(NoLength(), epochs=1, verbose=0)

    class NoSuper(keras.utils.PyDataset):
        def __len__(self):
            return 1

        def __getitem__(self, index):
            return x, y

    assert NoSuper().workers == 1
    model().fit(NoSuper(), epochs=1, verbose=0)


def test_generator_over_several_epochs_needs_steps_per_epoch():
    x, y = data()
    with pytest.raises(ValueError, match="steps_per_epoch"):
        model().fit(batches(x, y, forever=False), epochs=2, verbose=0)
    # one epoch reads the generator to its end
    m = model()
    history = m.fit(batches(x, y, forever=False), epochs=1, verbose=0)
    ref = model()
    ref.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    assert_same_weights(ref, m)
    assert len(history.history["loss"]) == 1


def test_generator_that_runs_out_warns_and_stops():
    x, y = data()
    with pytest.warns(keras.KerasliteWarning, match="ran out of data during epoch 2"):
        history = model().fit(batches(x, y, forever=False), steps_per_epoch=2, epochs=5,
                              verbose=0)
    assert len(history.history["loss"]) == 2
    with pytest.warns(keras.KerasliteWarning, match="ran out of data before epoch 2"):
        history = model().fit(batches(x, y, forever=False), steps_per_epoch=3, epochs=3,
                              verbose=0)
    assert len(history.history["loss"]) == 1
    with pytest.raises(ValueError, match="yielded no batch"):
        model().fit(iter([]), epochs=1, verbose=0)


def test_generator_errors_name_the_fix():
    x, y = data()
    with pytest.raises(ValueError, match="`y` must not be passed"):
        model().fit(batches(x, y), y, steps_per_epoch=2, verbose=0)
    with pytest.raises(ValueError, match="validation_split"):
        model().fit(batches(x, y), steps_per_epoch=2, validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match=r"\(x, y\)"):
        model().fit((xb for xb in [x]), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="steps_per_epoch` must be a positive"):
        model().fit(batches(x, y), steps_per_epoch=0, verbose=0)
    with pytest.raises(ValueError, match="tuple of 4"):
        model().fit(iter([(x, y, y, y)]), epochs=1, verbose=0)


def test_multi_input_generator():
    x, y = data()
    a = keras.Input(shape=(2,))
    b = keras.Input(shape=(1,))
    out = keras.layers.Dense(1)(keras.layers.Concatenate()([a, b]))
    m = keras.Model([a, b], out)
    m.compile(optimizer="sgd", loss="mse")
    gen = (((x[i:i + 8, :2], x[i:i + 8, 2:]), y[i:i + 8]) for i in range(0, N, 8))
    history = m.fit(gen, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    pred = m.predict(((x[i:i + 8, :2], x[i:i + 8, 2:]),) for i in range(0, N, 8))
    np.testing.assert_allclose(pred, m.predict([x[:, :2], x[:, 2:]], verbose=0), rtol=1e-6)


# -- validation ------------------------------------------------------------------------------------
def test_validation_generator_with_validation_steps():
    x, y = data()
    xv, yv = data(n=24, seed=1)
    m = model()
    history = m.fit(batches(x, y), steps_per_epoch=3, epochs=3, verbose=0,
                    validation_data=batches(xv, yv, batch_size=10), validation_steps=3)
    assert len(history.history["val_loss"]) == 3
    loss, mae = m.evaluate(xv, yv, verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(loss, rel=1e-6)
    assert history.history["val_mae"][-1] == pytest.approx(mae, rel=1e-6)
    # array training data with generator validation data
    m = model()
    history = m.fit(x, y, epochs=2, batch_size=BATCH, verbose=0,
                    validation_data=batches(xv, yv, batch_size=10), validation_steps=3)
    assert history.history["val_loss"][-1] == pytest.approx(m.evaluate(xv, yv, verbose=0)[0],
                                                            rel=1e-6)


def test_validation_generator_without_validation_steps():
    x, y = data()
    xv, yv = data(n=24, seed=1)
    with pytest.raises(ValueError, match="validation_steps"):
        model().fit(x, y, epochs=2, verbose=0,
                    validation_data=batches(xv, yv, forever=False))
    # a single validation reads the generator to its end
    m = model()
    history = m.fit(x, y, epochs=1, verbose=0, validation_data=batches(xv, yv, forever=False))
    assert history.history["val_loss"][0] == pytest.approx(m.evaluate(xv, yv, verbose=0)[0],
                                                           rel=1e-6)


def test_validation_pydataset_restarts_each_time():
    x, y = data()
    xv, yv = data(n=24, seed=1)
    val = Batches(xv, yv, batch_size=8)
    m = model()
    history = m.fit(Batches(x, y), epochs=3, verbose=0, validation_data=val, validation_steps=2)
    assert val.log == [0, 1, "end"] * 3
    loss = m.evaluate(xv[:16], yv[:16], verbose=0)[0]
    assert history.history["val_loss"][-1] == pytest.approx(loss, rel=1e-6)
    val.log.clear()
    history = model().fit(x, y, epochs=2, verbose=0, validation_data=val)
    assert val.log == [0, 1, 2, "end"] * 2


@pytest.mark.parametrize("use_generator", [False, True])
def test_validation_freq_gives_val_metrics_on_epochs_2_and_4(use_generator):
    x, y = data()
    xv, yv = data(n=24, seed=1)
    train = dict(x=batches(x, y), steps_per_epoch=3) if use_generator else dict(x=x, y=y)
    history = model().fit(**train, epochs=4, verbose=0, validation_data=(xv, yv),
                          validation_freq=2)
    # as in Keras: the val_ lists are shorter than the training lists
    assert [len(history.history[k]) for k in ("loss", "mae", "val_loss", "val_mae")] == \
        [4, 4, 2, 2]
    assert history.logged_epochs["val_loss"] == [1, 3]


def test_validation_freq_list_and_errors():
    x, y = data()
    history = model().fit(x, y, epochs=4, verbose=0, validation_split=0.25,
                          validation_freq=[1, 4])
    assert history.logged_epochs["val_loss"] == [0, 3]
    with pytest.raises(ValueError, match="validation_freq"):
        model().fit(x, y, epochs=2, verbose=0, validation_split=0.25, validation_freq=0)


def test_validation_batch_size_is_honored(monkeypatch):
    x, y = data()
    xv, yv = data(n=20, seed=1)
    for kwargs, expected, for_generator in (({"validation_batch_size": 8}, [8, 8, 4], [8, 8, 4]),
                                            ({}, [16, 4], [20])):
        m = model()
        sizes = []
        test_batch = m._test_batch

        def record(xb, ys, sws, test_batch=test_batch, sizes=sizes):
            sizes.append(len(xb))
            return test_batch(xb, ys, sws)

        monkeypatch.setattr(m, "_test_batch", record)
        m.fit(x, y, batch_size=BATCH, epochs=2, verbose=0, validation_data=(xv, yv), **kwargs)
        assert sizes == expected * 2
        # with generator training data (no batch_size: validation batches default to 32)
        sizes.clear()
        m.fit(batches(x, y), steps_per_epoch=3, epochs=1, verbose=0,
              validation_data=(xv, yv), **kwargs)
        assert sizes == for_generator


# -- evaluate and predict -------------------------------------------------------------------------
def test_evaluate_and_predict_with_generators():
    x, y = data()
    m = model()
    m.fit(x, y, epochs=1, verbose=0)
    want_eval = m.evaluate(x, y, verbose=0)
    want_pred = m.predict(x, verbose=0)
    np.testing.assert_allclose(m.evaluate(batches(x, y, forever=False), verbose=0), want_eval,
                               rtol=1e-6)
    logs = m.evaluate(Batches(x, y), verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(want_eval[0], rel=1e-6)
    np.testing.assert_allclose(m.predict(batches(x, y, forever=False), verbose=0), want_pred,
                               rtol=1e-6)
    np.testing.assert_allclose(m.predict(Batches(x, y), verbose=0), want_pred, rtol=1e-6)
    # inputs alone, as arrays or 1-tuples
    np.testing.assert_allclose(m.predict((x[i:i + 16] for i in range(0, N, 16)), verbose=0),
                               want_pred, rtol=1e-6)
    with pytest.raises(ValueError, match="needs targets"):
        m.evaluate((x[i:i + 16],) for i in range(0, N, 16))


def test_evaluate_and_predict_steps():
    x, y = data()
    m = model()
    gen = batches(x, y)  # endless: steps says where to stop
    np.testing.assert_allclose(m.evaluate(gen, steps=2, verbose=0),
                               m.evaluate(x[:32], y[:32], verbose=0), rtol=1e-6)
    assert next(gen)[0].shape == (8, FEATURES)  # the next batch is the third
    np.testing.assert_allclose(m.predict(Batches(x, y), steps=2, verbose=0),
                               m.predict(x[:32], verbose=0), rtol=1e-6)
    with pytest.warns(keras.KerasliteWarning, match="steps=5 asks for more batches"):
        m.evaluate(Batches(x, y), steps=5, verbose=0)


def test_progress_bar_shows_unknown_then_the_count(monkeypatch, capsys):
    import keraslite.display.progbar as progbar

    monkeypatch.setattr(progbar, "is_terminal", lambda stream: True)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("NO_COLOR", "1")
    x, y = data()
    m = model()
    m.fit(batches(x, y, forever=False), epochs=1, verbose=1)
    out = capsys.readouterr().out
    assert "      1/Unknown" in out
    assert out.rstrip().split("\r")[-1].startswith("3/3 ━")
    m.predict(batches(x, y, forever=False), verbose=1)
    assert capsys.readouterr().out.rstrip().split("\r")[-1].startswith("3/3 ━")


def test_plain_output_prints_one_counted_line(capsys):
    x, y = data()
    model().fit(batches(x, y, forever=False), epochs=1, verbose=1)
    out = capsys.readouterr().out
    assert "\r" not in out and out.startswith("3/3 ━")


# -- plot_history ---------------------------------------------------------------------------------
def fitted_history():
    x, y = data()
    xv, yv = data(n=24, seed=1)
    return model().fit(x, y, epochs=4, verbose=0, validation_data=(xv, yv), validation_freq=2)


def test_plot_history_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    history = fitted_history()
    path = tmp_path / "history.png"
    fig = keras.utils.plot_history(history, filename=str(path), title="run")
    try:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        axes = [ax for ax in fig.axes if ax.get_visible()]
        assert [ax.get_title() for ax in axes] == ["loss", "mae"]
        train, val = axes[0].get_lines()
        assert list(train.get_xdata()) == [1, 2, 3, 4]
        assert list(val.get_xdata()) == [2, 4]  # validation_freq=2
        np.testing.assert_allclose(val.get_ydata(), history.history["val_loss"])
        assert [t.get_text() for t in axes[0].get_legend().get_texts()] == \
            ["training", "validation"]
    finally:
        plt.close(fig)
    # the model, a plain dict, a choice of metrics
    fig = keras.utils.plot_history(history.model, metrics="mae")
    assert [ax.get_title() for ax in fig.axes] == ["mae"]
    plt.close(fig)
    fig = keras.utils.plot_history(dict(history.history))
    assert list(fig.axes[0].get_lines()[1].get_xdata()) == [2, 4]
    plt.close(fig)
    with pytest.raises(ValueError, match="holds no \\['accuracy'\\]"):
        keras.utils.plot_history(history, metrics=["accuracy"])
    with pytest.raises(ValueError, match="empty"):
        keras.utils.plot_history({})
    with pytest.raises(ValueError, match="call fit"):
        keras.utils.plot_history(model())


def test_plot_history_without_matplotlib(monkeypatch):
    history = fitted_history()
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install keraslite\[plot\]"):
        keras.utils.plot_history(history)


def test_import_keraslite_does_not_import_matplotlib():
    import subprocess

    code = "import keraslite, sys; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_history_records_epochs_of_each_value():
    history = fitted_history()
    assert history.logged_epochs["loss"] == [0, 1, 2, 3]
    assert history.logged_epochs["val_mae"] == [1, 3]
