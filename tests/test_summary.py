"""``Model.summary()`` prints what Keras 3 prints, character for character.

The expected texts below were printed by Keras 3.15 (JAX backend) with stdout not a terminal
and ``COLUMNS`` set, for the same models built the same way (same layer names).
"""

import numpy as np
import re

import pytest

import keraslite as keras
from keraslite.utils import summary as summary_module
from keraslite.utils.summary import print_summary


def _lines(*lines: str) -> str:
    return "\n".join(lines) + "\n"


class MySum(keras.layers.Layer):
    def call(self, inputs):
        return inputs[0] + inputs[1]


class Twin(keras.layers.Layer):
    def call(self, x):
        return [x, x * 2.0]


@pytest.fixture
def columns(monkeypatch):
    """Set the terminal width the summary sees (Keras reads $COLUMNS too); plain output."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)

    def set_columns(n: int) -> None:
        monkeypatch.setenv("COLUMNS", str(n))

    return set_columns


def _summary(capsys, model, **kwargs) -> str:
    capsys.readouterr()
    model.summary(**kwargs)
    return capsys.readouterr().out


def sequential_9_20_10_1():
    L = keras.layers
    return keras.Sequential([keras.Input(shape=(9,)), L.Dense(20, activation="sigmoid"),
                             L.Dense(10, activation="relu"), L.Dense(1)])


def two_inputs_shared_dense(merge: bool):
    L = keras.layers
    a = keras.Input(shape=(9,))
    b = keras.Input(shape=(9,))
    shared = L.Dense(16, activation="relu")
    ha, hb = shared(a), shared(b)
    if merge:
        c = MySum()([ha, hb])
        return keras.Model(inputs=[a, b], outputs=[L.Dense(1, activation="sigmoid")(c),
                                                   L.Dense(3, activation="softmax")(c)])
    return keras.Model(inputs=[a, b], outputs=[L.Dense(1)(ha), L.Dense(3)(hb)])


SEQ_80 = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 20)             │           200 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │           210 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_2 (Dense)                 │ (None, 1)              │            11 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 421 (1.64 KB)
 Trainable params: 421 (1.64 KB)
 Non-trainable params: 0 (0.00 B)
"""

SEQ_120 = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
│ dense (Dense)                        │ (None, 20)                  │             200 │
├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
│ dense_1 (Dense)                      │ (None, 10)                  │             210 │
├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
│ dense_2 (Dense)                      │ (None, 1)                   │              11 │
└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘
 Total params: 421 (1.64 KB)
 Trainable params: 421 (1.64 KB)
 Non-trainable params: 0 (0.00 B)
"""

SEQ_28 = _lines(
    'Model: "sequential"',
    '┏━━━━━━━━━┳━━━━━━━┳━━━━┓',
    '┃ Layer   ┃ Outp… ┃ P… ┃',
    '┃ (type)  ┃ Shape ┃  # ┃',
    '┡━━━━━━━━━╇━━━━━━━╇━━━━┩',
    '│ dense   │ (Non… │ 2… │',
    '│ (Dense) │ 20)   │    │',
    '├─────────┼───────┼────┤',
    '│ dense_1 │ (Non… │ 2… │',
    '│ (Dense) │ 10)   │    │',
    '├─────────┼───────┼────┤',
    '│ dense_2 │ (Non… │ 11 │',
    '│ (Dense) │ 1)    │    │',
    '└─────────┴───────┴────┘',
    ' Total params: 421 (1.64 KB)',
    ' Trainable params: 421 (1.64',
    'KB)',
    ' Non-trainable params: 0 ',
    '(0.00 B)',
)

UNBUILT_80 = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ ?                      │   0 (unbuilt) │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ ?                      │   0 (unbuilt) │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_2 (Dense)                 │ ?                      │   0 (unbuilt) │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 0 (0.00 B)
 Trainable params: 0 (0.00 B)
 Non-trainable params: 0 (0.00 B)
"""

