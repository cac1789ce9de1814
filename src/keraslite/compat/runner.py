"""``keraslite run script.py [args...]``: run a Keras script as ``python script.py`` would.

The script runs as ``__main__`` with ``sys.argv = [script, *args]``, ``__file__`` set and its
folder first on ``sys.path``, with the Keras import names served by keraslite. Its exit status
and its traceback (without keraslite's own frames) are passed through.
"""

from __future__ import annotations

import builtins
import importlib.machinery
import os
import runpy
import sys
import types
from collections.abc import Sequence

from keraslite import config
from keraslite.compat import finder

_OWN_FILES = frozenset({os.path.abspath(__file__), os.path.abspath(runpy.__file__),
                        os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir,
                                                     "__main__.py"))})


_FINDER_FILE = os.path.abspath(finder.__file__)


def _exec_file(path: str) -> None:
    """Execute the source file ``path`` in a fresh ``__main__`` module, as the interpreter does."""
    with open(path, "rb") as f:
        source = f.read()
    code = compile(source, path, "exec", dont_inherit=True)
    main = types.ModuleType("__main__")
    main.__dict__.update(__file__=path, __builtins__=builtins, __cached__=None,
                         __loader__=importlib.machinery.SourceFileLoader("__main__", path))
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = main
    try:
        exec(code, main.__dict__)
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def _user_traceback(tb: types.TracebackType | None) -> types.TracebackType | None:
    """Drop the leading frames of keraslite's runner and runpy, and the trailing frames of the
    import finder (the interpreter hides its own import machinery the same way).
    """
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) in _OWN_FILES:
        tb = tb.tb_next
    last = tb
    while last is not None and last.tb_next is not None:
        if os.path.abspath(last.tb_next.tb_frame.f_code.co_filename) == _FINDER_FILE:
            last.tb_next = None
        else:
            last = last.tb_next
    return _without_library_frames(tb)


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _without_library_frames(tb: types.TracebackType | None) -> types.TracebackType | None:
    """Hide keraslite's own frames, as Keras filters its frames from tracebacks (the user's
    frames stay, also those of callbacks that keraslite called). Off after
    ``keras.config.disable_traceback_filtering()``.
    """
    if not config.is_traceback_filtering_enabled():
        return tb
    kept = []
    while tb is not None:
        if not os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(_PACKAGE_DIR):
            kept.append(tb)
        tb = tb.tb_next
    for node, following in zip(kept, kept[1:] + [None]):
        node.tb_next = following
    return kept[0] if kept else None


def _add_hint(err: BaseException) -> None:
    """Say, under an import error about a served name, that keraslite served it."""
    if not isinstance(err, ImportError) or not hasattr(err, "add_note"):
        return
    served = str(err.name or "").partition(".")[0] in finder.SERVED
    if served and "running_keras_scripts" not in str(err):
        err.add_note(
            "note: `keraslite run` serves keras and tensorflow from keraslite, which implements "
            "the core of Keras 3 and a small TensorFlow stand-in; this name is not among them. "
            "See docs/running_keras_scripts.md."
        )


def run_script(path: str, args: Sequence[str] = ()) -> int:
    """Run the Python script ``path`` with ``args`` as ``python path args...`` would.

    Args:
        path: a ``.py`` file, or a folder or zip file with a ``__main__.py``.
        args: the script's command-line arguments (``sys.argv[1:]``).

    Returns:
        The exit status: 0 when the script ends normally, 1 after an uncaught exception (its
        traceback is printed), 130 after Ctrl-C, 2 when the script cannot be opened. A
        ``sys.exit(code)`` in the script propagates as ``SystemExit``.

    """
    full = os.path.abspath(path)
    if not os.path.exists(full):
        print(f"keraslite run: can't open file {full!r}: [Errno 2] No such file or directory",
              file=sys.stderr)
        return 2
    finder.install()
    sys.argv = [path, *args]
    folder = full if os.path.isdir(full) else os.path.dirname(full)
    if sys.path:
        sys.path[0] = folder
    else:
        sys.path.append(folder)
    try:
        if os.path.isfile(full) and not full.endswith((".zip", ".pyz")):
            _exec_file(full)
        else:
            runpy.run_path(full, run_name="__main__")
    except SystemExit:
        raise
    except BaseException as err:  # noqa: BLE001 - reported as the interpreter would
        _add_hint(err)
        tb = _user_traceback(err.__traceback__)
        sys.excepthook(type(err), err.with_traceback(tb), tb)
        return 130 if isinstance(err, KeyboardInterrupt) else 1
    return 0
