"""One example of every diagnostic in keraslite.diagnostics.CATALOG, in the catalogue's order.

Warnings are printed by Python as usual; errors are caught and printed, so that the script
runs to the end. docs/diagnostics.md shows each example with the message it produced.
"""
# --8<-- [start:setup]
import numpy as np

import keraslite as keras
from keraslite.diagnostics import DiagnosticError

rng = np.random.default_rng(0)
x = rng.normal(size=(40, 4)).astype("float32")   # 40 samples, 4 features
y = (x[:, 0] > 0).astype("float32")               # 0/1 labels


def network(*layers, loss="binary_crossentropy", features=4):
    """Input, then the given layers, compiled with Adam and the given loss."""
    keras.utils.clear_session()  # layer names start again at 'dense'
    keras.utils.set_random_seed(0)  # the same weights, so the same printed figures, every run
    model = keras.Sequential([keras.Input(shape=(features,)), *layers])
    model.compile(optimizer="adam", loss=loss)
    return model


Dense = keras.layers.Dense
# --8<-- [end:setup]

# --8<-- [start:one-unit-softmax]
network(Dense(8, activation="relu"), Dense(1, activation="softmax"))
# --8<-- [end:one-unit-softmax]

# --8<-- [start:binary-loss-on-unbounded-output]
network(Dense(8, activation="relu"), Dense(1, activation="relu"))
# --8<-- [end:binary-loss-on-unbounded-output]

# --8<-- [start:sigmoid-with-categorical-loss]
network(Dense(8, activation="relu"), Dense(3, activation="sigmoid"),
        loss="categorical_crossentropy")
# --8<-- [end:sigmoid-with-categorical-loss]

# --8<-- [start:sparse-loss-one-unit]
network(Dense(8, activation="relu"), Dense(1, activation="sigmoid"),
        loss="sparse_categorical_crossentropy")
# --8<-- [end:sparse-loss-one-unit]

# --8<-- [start:layers-after-output]
network(Dense(8, activation="relu"), Dense(3, activation="softmax"), Dense(3), loss="mse")
# --8<-- [end:layers-after-output]

# --8<-- [start:input-shape-includes-samples]
keras.utils.clear_session()
model = keras.Sequential([keras.Input(shape=x.shape), Dense(1, activation="sigmoid")])
try:
    model.predict(x, verbose=0)   # Input(shape=(40, 4)): the 40 samples are not a feature axis
except DiagnosticError as error:
    print(f"DiagnosticError: {error}")
# --8<-- [end:input-shape-includes-samples]