SHARED_80 = """\
Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ input_layer         │ (None, 9)         │          0 │ -                 │
│ (InputLayer)        │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ input_layer_1       │ (None, 9)         │          0 │ -                 │
│ (InputLayer)        │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense (Dense)       │ (None, 16)        │        160 │ input_layer[0][0… │
│                     │                   │            │ input_layer_1[0]… │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_1 (Dense)     │ (None, 1)         │         17 │ dense[0][0]       │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_2 (Dense)     │ (None, 3)         │         51 │ dense[1][0]       │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 228 (912.00 B)
 Trainable params: 228 (912.00 B)
 Non-trainable params: 0 (0.00 B)
"""

MERGE_80 = """\
Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ input_layer         │ (None, 9)         │          0 │ -                 │
│ (InputLayer)        │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ input_layer_1       │ (None, 9)         │          0 │ -                 │
│ (InputLayer)        │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense (Dense)       │ (None, 16)        │        160 │ input_layer[0][0… │
│                     │                   │            │ input_layer_1[0]… │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ my_sum (MySum)      │ (None, 16)        │          0 │ dense[0][0],      │
│                     │                   │            │ dense[1][0]       │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_1 (Dense)     │ (None, 1)         │         17 │ my_sum[0][0]      │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_2 (Dense)     │ (None, 3)         │         51 │ my_sum[0][0]      │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 228 (912.00 B)
 Trainable params: 228 (912.00 B)
 Non-trainable params: 0 (0.00 B)
"""

MERGE_104 = """\
Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)                ┃ Output Shape            ┃        Param # ┃ Connected to            ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ input_layer (InputLayer)    │ (None, 9)               │              0 │ -                       │
├─────────────────────────────┼─────────────────────────┼────────────────┼─────────────────────────┤
│ input_layer_1 (InputLayer)  │ (None, 9)               │              0 │ -                       │
├─────────────────────────────┼─────────────────────────┼────────────────┼─────────────────────────┤
│ dense (Dense)               │ (None, 16)              │            160 │ input_layer[0][0],      │
│                             │                         │                │ input_layer_1[0][0]     │
├─────────────────────────────┼─────────────────────────┼────────────────┼─────────────────────────┤
│ my_sum (MySum)              │ (None, 16)              │              0 │ dense[0][0],            │
│                             │                         │                │ dense[1][0]             │
├─────────────────────────────┼─────────────────────────┼────────────────┼─────────────────────────┤
│ dense_1 (Dense)             │ (None, 1)               │             17 │ my_sum[0][0]            │
├─────────────────────────────┼─────────────────────────┼────────────────┼─────────────────────────┤
│ dense_2 (Dense)             │ (None, 3)               │             51 │ my_sum[0][0]            │
└─────────────────────────────┴─────────────────────────┴────────────────┴─────────────────────────┘
 Total params: 228 (912.00 B)
 Trainable params: 228 (912.00 B)
 Non-trainable params: 0 (0.00 B)
"""

CHAIN_80 = """\
Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ input_layer (InputLayer)        │ (None, 9)              │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 20)             │           200 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 1)              │            21 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 221 (884.00 B)
 Trainable params: 221 (884.00 B)
 Non-trainable params: 0 (0.00 B)
"""

MANY_IN_57 = """\
Model: "functional"
┏━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━┓
┃              ┃ Output      ┃  Param ┃ Connected   ┃
┃ Layer (type) ┃ Shape       ┃      # ┃ to          ┃
┡━━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━┩
│ in_0         │ (None, 2)   │      0 │ -           │
│ (InputLayer) │             │        │             │
├──────────────┼─────────────┼────────┼─────────────┤
│ in_1         │ (None, 2)   │      0 │ -           │
│ (InputLayer) │             │        │             │
├──────────────┼─────────────┼────────┼─────────────┤
│ in_2         │ (None, 2)   │      0 │ -           │
│ (InputLayer) │             │        │             │
├──────────────┼─────────────┼────────┼─────────────┤
│ in_3         │ (None, 2)   │      0 │ -           │
│ (InputLayer) │             │        │             │
├──────────────┼─────────────┼────────┼─────────────┤
│ my_sum       │ (None, 2)   │      0 │ in_0[0][0], │
│ (MySum)      │             │        │ in_1[0][0]  │
├──────────────┼─────────────┼────────┼─────────────┤
│ my_sum_1     │ (None, 2)   │      0 │ in_2[0][0], │
│ (MySum)      │             │        │ in_3[0][0]  │
├──────────────┼─────────────┼────────┼─────────────┤
│ my_sum_2     │ (None, 2)   │      0 │ my_sum[0][… │
│ (MySum)      │             │        │ my_sum_1[0… │
└──────────────┴─────────────┴────────┴─────────────┘
 Total params: 0 (0.00 B)
 Trainable params: 0 (0.00 B)
 Non-trainable params: 0 (0.00 B)
"""

