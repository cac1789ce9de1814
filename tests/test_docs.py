"""The documentation site: every page's code runs, its figures come from that code, and the
site builds with ``mkdocs build --strict``.
"""

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

_spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

INCLUDE = re.compile(r'--8<-- "([^"]+?)(?::([\w-]+))?"')
FIGURE = re.compile(r"\]\((?:\.\./)*([\w/.-]*figures/[\w.-]+\.png)\)")


def pages():
    return sorted(DOCS.rglob("*.md"))


def sections(path):
    return re.findall(r"--8<-- \[start:([\w-]+)\]", path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("script,figures", [
    pytest.param(script, figures, id=script) for script, figures in generate.SCRIPTS])
def test_page_code_runs_as_it_stands(script, figures, tmp_path):
    """`python script.py` succeeds and writes the figures its page shows."""
    done = subprocess.run([sys.executable, str(DOCS / script)], cwd=tmp_path,
                          env=generate.environment(), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    for name in figures:
        assert (tmp_path / name).stat().st_size > 1000, f"{script} did not draw {name}"
        assert_same_picture(tmp_path / name, (DOCS / script).parent.parent / "figures" / name)


def assert_same_picture(drawn, committed, tolerance=0.03):
    """The committed figure is the one the code draws: same size, and at most a few percent
    of its pixels differ (rounding on another machine can move a line by a pixel; a changed
    plot moves many more).
    """
    image = pytest.importorskip("matplotlib.image")
    new, old = image.imread(drawn), image.imread(committed)
    assert new.shape == old.shape, f"{committed.name} is stale: run python docs/generate.py"
    differing = float((abs(new - old).max(axis=-1) > 0.05).mean())
    assert differing < tolerance, \
        f"{committed.name} differs from what its code draws ({differing:.1%} of the pixels): " \
        "run python docs/generate.py"


def test_every_included_section_exists():
    for page in pages():
        for target, section in INCLUDE.findall(page.read_text(encoding="utf-8")):
            path = ROOT / target
            assert path.is_file(), f"{page.name} includes the missing file {target}"
            if section:
                assert section in sections(path), \
                    f"{page.name} includes section '{section}' that {target} lacks"


def test_outputs_were_generated_from_the_current_scripts():
    """Every section of a script has its printed output (python docs/generate.py)."""
    for script, _ in generate.SCRIPTS:
        code = DOCS / script
        output = code.parent.parent / "output" / (code.stem + ".txt")
        assert output.is_file(), f"run: python docs/generate.py {code.stem}"
        assert sections(output) == sections(code), \
            f"{output.name} is stale: run python docs/generate.py {code.stem}"


def test_every_figure_on_a_page_is_drawn_by_its_code():
    drawn = {(DOCS / s).parent.parent / "figures" / f for s, figs in generate.SCRIPTS
             for f in figs}
    for page in pages():
        for ref in FIGURE.findall(page.read_text(encoding="utf-8")):
            path = (page.parent / ref).resolve()
            assert path in drawn, f"{page.name} shows {ref}, which no script in " \
                                  "docs/generate.py SCRIPTS draws"
            assert path.is_file(), f"{ref} is missing: run python docs/generate.py"
    for path in drawn:
        assert path.is_file(), f"{path.name} is not committed: run python docs/generate.py"


def test_mkdocs_build_strict(tmp_path):
    """The site builds with broken links, missing references and warnings as errors."""
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings")
    mkdocs = shutil.which("mkdocs")
    command = [mkdocs] if mkdocs else [sys.executable, "-m", "mkdocs"]
    done = subprocess.run([*command, "build", "--strict", "--site-dir", str(tmp_path / "site")],
                          cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**generate.environment(), "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr[-4000:]
    spec = importlib.util.spec_from_file_location("docs_hooks", DOCS / "hooks.py")
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    for name in hooks.public_modules():  # each has a page, written or generated
        assert (tmp_path / "site" / "reference" / name / "index.html").is_file(), name


def test_diagnostics_examples_cover_the_catalog_and_print_the_current_messages(tmp_path):
    """docs/diagnostics.md shows one example per catalogued diagnostic, with its message as
    the code gives it now (numbers aside)."""
    from keraslite.diagnostics import CATALOG

    script = DOCS / "howto" / "code" / "diagnostics.py"
    committed = DOCS / "howto" / "output" / "diagnostics.txt"
    missing = set(CATALOG) - set(sections(script))
    assert not missing, f"add examples of {sorted(missing)} to {script}"
    fresh = tmp_path / "diagnostics.txt"
    done = subprocess.run([sys.executable, str(DOCS / "generate.py"), "--sections", str(script),
                           str(fresh)], cwd=tmp_path, env=generate.environment(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr

    def masked(path):
        return re.sub(r"\d+(\.\d+)?(e[-+]\d+)?", "#", path.read_text(encoding="utf-8"))

    assert masked(fresh) == masked(committed), \
        "the diagnostics' messages changed: run python docs/generate.py diagnostics"
    for code in CATALOG:
        assert f"[keraslite:{code}]" in fresh.read_text(encoding="utf-8"), code


def test_api_coverage_report_follows_the_code():
    done = subprocess.run([sys.executable, str(DOCS / "howto" / "code" / "api_coverage.py")],
                          env=generate.environment(), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    report = done.stdout
    assert "| `keras.layers` |" in report and "| `keras.models` | 6 | 6 | 0 |" in report
    assert "`keras.applications`" in report  # not provided at all
    if '"keras.layers: the ' in report:
        layers_missing = report.split('"keras.layers: the ', 1)[1].split("\n\n", 2)[1]
        assert "`Dense`" not in layers_missing


# Pages whose python blocks are fragments (they use a model defined elsewhere), with where
# their code is tested instead. Every other page's blocks must run as they stand.
FRAGMENT_PAGES = {
    "onnx_export.md": "tests/test_export_onnx.py",
}


def inline_python_blocks():
    """``(page, first line, code)`` of every python block written on a page (not included)."""
    blocks = []
    for page in pages():
        if page.relative_to(DOCS).as_posix() in FRAGMENT_PAGES:
            continue
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r"^( *)```python\n(.*?)^\1```", text, re.S | re.M):
            code = "\n".join(line[len(match.group(1)):]
                             for line in match.group(2).splitlines())
            if "--8<--" not in code:
                blocks.append((page.relative_to(DOCS).as_posix(),
                               text[:match.start()].count("\n") + 1, code))
    return blocks


@pytest.mark.parametrize("page,line,code", [
    pytest.param(*block, id=f"{block[0]}:{block[1]}") for block in inline_python_blocks()])
def test_python_written_on_a_page_runs(page, line, code, tmp_path):
    """Code written on a page rather than included from a file also runs as it stands."""
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path,
                          env=generate.environment(), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, f"{page}:{line}\n{done.stderr}"
