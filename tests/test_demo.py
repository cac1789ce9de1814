"""``python -m keraslite demo``: runs, prints the results table, and writes a clean log."""

import re
import subprocess
import sys

import pytest

from keraslite.__main__ import main, run_demo

ROW = re.compile(r"^(exercise net 1|exercise net 2|sound net)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$",
                 re.MULTILINE)


def _table(text):
    return {m.group(1): tuple(float(v) for v in m.group(2, 3, 4)) for m in ROW.finditer(text)}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """One run of the demo as a user would start it, its output piped to a file."""
    log = tmp_path_factory.mktemp("demo") / "demo.log"
    with open(log, "wb") as out:
        proc = subprocess.run([sys.executable, "-m", "keraslite", "demo"], stdout=out,
                              stderr=subprocess.STDOUT, timeout=120,
                              cwd=tmp_path_factory.getbasetemp())
    return proc.returncode, log.read_bytes()


def test_demo_exits_cleanly_and_prints_the_table(demo_run):
    returncode, raw = demo_run
    text = raw.decode("utf-8")
    assert returncode == 0, text
    assert re.search(r"^network\s+precision\s+recall\s+F1$", text, re.MULTILINE), text
    table = _table(text)
    assert set(table) == {"exercise net 1", "exercise net 2", "sound net"}, text
    for name in ("exercise net 1", "exercise net 2"):
        precision, recall, f1 = table[name]
        assert recall == 1.0 and precision == pytest.approx(28 / 72, abs=1e-3)
    assert table["sound net"][2] >= 0.75
    assert "1-unit softmax" in text
    assert "Epoch 30/30" in text and "Epoch 20/20" in text  # the training display is shown
    assert "Traceback" not in text and "Warning" not in text


def test_demo_log_has_no_redraw_characters(demo_run):
    _, raw = demo_run
    assert b"\r" not in raw and b"\b" not in raw


def test_demo_is_repeatable(demo_run, capsys):
    """The same seed gives the same table, with or without the training display."""
    results = run_demo(quiet=True)
    quiet = capsys.readouterr().out
    assert "Epoch" not in quiet
    assert _table(quiet) == _table(demo_run[1].decode("utf-8"))
    assert [r[0] for r in results] == ["exercise net 1", "exercise net 2", "sound net"]


def test_cli_without_command_prints_help(capsys):
    assert main([]) == 2
    assert "demo" in capsys.readouterr().err


def test_cli_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert "keraslite" in capsys.readouterr().out
