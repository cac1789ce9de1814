"""keras.datasets and keras.utils.get_file without network: fixture files in Keras' on-disk
formats, served by a local HTTP server (127.0.0.1) that each test starts, with their real
checksums put in place of Keras' (the code path is the same)."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import json
import os
import pickle
import tarfile
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest

import keraslite
from keraslite.datasets import _sources
from keraslite.utils import file_utils

R = np.random.default_rng(0)


class Server:
    """Serves the files of ``root`` on 127.0.0.1 and counts the requests per path."""

    def __init__(self, root: Path) -> None:
        hits: dict = {}

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(root), **kwargs)

            def do_GET(self):  # noqa: N802 - http.server's name
                hits[self.path] = hits.get(self.path, 0) + 1
                if self.path.startswith("/truncated/"):  # promises more than it sends
                    self.send_response(200)
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    self.wfile.write(b"x" * 1000)
                    return
                super().do_GET()

            def log_message(self, *args):
                pass

        self.hits = hits
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,),
                                       daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def served(tmp_path, monkeypatch):
    """(server, files folder): KERAS_HOME is a fresh folder; every dataset source points at
    the server with the checksum of the fixture file (None where Keras has no hash)."""
    files = tmp_path / "served"
    files.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    server = Server(files)
    sources = {}
    for name, (_, keras_hash) in _sources.SOURCES.items():
        sources[name] = (server.url + name, keras_hash and "to-be-set")
    monkeypatch.setattr(_sources, "SOURCES", sources)
    yield server, files
    server.close()


def publish(files: Path, name: str, data: bytes, algorithm: str = "sha256") -> None:
    (files / name).write_bytes(data)
    url, file_hash = _sources.SOURCES[name]
    if file_hash is not None:
        file_hash = hashlib.new(algorithm, data).hexdigest()
    _sources.SOURCES[name] = (url, file_hash)


def npz_bytes(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def objects(seqs) -> np.ndarray:
    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        out[i] = s
    return out


def tar_bytes(members: dict) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def cifar_batch(n: int, label_keys: tuple) -> tuple:
    data = R.integers(0, 256, (n, 3072)).astype(np.uint8)
    batch = {b"batch_label": b"batch", b"data": data, b"filenames": [b"f.png"] * n}
    for key in label_keys:
        batch[key.encode()] = [int(v) for v in R.integers(0, 10, n)]
    return pickle.dumps(batch, protocol=2), batch


def test_mnist_downloads_once_into_the_keras_cache(served):
    server, files = served
    x = R.integers(0, 256, (6, 28, 28)).astype(np.uint8)
    publish(files, "mnist.npz", npz_bytes(x_train=x, y_train=np.arange(6, dtype=np.uint8),
                                          x_test=x[:2], y_test=np.arange(2, dtype=np.uint8)))
    (x_train, y_train), (x_test, y_test) = keraslite.datasets.mnist.load_data()
    assert x_train.shape == (6, 28, 28) and x_train.dtype == np.uint8 and y_test.shape == (2,)
    np.testing.assert_array_equal(x_train, x)
    cached = Path(os.environ["KERAS_HOME"]) / "datasets" / "mnist.npz"
    assert cached.is_file()
    keraslite.datasets.mnist.load_data()
    assert server.hits == {"/mnist.npz": 1}  # the second call reads the cache
    assert not [p for p in cached.parent.iterdir() if p.name.endswith(".part")]


def test_fashion_mnist_idx_files(served):
    _, files = served
    images = R.integers(0, 256, (4, 28, 28)).astype(np.uint8)
    labels = np.array([3, 1, 4, 1], np.uint8)
    for prefix, n in (("train", 4), ("t10k", 2)):
        publish(files, f"{prefix}-labels-idx1-ubyte.gz",
                gzip.compress(b"\0" * 8 + labels[:n].tobytes()))
        publish(files, f"{prefix}-images-idx3-ubyte.gz",
                gzip.compress(b"\0" * 16 + images[:n].tobytes()))
    (x_train, y_train), (x_test, y_test) = keraslite.datasets.fashion_mnist.load_data()
    np.testing.assert_array_equal(x_train, images)
    np.testing.assert_array_equal(y_test, labels[:2])
    assert (Path(os.environ["KERAS_HOME"]) / "datasets" / "fashion-mnist").is_dir()


def test_cifar10_and_cifar100_from_pickled_batches(served):
    _, files = served
    members, batches = {}, []
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        raw, batch = cifar_batch(3, ("labels",))
        members[f"cifar-10-batches-py/{name}"] = raw
        batches.append(batch)
    publish(files, "cifar-10-python.tar.gz", tar_bytes(members))
    (x_train, y_train), (x_test, y_test) = keraslite.datasets.cifar10.load_data()
    assert x_train.shape == (15, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (15, 1) and y_train.dtype == np.uint8 and x_test.shape[0] == 3
    np.testing.assert_array_equal(x_train[0], batches[0][b"data"][0].reshape(3, 32, 32)
                                  .transpose(1, 2, 0))
    np.testing.assert_array_equal(y_test[:, 0], batches[-1][b"labels"])
    train, _ = cifar_batch(4, ("fine_labels", "coarse_labels"))
    test, test_batch = cifar_batch(2, ("fine_labels", "coarse_labels"))
    publish(files, "cifar-100-python.tar.gz", tar_bytes(
        {"cifar-100-python/train": train, "cifar-100-python/test": test}))
    (x_train, y_train), (x_test, y_test) = keraslite.datasets.cifar100.load_data("coarse")
    assert x_train.shape == (4, 32, 32, 3) and y_train.shape == (4, 1)
    np.testing.assert_array_equal(y_test[:, 0], test_batch[b"coarse_labels"])
    with pytest.raises(ValueError, match="label_mode"):
        keraslite.datasets.cifar100.load_data("medium")


def test_cifar_batch_with_code_in_it_is_refused(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo owned",))

    path = tmp_path / "data_batch_1"
    path.write_bytes(pickle.dumps({b"data": Evil(), b"labels": [1]}, protocol=2))
    from keraslite.datasets.cifar import load_batch

    with pytest.raises(ValueError, match="Refusing"):
        load_batch(path)


def keras_like_sequences(seqs, labels, num_words=None, skip_top=0, maxlen=None, seed=113,
                         start_char=1, oov_char=2, index_from=3):
    """Keras 3's imdb.load_data processing of one split, written out plainly (reference)."""
    idx = np.arange(len(seqs))
    np.random.RandomState(seed).shuffle(idx)
    xs = [[start_char] + [w + index_from for w in seqs[i]] for i in idx]
    ys = np.asarray(labels)[idx]
    if maxlen:
        keep = [i for i, x in enumerate(xs) if len(x) < maxlen]
        xs, ys = [xs[i] for i in keep], ys[keep]
    top = num_words or max(max(x) for x in xs)
    return [[w if skip_top <= w < top else oov_char for w in x] for x in xs], ys


