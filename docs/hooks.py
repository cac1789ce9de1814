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

from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page

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


# Modules that are machinery rather than API: no reference page.
INTERNAL = {"backend", "training", "lazy", "naming", "registry_utils", "__main__"}
# Lazily loaded names whose targets live in modules that have their own reference pages.
DOCUMENTED_ELSEWHERE = {"keraslite.saving": "saving.md", "keraslite.diagnostics": "diagnostics.md"}
LAZY_MARKER = "<!-- lazy-members -->"
_generated: list[str] = []


def public_modules() -> list[str]:
    """keraslite's public modules and packages, by their file names in src/keraslite/."""
    package = DOCS.parent / "src" / "keraslite"
    names = {p.stem for p in package.glob("*.py")} | {
        p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    return sorted(n for n in names if not n.startswith("_") and n not in INTERNAL)


def lazy_table(module_name: str) -> dict:
    """``{name: (module, attribute or None)}`` served by the module's lazy ``__getattr__``."""
    catalog()  # puts src/ first on sys.path
    import importlib

    hook = vars(importlib.import_module(module_name)).get("__getattr__")
    for cell in getattr(hook, "__closure__", None) or ():
        value = cell.cell_contents
        if isinstance(value, dict) and all(isinstance(v, tuple) for v in value.values()):
            return value
    return {}


def lazy_members(module_name: str) -> str:
    parts = []
    for name, (target, attribute) in sorted(lazy_table(module_name).items()):
        home = next((page for prefix, page in DOCUMENTED_ELSEWHERE.items()
                     if target == prefix or target.startswith(prefix + ".")), None)
        if home:
            parts.append(f"- `{module_name}.{name}`: see [{home[:-3]}]({home}).")
            continue
        if parts and parts[-1].startswith("- "):
            parts.append("")
        full = target if attribute is None else f"{target}.{attribute}"
        parts += [f"::: {full}", "    options:", "      show_root_full_path: true", ""]
    return "\n".join(parts)


def on_files(files, config):
    """A generated page for every public module without its own page in docs/reference/."""
    _generated.clear()
    for name in public_modules():
        uri = f"reference/{name}.md"
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(
                config, uri, content=f"# keraslite.{name}\n\n::: keraslite.{name}\n\n"
                                     f"{LAZY_MARKER}\n", inclusion=InclusionLevel.NOT_IN_NAV))
            _generated.append(uri)
    return files


def on_nav(nav, config, files):
    """Add the generated reference pages at the end of the "API reference" section."""
    section = next((item for item in nav.items
                    if isinstance(item, Section) and item.title == "API reference"), None)
    if section is None:
        if _generated:
            log.warning("no 'API reference' section in the nav for the generated pages")
        return nav
    for uri in _generated:
        page = Page(uri.split("/")[-1][:-3], files.get_file_from_path(uri), config)
        page.parent = section
        section.children.append(page)
    nav.pages = [p for p in nav.pages if p.file.src_uri not in _generated] + [
        files.get_file_from_path(uri).page for uri in _generated]
    return nav


def on_page_markdown(markdown: str, **kwargs) -> str:
    if LAZY_MARKER in markdown:
        module = re.search(r"^::: (keraslite[\w.]*)", markdown, re.M)
        markdown = markdown.replace(LAZY_MARKER, lazy_members(module.group(1)) if module else "")
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, api_coverage())
    if EXAMPLES_MARKER in markdown:
        markdown = markdown.replace(EXAMPLES_MARKER, diagnostics_examples())
    return markdown
