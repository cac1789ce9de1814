"""The sequence workloads as a plain PyTorch training loop (nn.LSTM, nn.GRU), for comparison.

Same models, data and batches as sequence_keras.py; ``first_fit_s`` covers building the model
and the first 5 batches, ``train_step_ms`` the following ones.

Usage: python sequence_torch.py WORKLOAD [--quick]
"""

from __future__ import annotations

import time

import torch
from common import (
    SEQUENCE,
    SEQUENCE_WARMUP_BATCHES,
    emit,
    quick,
    sequence_batches,
    sequence_data,
    workload_arg,
)
from torch import nn


class Net(nn.Module):
    def __init__(self, name):
        super().__init__()
        spec = SEQUENCE[name]
        self.name = name
        if name == "lstm_lm":
            self.emb = nn.Embedding(spec["vocab"], 64)
            self.rnn = nn.LSTM(64, 128, batch_first=True)
            self.out = nn.Linear(128, spec["vocab"])
        elif name == "lstm_seq":
            self.emb = nn.Embedding(spec["vocab"], 32)
            self.rnn = nn.LSTM(32, 64, batch_first=True, bidirectional=True)
            self.out = nn.Linear(128, 1)
        else:
            self.emb = None
            self.rnn = nn.GRU(1, 64, batch_first=True)
            self.out = nn.Linear(64, spec["classes"])

    def forward(self, x):
        if self.emb is not None:
            x = self.emb(x)
        _, h = self.rnn(x)
        h = h[0] if isinstance(h, tuple) else h  # (directions, batch, units)
        return self.out(torch.cat(list(h), dim=-1))


def run(name):
    torch.manual_seed(0)
    x, y = sequence_data(name)
    x = torch.from_numpy(x).long() if name != "gru_1d" else torch.from_numpy(x)
    y = torch.from_numpy(y).float() if name == "lstm_seq" else torch.from_numpy(y).long()
    batch = SEQUENCE[name]["batch"]
    loss_fn = nn.BCEWithLogitsLoss() if name == "lstm_seq" else nn.CrossEntropyLoss()

    def steps(model, opt, first, count):
        for i in range(first, first + count):
            xb, yb = x[i * batch:(i + 1) * batch], y[i * batch:(i + 1) * batch]
            opt.zero_grad()
            out = model(xb)
            loss = loss_fn(out[:, 0] if name == "lstm_seq" else out, yb)
            loss.backward()
            opt.step()
        return float(loss)

    t0 = time.perf_counter()
    model = Net(name)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    steps(model, opt, 0, SEQUENCE_WARMUP_BATCHES)
    first_fit = time.perf_counter() - t0
    count = sequence_batches(quick())
    t0 = time.perf_counter()
    steps(model, opt, SEQUENCE_WARMUP_BATCHES, count)
    return {"first_fit_s": first_fit,
            "train_step_ms": (time.perf_counter() - t0) / count * 1e3}


if __name__ == "__main__":
    emit(run(workload_arg(SEQUENCE)))
