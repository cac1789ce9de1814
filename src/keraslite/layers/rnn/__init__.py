"""Recurrent layers: the generic RNN, SimpleRNN/LSTM/GRU, their cells, and the wrappers."""

from keraslite.layers.rnn.base import RNN as RNN
from keraslite.layers.rnn.cells import GRUCell as GRUCell
from keraslite.layers.rnn.cells import LSTMCell as LSTMCell
from keraslite.layers.rnn.cells import SimpleRNNCell as SimpleRNNCell
from keraslite.layers.rnn.cells import StackedRNNCells as StackedRNNCells
from keraslite.layers.rnn.layers import GRU as GRU
from keraslite.layers.rnn.layers import LSTM as LSTM
from keraslite.layers.rnn.layers import SimpleRNN as SimpleRNN
from keraslite.layers.rnn.wrappers import Bidirectional as Bidirectional
from keraslite.layers.rnn.wrappers import TimeDistributed as TimeDistributed
