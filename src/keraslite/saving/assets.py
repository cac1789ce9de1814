"""Layer assets in a ``.keras`` archive: ``save_assets(dir)`` / ``load_assets(dir)``.

As in Keras 3 (``keras/src/saving/saving_lib.py``), any layer (or the model itself) that
defines ``save_assets(dir_path)`` gets a fresh directory to write files into, and those files
are stored in the archive under ``assets/<object path>/``, where the object path is the same
one that locates the object's variables in ``model.weights.h5`` (``layers/text_vectorization``,
``layers/my_layer/_lookup_layer``, ...). On loading, ``load_assets(dir_path)`` gets a directory
holding the files stored under that path (subdirectories included). So a custom layer's
vocabulary, or ``TextVectorization``'s, survives a round trip, both ways with Keras 3.

Assets are read from the archive in memory and written only into a private temporary
directory; member names were already checked to stay inside the archive.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from keraslite.saving import state

PREFIX = "assets/"


def _objects(root: Any, method: str) -> list[tuple[str, Any]]:
    return [(path, obj) for path, obj in state.saveables(root)
            if callable(getattr(obj, method, None))]


def _member_dir(path: str) -> str:
    return PREFIX + (path + "/" if path else "")


def collect_assets(root: Any) -> dict[str, bytes]:
    """``{archive member name: bytes}`` of every file that the objects' ``save_assets`` wrote."""
    members: dict[str, bytes] = {}
    for path, obj in _objects(root, "save_assets"):
        with tempfile.TemporaryDirectory(prefix="keraslite-assets-") as tmp:
            obj.save_assets(tmp)
            for folder, _, files in os.walk(tmp):
                for name in sorted(files):
                    full = os.path.join(folder, name)
                    rel = os.path.relpath(full, tmp).replace(os.sep, "/")
                    with open(full, "rb") as f:
                        members[_member_dir(path) + rel] = f.read()
    return members


def load_assets(root: Any, members: dict[str, bytes]) -> None:
    """Call each object's ``load_assets`` with a directory of its stored files."""
    for path, obj in _objects(root, "load_assets"):
        prefix = _member_dir(path)
        with tempfile.TemporaryDirectory(prefix="keraslite-assets-") as tmp:
            for name, data in members.items():
                if not name.startswith(prefix) or name.endswith("/"):
                    continue
                target = os.path.join(tmp, *name[len(prefix):].split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as f:
                    f.write(data)
            obj.load_assets(tmp)
