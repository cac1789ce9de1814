"""``CSVLogger``: one row of logs per epoch in a CSV file."""

from __future__ import annotations

import os
from typing import Any

from keraslite.backend import distribute
from keraslite.callbacks.callback import Callback


class CSVLogger(Callback):
    """Append each epoch's logs to ``filename`` (columns: ``epoch`` then the sorted keys).

    Args:
        filename: the CSV file.
        separator: the field separator (default ``","``).
        append: keep an existing file's rows and add to it.
    """

    def __init__(self, filename: str | os.PathLike, separator: str = ",",
                 append: bool = False) -> None:
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys: list[str] | None = None
        self._file: Any = None
        self._writer: Any = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        if not distribute.is_chief():  # data-parallel hook: only the first worker writes
            self._file = None
            return
        has_rows = self.append and os.path.exists(self.filename) and \
            os.path.getsize(self.filename) > 0
        self._file = open(self.filename, "a" if self.append else "w", newline="",  # noqa: SIM115
                          encoding="utf-8")
        self._append_header = not has_rows
        self.keys = None
        self._writer = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self._file is None:
            return  # not the first worker of a data-parallel run
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            import csv

            self._writer = csv.DictWriter(self._file, fieldnames=["epoch"] + self.keys,
                                          delimiter=self.sep)
            if self._append_header:
                self._writer.writeheader()
        row = {"epoch": epoch}
        for key in self.keys:
            row[key] = logs.get(key, "NA")
        self._writer.writerow(row)
        self._file.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