def test_imdb_and_reuters_word_sequences(served):
    _, files = served
    seqs = [list(R.integers(1, 30, R.integers(2, 9))) for _ in range(10)]
    labels = R.integers(0, 2, 10)
    publish(files, "imdb.npz", npz_bytes(x_train=objects(seqs), y_train=labels,
                                         x_test=objects(seqs[:4]), y_test=labels[:4]))
    (x_train, y_train), (x_test, y_test) = keraslite.datasets.imdb.load_data(
        num_words=20, skip_top=2, maxlen=9)
    want_x, want_y = keras_like_sequences(seqs, labels, num_words=20, skip_top=2, maxlen=9)
    assert x_train.dtype == object and [list(x) for x in x_train] == want_x
    np.testing.assert_array_equal(y_train, want_y)
    publish(files, "imdb_word_index.json", json.dumps({"the": 1, "film": 2}).encode(), "md5")
    assert keraslite.datasets.imdb.get_word_index() == {"the": 1, "film": 2}
    publish(files, "reuters.npz", npz_bytes(x=objects(seqs), y=np.arange(10) % 46))
    (x_train, y_train), (x_test, y_test) = keraslite.datasets.reuters.load_data(test_split=0.3)
    assert len(x_train) == 7 and len(x_test) == 3 and y_train.dtype.kind == "i"
    want_x, _ = keras_like_sequences(seqs, labels)
    assert [list(x) for x in x_train] + [list(x) for x in x_test] == want_x
    assert len(keraslite.datasets.reuters.get_label_names()) == 46