TWIN_80 = """\
Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ input_layer         │ (None, 3)         │          0 │ -                 │
│ (InputLayer)        │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ twin (Twin)         │ [(None, 3),       │          0 │ input_layer[0][0] │
│                     │ (None, 3)]        │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ my_sum (MySum)      │ (None, 3)         │          0 │ twin[0][0],       │
│                     │                   │            │ twin[0][1]        │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 0 (0.00 B)
 Trainable params: 0 (0.00 B)
 Non-trainable params: 0 (0.00 B)
"""

SGD_80 = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 20)             │           200 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │           210 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_2 (Dense)                 │ (None, 1)              │            11 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 423 (1.65 KB)
 Trainable params: 421 (1.64 KB)
 Non-trainable params: 0 (0.00 B)
 Optimizer params: 2 (8.00 B)
"""

ADAM_80 = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 20)             │           200 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │           210 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_2 (Dense)                 │ (None, 1)              │            11 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 1,265 (4.94 KB)
 Trainable params: 421 (1.64 KB)
 Non-trainable params: 0 (0.00 B)
 Optimizer params: 844 (3.30 KB)
"""

TRAINABLE_80 = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━┓
┃ Layer (type)                ┃ Output Shape          ┃    Param # ┃ Trai… ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━┩
│ dense_1 (Dense)             │ (None, 20)            │        200 │   Y   │
├─────────────────────────────┼───────────────────────┼────────────┼───────┤
│ activation (Activation)     │ (None, 20)            │          0 │   -   │
├─────────────────────────────┼───────────────────────┼────────────┼───────┤
│ dense (Dense)               │ (None, 5)             │        105 │   N   │
└─────────────────────────────┴───────────────────────┴────────────┴───────┘
 Total params: 305 (1.19 KB)
 Trainable params: 200 (800.00 B)
 Non-trainable params: 105 (420.00 B)
