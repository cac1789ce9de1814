"""MkDocs hooks (mkdocs.yml ``hooks:``): pages that are computed from the code at build time.

``<!-- api-coverage -->`` on a page becomes the report of docs/howto/code/api_coverage.py:
which public names of Keras 3 keraslite provides, checked against the code being documented.

``<!-- diagnostics-examples -->`` becomes one example per entry of
``keraslite.diagnostics.CATALOG``, in the catalogue's order: the code of the section of
docs/howto/code/diagnostics.py named after the diagnostic, and the message it printed
(docs/howto/output/diagnostics.txt, written by ``python docs/generate.py diagnostics``). A
diagnostic without an example fails the (strict) build.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
MARKER = "<!-- api-coverage -->"
EXAMPLES_MARKER = "<!-- diagnostics-examples -->"
EXAMPLES = "docs/howto/code/diagnostics.py"
EXAMPLES_OUTPUT = "docs/howto/output/diagnostics.txt"
log = logging.getLogger("mkdocs.plugins.keraslite")
_cache: dict[str, str] = {}


def api_coverage() -> str:
    if "report" not in _cache:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(DOCS.parent / "src")] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep)
                                          if p])
        done = subprocess.run([sys.executable, str(DOCS / "howto" / "code" / "api_coverage.py")],
                              capture_output=True, text=True, env=env, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"docs/howto/code/api_coverage.py failed:\n{done.stderr}")
        _cache["report"] = done.stdout
    return _cache["report"]


def catalog() -> dict:
    """keraslite.diagnostics.CATALOG, from the source tree being documented."""
    src = str(DOCS.parent / "src")
    if sys.path[:1] != [src]:
        sys.path.insert(0, src)
    from keraslite.diagnostics.catalog import CATALOG

    return CATALOG


def diagnostics_examples() -> str:
    root = DOCS.parent
    have = set(re.findall(r"\[start:([\w-]+)\]", (root / EXAMPLES).read_text("utf-8")))
    printed = set(re.findall(r"\[start:([\w-]+)\]", (root / EXAMPLES_OUTPUT).read_text("utf-8")))
    parts = ["The examples share these lines:", "", "```python",
             f'--8<-- "{EXAMPLES}:setup"', "```", ""]
    for code, entry in catalog().items():
        if code not in have or code not in printed:
            log.warning(f"diagnostic '{code}' has no example: add a section '{code}' to "
                        f"{EXAMPLES} and run `python docs/generate.py diagnostics`")
            continue
        parts += [f"### Example: `{code}`", "",
                  f"{entry.summary[0].upper()}{entry.summary[1:]} ({entry.kind}, "
                  f"checked at {entry.when}).", "",
                  "```python", f'--8<-- "{EXAMPLES}:{code}"', "```", "",
                  "```text", f'--8<-- "{EXAMPLES_OUTPUT}:{code}"', "```", ""]
    return "\n".join(parts)


def on_page_markdown(markdown: str, **kwargs) -> str:
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, api_coverage())
    if EXAMPLES_MARKER in markdown:
        markdown = markdown.replace(EXAMPLES_MARKER, diagnostics_examples())
    return markdown