# --8<-- [start:sequence-length-mismatch]
def text_model(*first, maxlen=100, mask_zero=False, flatten=False):
    """An Embedding (ids 0..19) averaged over time (or flattened), then a sigmoid score."""
    keras.utils.clear_session()
    reduce = keras.layers.Flatten() if flatten else keras.layers.GlobalAveragePooling1D()
    model = keras.Sequential([*first, keras.layers.Embedding(20, 8, mask_zero=mask_zero),
                              reduce, Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


texts = [rng.integers(1, 20, size=n).tolist() for n in rng.integers(3, 40, size=40)]
labels = rng.integers(0, 2, size=40)
model = text_model(keras.Input(shape=(100,)), flatten=True)  # reads exactly 100 ids
try:
    model.fit(keras.utils.pad_sequences(texts, maxlen=50), labels, verbose=0)
except DiagnosticError as error:
    print(f"DiagnosticError: {error}")
# --8<-- [end:sequence-length-mismatch]

# --8<-- [start:padded-length-changed]
model = text_model(keras.Input(shape=(None,)))  # any length
model.fit(keras.utils.pad_sequences(texts, maxlen=40), labels, verbose=0)
model.predict(keras.utils.pad_sequences(texts, maxlen=400), verbose=0)
# --8<-- [end:padded-length-changed]

# --8<-- [start:nan-in-data]
x_with_nan = x.copy()
x_with_nan[0, 1] = np.nan
try:
    network(Dense(1, activation="sigmoid")).fit(x_with_nan, y, verbose=0)
except DiagnosticError as error:
    print(f"DiagnosticError: {error}")
# --8<-- [end:nan-in-data]

# --8<-- [start:binary-labels-out-of-range]
try:
    network(Dense(1, activation="sigmoid")).fit(x, y + 1, verbose=0)  # labels 1 and 2
except DiagnosticError as error:
    print(f"DiagnosticError: {error}")
# --8<-- [end:binary-labels-out-of-range]

# --8<-- [start:categorical-integer-labels]
try:
    network(Dense(3, activation="softmax"), loss="categorical_crossentropy").fit(
        x, y.astype(int), verbose=0)
except DiagnosticError as error:
    print(f"DiagnosticError: {error}")
# --8<-- [end:categorical-integer-labels]

# --8<-- [start:sparse-labels-out-of-range]
try:
    network(Dense(3, activation="softmax"), loss="sparse_categorical_crossentropy").fit(
        x, y * 3, verbose=0)                                          # labels 0 and 3
except DiagnosticError as error:
    print(f"DiagnosticError: {error}")
# --8<-- [end:sparse-labels-out-of-range]

# --8<-- [start:unscaled-inputs]
network(Dense(8, activation="sigmoid"), Dense(1, activation="sigmoid")).fit(
    x * [1, 400, 1, 1], y, epochs=1, verbose=0)       # the second feature reaches ~1000
# --8<-- [end:unscaled-inputs]

# --8<-- [start:mostly-padding]
model = text_model()
model.fit(keras.utils.pad_sequences(texts, maxlen=500), labels, verbose=0)  # texts of 3..39 ids
# --8<-- [end:mostly-padding]

# --8<-- [start:validation-options-without-data]
network(Dense(1, activation="sigmoid")).fit(x, y, validation_batch_size=8, verbose=0)
# --8<-- [end:validation-options-without-data]

# --8<-- [start:nan-loss]
keras.utils.clear_session()
model = keras.Sequential([keras.Input(shape=(4,)), Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=10.0), loss="mse")
history = model.fit(x * 100, y, epochs=20, verbose=0)   # far too large a step
print("epochs run:", len(history.history["loss"]))
# --8<-- [end:nan-loss]

# --8<-- [start:embedding-id-out-of-range]
word_index = {"the": 1, "cat": 2, "sat": 3}     # ids from 1, so the largest is len(word_index)
keras.utils.clear_session()
model = keras.Sequential([keras.Input(shape=(3,)),
                          keras.layers.Embedding(input_dim=len(word_index), output_dim=4),
                          keras.layers.Flatten(), Dense(1, activation="sigmoid")])
try:
    model.predict(np.array([[1, 2, 3]]), verbose=0)
except DiagnosticError as error:
    print(f"DiagnosticError: {error}")
# --8<-- [end:embedding-id-out-of-range]

# --8<-- [start:rnn-return-sequences-output]
keras.utils.clear_session()
model = keras.Sequential([keras.Input(shape=(5, 2)),               # 5 time steps, 2 features
                          keras.layers.LSTM(4, return_sequences=True),
                          Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
try:
    model.fit(np.zeros((4, 5, 2)), np.zeros(4), verbose=0)        # one label per sample
except DiagnosticError as error:
    print(f"DiagnosticError: {error}")
# --8<-- [end:rnn-return-sequences-output]

# --8<-- [start:vanishing-gradients]
x10 = rng.normal(size=(256, 10)).astype("float32")
y10 = (x10[:, :3].sum(axis=1) > 0).astype("float32")
deep = network(*[Dense(16, activation="sigmoid") for _ in range(6)],
               Dense(1, activation="sigmoid"), features=10)
deep.fit(x10, y10, epochs=4, verbose=0)
# --8<-- [end:vanishing-gradients]