"""

WIDE_LINE_80 = _lines(
    'Model: "my_model"',
    '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━',
    '┃ Layer (type)                                            ┃ Output Shape        ',
    '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━',
    '│ hidden (Dense)                                          │ (None, 20)          ',
    '└─────────────────────────────────────────────────────────┴─────────────────────',
    ' Total params: 200 (800.00 B)',
    ' Trainable params: 200 (800.00 B)',
    ' Non-trainable params: 0 (0.00 B)',
)

LONG_NAMES_80 = _lines(
    'Model: ',
    '"model_with_a_very_long_name_nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn',
    'nnnnnnnnnnnnnnnnnnnnnnnnnnnnn"',
    '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓',
    '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃',
    '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩',
    '│ a_really_long_layer_name_that_… │ (None, 20)             │           200 │',
    '│ (Dense)                         │                        │               │',
    '├─────────────────────────────────┼────────────────────────┼───────────────┤',
    '│ dense (Dense)                   │ (None, 4096)           │        86,016 │',
    '├─────────────────────────────────┼────────────────────────┼───────────────┤',
    '│ zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz… │ (None, 1000)           │     4,097,000 │',
    '│ (Dense)                         │                        │               │',
    '└─────────────────────────────────┴────────────────────────┴───────────────┘',
    ' Total params: 4,183,216 (15.96 MB)',
    ' Trainable params: 4,183,216 (15.96 MB)',
    ' Non-trainable params: 0 (0.00 B)',
)

SEQ_80_XTERM256 = _lines(
    '\x1b[1mModel: "sequential"\x1b[0m',
    '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓',
    '┃\x1b[1m \x1b[0m\x1b[1mLayer (type)              '
    '     \x1b[0m\x1b[1m \x1b[0m┃\x1b[1m \x1b[0m\x1b[1mOutput S'
    'hape          \x1b[0m\x1b[1m \x1b[0m┃\x1b[1m \x1b[0m\x1b[1'
    'm      Param #\x1b[0m\x1b[1m \x1b[0m┃',
    '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩',
    '│ dense (\x1b[38;5;33mDense\x1b[0m)           '
    '        │ (\x1b[38;5;45mNone\x1b[0m, \x1b[38;5;34'
    'm20\x1b[0m)             │           \x1b[38;5;'
    '34m200\x1b[0m │',
    '├─────────────────────────────────┼────────────────────────┼───────────────┤',
    '│ dense_1 (\x1b[38;5;33mDense\x1b[0m)         '
    '        │ (\x1b[38;5;45mNone\x1b[0m, \x1b[38;5;34'
    'm10\x1b[0m)             │           \x1b[38;5;'
    '34m210\x1b[0m │',
    '├─────────────────────────────────┼────────────────────────┼───────────────┤',
    '│ dense_2 (\x1b[38;5;33mDense\x1b[0m)         '
    '        │ (\x1b[38;5;45mNone\x1b[0m, \x1b[38;5;34'
    'm1\x1b[0m)              │            \x1b[38;5'
    ';34m11\x1b[0m │',
    '└─────────────────────────────────┴────────────────────────┴───────────────┘',
    '\x1b[1m Total params: \x1b[0m\x1b[38;5;34m421\x1b[0m (1.64 KB)',
    '\x1b[1m Trainable params: \x1b[0m\x1b[38;5;34m421\x1b[0m (1.64 KB)',
    '\x1b[1m Non-trainable params: \x1b[0m\x1b[38;5;34m0\x1b[0m (0.00 B)',
)


# -- Sequential -----------------------------------------------------------------------------
@pytest.mark.parametrize(("width", "expected"), [(80, SEQ_80), (120, SEQ_120), (28, SEQ_28)],
                         ids=["80", "120", "28"])
def test_sequential(capsys, columns, width, expected):
    columns(width)
    assert _summary(capsys, sequential_9_20_10_1()) == expected


def test_unbuilt_sequential(capsys, columns):
    columns(80)
    L = keras.layers
    model = keras.Sequential([L.Dense(20), L.Dense(10), L.Dense(1)])
    assert _summary(capsys, model) == UNBUILT_80
    assert not model.built


def test_functional_chain_is_sequential_like(capsys, columns):
    columns(80)
    i = keras.Input(shape=(9,))
    h = keras.layers.Dense(20)(i)
    assert _summary(capsys, keras.Model(i, keras.layers.Dense(1)(h))) == CHAIN_80


# -- Functional: "Connected to" -------------------------------------------------------------
def test_functional_two_inputs_shared_dense_two_outputs(capsys, columns):
    columns(80)
    assert _summary(capsys, two_inputs_shared_dense(merge=False)) == SHARED_80


@pytest.mark.parametrize(("width", "expected"), [(80, MERGE_80), (104, MERGE_104)],
                         ids=["80", "104"])
def test_functional_merge_wraps_and_truncates_cells(capsys, columns, width, expected):
    columns(width)
    assert _summary(capsys, two_inputs_shared_dense(merge=True)) == expected


def test_functional_many_inputs_narrow(capsys, columns):
    columns(57)
    ins = [keras.Input(shape=(2,), name=f"in_{k}") for k in range(4)]
    s1 = MySum()([ins[0], ins[1]])
    s2 = MySum()([ins[2], ins[3]])
    model = keras.Model(ins, MySum()([s1, s2]))
    assert _summary(capsys, model) == MANY_IN_57


def test_layer_with_two_outputs(capsys, columns):
    columns(80)
    i = keras.Input(shape=(3,))
    t1, t2 = Twin()(i)
    assert _summary(capsys, keras.Model(i, MySum()([t1, t2]))) == TWIN_80


# -- parameter counts -----------------------------------------------------------------------
@pytest.mark.parametrize(("optimizer", "loss", "expected"),
                         [("sgd", "mse", SGD_80), ("adam", "binary_crossentropy", ADAM_80)],
                         ids=["sgd", "adam"])
def test_optimizer_params_after_fit(capsys, columns, optimizer, loss, expected):
    columns(80)
    L = keras.layers
    model = keras.Sequential([keras.Input(shape=(9,)), L.Dense(20), L.Dense(10),
                              L.Dense(1, activation="sigmoid")])
    model.compile(loss=loss, optimizer=optimizer)
    before = _summary(capsys, model)
    assert "Optimizer params" not in before  # the optimizer is built by the first step
    model.fit(np.zeros((4, 9)), np.zeros((4, 1)), verbose=0)
    assert _summary(capsys, model) == expected


def test_show_trainable(capsys, columns):
    columns(80)
    L = keras.layers
    frozen = L.Dense(5, trainable=False)
    model = keras.Sequential([keras.Input(shape=(9,)), L.Dense(20), L.Activation("relu"),
                              frozen])
    assert _summary(capsys, model, show_trainable=True) == TRAINABLE_80


def test_readable_memory_size():
    size = summary_module.readable_memory_size
    assert size(0) == "0.00 B"
    assert size(884) == "884.00 B"
    assert size(1684) == "1.64 KB"
    assert size(671754 * 4) == "2.56 MB"


# -- widths, wrapping, cropping -------------------------------------------------------------
def test_explicit_line_length_wider_than_the_console_is_cropped(capsys, columns):
    columns(80)
    model = keras.Sequential([keras.Input(shape=(9,)), keras.layers.Dense(20, name="hidden")],
                             name="my_model")
    assert _summary(capsys, model, line_length=130) == WIDE_LINE_80


def test_long_names_wrap_and_truncate(capsys, columns):
    columns(80)
    L = keras.layers
    model = keras.Sequential([keras.Input(shape=(9,)),
                              L.Dense(20, name="a_really_long_layer_name_that_wraps_around_x"),
                              L.Dense(4096), L.Dense(1000, name="z" * 70)],
                             name="model_with_a_very_long_name_" + "n" * 80)
    assert _summary(capsys, model) == LONG_NAMES_80


def test_too_narrow_raises(capsys, columns):
    columns(20)
    with pytest.raises(ValueError, match="Insufficient console width to print summary."):
        two_inputs_shared_dense(merge=True).summary()


def test_terminal_width_comes_from_shutil(capsys, columns, monkeypatch):
    import os
    import shutil

    columns(200)  # the console is wide, but the table follows shutil.get_terminal_size
    monkeypatch.setattr(shutil, "get_terminal_size", lambda *a, **k: os.terminal_size((80, 24)))
    assert _summary(capsys, sequential_9_20_10_1()) == SEQ_80


# -- print_fn and colours -------------------------------------------------------------------
def test_print_fn_gets_the_whole_summary_once(capsys, columns):
    columns(80)
    calls = []
    print_summary(sequential_9_20_10_1(), print_fn=lambda *a, **k: calls.append((a, k)))
    assert calls == [((SEQ_80,), {})]
    assert capsys.readouterr().out == ""


def test_colours_on_a_256_colour_terminal(capsys, columns, monkeypatch):
    columns(80)
    monkeypatch.setenv("FORCE_COLOR", "1")  # capsys is no terminal; force it as one
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert _summary(capsys, sequential_9_20_10_1()) == SEQ_80_XTERM256


def test_no_color_wins(capsys, columns, monkeypatch):
    columns(80)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    out = _summary(capsys, sequential_9_20_10_1())
    assert "\x1b[38;5;" not in out  # no colours; rich, as in Keras, still makes titles bold
    assert re.sub("\x1b\\[[0-9;]*m", "", out) == SEQ_80


def test_plain_table_without_rich(capsys, columns, monkeypatch):
    """Without rich the same rows, widths and totals are drawn as a plain box table."""
    import builtins

    columns(80)
    real_import = builtins.__import__

    def no_rich(name, *args, **kwargs):
        if name == "rich" or name.startswith("rich."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_rich)
    out = _summary(capsys, sequential_9_20_10_1())
    lines = out.splitlines()
    assert lines[0] == 'Model: "sequential"' and lines[1].startswith("┏") and "Param #" in out
    assert all(len(line) == len(lines[1]) for line in lines[1:-3])
    for expected in ("dense (Dense)", "(None, 20)", "200", "Total params: 421 (1.64 KB)",
                     "Non-trainable params: 0 (0.00 B)"):
        assert expected in out
