"""Run the code of every documentation page and store what it produces next to the pages.

    python docs/generate.py              # every script
    python docs/generate.py neuron       # only the scripts whose path contains "neuron"

Each script listed in SCRIPTS runs in a fresh process, in a scratch folder, as a user would
run it; the PNG files it saves there are copied to its page folder's ``figures/``, where the
page shows them. The pages include the
scripts piece by piece through the snippet sections marked ``# --8<-- [start:name]`` and
``# --8<-- [end:name]``; this command runs those pieces in order in one namespace (which is
running the file from top to bottom) and writes what each piece prints, and the warnings it
gives, to ``output/<script>.txt``, in sections of the same names, which the pages include
after the code.

The committed figures and outputs are the ones this command wrote: rerun it after changing a
script. tests/test_docs.py runs every script as it stands (``python script.py``) into a
temporary folder and checks that it writes the figures listed here.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

# (script, the figures it writes), in the order of the site's navigation.
SCRIPTS: list[tuple[str, tuple[str, ...]]] = [
    ("tutorials/code/neuron.py", ("sigmoid.png", "neuron_boundary.png")),
    ("tutorials/code/backpropagation.py", ()),
    ("tutorials/code/batches.py", ("batch_sizes.png",)),
    ("tutorials/code/vanishing.py", ("gradient_norms.png", "vanishing_loss.png")),
    ("tutorials/code/titanic.py", ("titanic_accuracy.png",)),
    ("howto/code/saving.py", ()),
    ("howto/code/diagnostics.py", ()),
]

_MARKER = re.compile(r"^# --8<-- \[(start|end):([\w-]+)\]\s*$")


def environment() -> dict[str, str]:
    """The scripts' environment: keraslite from src/, matplotlib without a display."""
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src")] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return env


def pieces(source: str) -> list[tuple[str | None, str]]:
    """Split a script at its snippet markers: ``[(section name or None, code)]`` in order.

    Blank lines stand in for the lines of the other pieces, so that line numbers in
    tracebacks are the file's.
    """
    out: list[tuple[str | None, list[str]]] = [(None, [])]
    lines = source.splitlines()
    for number, line in enumerate(lines):
        match = _MARKER.match(line)
        if match:
            out.append((match.group(2) if match.group(1) == "start" else None, ["\n" * number]))
        else:
            out[-1][1].append(line + "\n")
    return [(name, "".join(code)) for name, code in out]


def run_in_sections(script: Path) -> str:
    """Run ``script`` piece by piece in this process; its output with section markers."""
    namespace = {"__name__": "__main__", "__file__": str(script)}
    text = []
    for name, code in pieces(script.read_text(encoding="utf-8")):
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            exec(compile(code, str(script), "exec"), namespace)  # noqa: S102 (our own file)
        for warning in caught:  # shown where a terminal would show them, after the output
            buffer.write(f"{warning.category.__name__}: {warning.message}\n")
        printed = buffer.getvalue()
        if name is None:
            sys.stdout.write(printed)
            if printed:
                text.append(printed)
        else:
            text.append(f"--8<-- [start:{name}]\n{printed}--8<-- [end:{name}]\n")
    return "".join(text)


def generate(script: str, figures: tuple[str, ...]) -> None:
    """Run one script in a fresh process, in a scratch folder; keep its figures and output."""
    page_dir = (DOCS / script).parent.parent
    (page_dir / "output").mkdir(exist_ok=True)
    output = page_dir / "output" / (Path(script).stem + ".txt")
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--sections", str(DOCS / script),
             str(output)], cwd=scratch, env=environment(), timeout=900)
        if done.returncode != 0:
            raise SystemExit(f"{script} failed (exit {done.returncode})")
        missing = [f for f in figures if not (Path(scratch) / f).exists()]
        if missing:
            raise SystemExit(f"{script} did not write {missing}")
        if figures:
            (page_dir / "figures").mkdir(exist_ok=True)
        for name in figures:
            shutil.copyfile(Path(scratch) / name, page_dir / "figures" / name)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--sections"]:  # the child process of generate()
        script, output = Path(argv[1]), Path(argv[2])
        output.write_text(run_in_sections(script), encoding="utf-8")
        return
    for script, figures in SCRIPTS:
        if argv and not any(s in script for s in argv):
            continue
        start = time.perf_counter()
        generate(script, figures)
        print(f"{script}: {time.perf_counter() - start:.1f} s, figures {list(figures)}")


if __name__ == "__main__":
    main(sys.argv[1:])