def test_housing_splits(served):
    _, files = served
    x, y = R.random((50, 13)), R.random(50)
    publish(files, "boston_housing.npz", npz_bytes(x=x, y=y))
    (x_train, y_train), (x_test, y_test) = keraslite.datasets.boston_housing.load_data(
        test_split=0.3, seed=5)
    idx = np.arange(50)
    np.random.RandomState(5).shuffle(idx)
    np.testing.assert_array_equal(x_train, x[idx[:35]])
    np.testing.assert_array_equal(y_test, y[idx[35:]])
    publish(files, "california_housing.npz",
            npz_bytes(x=R.random((700, 8)).astype("float32"), y=R.random(700)))
    (x_train, _), (x_test, _) = keraslite.datasets.california_housing.load_data("small")
    assert x_train.shape == (480, 8) and x_test.shape == (120, 8)
    with pytest.raises(ValueError, match="test_split"):
        keraslite.datasets.boston_housing.load_data(test_split=1.0)


def test_corrupted_and_interrupted_downloads_leave_nothing(served, tmp_path):
    server, files = served
    publish(files, "mnist.npz", b"the real bytes")
    (files / "mnist.npz").write_bytes(b"tampered bytes")  # the hash no longer matches
    with pytest.raises(ValueError, match="hash"):
        keraslite.datasets.mnist.load_data()
    cache = Path(os.environ["KERAS_HOME"]) / "datasets"
    assert list(cache.iterdir()) == []
    with pytest.raises(OSError, match="truncated"):
        keraslite.utils.get_file("big.bin", server.url + "truncated/big.bin")
    assert list(cache.iterdir()) == []


def test_offline_error_names_the_file_the_url_and_where_to_put_it(served):
    server, _ = served
    server.close()
    with pytest.raises(OSError) as info:
        keraslite.datasets.boston_housing.load_data()
    message = str(info.value)
    target = os.path.join(os.environ["KERAS_HOME"], "datasets", "boston_housing.npz")
    assert "boston_housing.npz" in message and server.url in message and target in message


def test_get_file_arguments_and_safe_extraction(served, tmp_path):
    server, files = served
    (files / "a.txt").write_bytes(b"hello")
    md5 = hashlib.md5(b"hello").hexdigest()
    path = keraslite.utils.get_file(origin=server.url + "a.txt", md5_hash=md5,
                                    cache_dir=tmp_path / "c", cache_subdir="sub")
    assert path == str(tmp_path / "c" / "sub" / "a.txt")
    keraslite.utils.get_file("a.txt", server.url + "a.txt", cache_dir=tmp_path / "c",
                             cache_subdir="sub", force_download=True)
    assert server.hits["/a.txt"] == 2
    with pytest.raises(ValueError, match="fname"):
        keraslite.utils.get_file("x/a.txt", server.url + "a.txt")
    (files / "pack.tar.gz").write_bytes(tar_bytes({"pack/inside.txt": b"ok",
                                                   "../escape.txt": b"no"}))
    with pytest.warns(UserWarning, match="escape"):
        out = keraslite.utils.get_file("pack.tar.gz", server.url + "pack.tar.gz",
                                       extract=True, cache_dir=tmp_path / "c")
    assert Path(out, "pack", "inside.txt").read_bytes() == b"ok"
    assert not list(tmp_path.rglob("escape.txt"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("z/ok.txt", b"ok")
        z.writestr("../../zescape.txt", b"no")
    (files / "pack.zip").write_bytes(buf.getvalue())
    with pytest.warns(UserWarning, match="zescape"):
        out = keraslite.utils.get_file("zpack", server.url + "pack.zip", extract=True,
                                       cache_dir=tmp_path / "c")
    assert out.endswith("zpack") and Path(out, "z", "ok.txt").is_file()
    assert not list(tmp_path.rglob("zescape.txt"))
    assert file_utils.validate_file(path, md5)


def test_sources_are_keras_urls():
    for name, (url, file_hash) in _sources.SOURCES.items():
        assert url.startswith(("https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
                               "https://www.cs.toronto.edu/~kriz/")) and url.endswith(name)
        assert file_hash is None or len(file_hash) in (32, 64)
