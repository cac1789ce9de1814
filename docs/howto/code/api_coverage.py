"""Which public names of Keras 3 keraslite serves, module by module, as a Markdown report.

    python docs/howto/code/api_coverage.py

Reads the names of real Keras 3 from keras3_names.json (written by keras3_names.py with Keras
installed), serves ``import keras`` from keraslite as ``keraslite run`` does, and checks each
name. The documentation build (docs/hooks.py) inserts the report into the differences page, so
the list follows the code.
"""

from __future__ import annotations

import importlib
import json
import warnings
from pathlib import Path

import keraslite

NAMES = Path(__file__).with_name("keras3_names.json")


def served(path: str):
    """``keras.<path>`` as keraslite serves it, or None when it is not provided."""
    try:
        return importlib.import_module(f"keras.{path}")
    except ImportError:
        return None


def provides(module, name: str) -> bool:
    try:
        getattr(module, name)
    except (AttributeError, ImportError):
        return False
    return True


def coverage() -> tuple[str, list[tuple[str, int, list[str], list[str], bool]]]:
    """``(keras version, [(module, Keras' name count, missing names, missing submodules,
    whether keraslite serves the module at all)])``."""
    recorded = json.loads(NAMES.read_text(encoding="utf-8"))
    keraslite.install_as_keras()
    try:
        warnings.simplefilter("ignore", keraslite.KerasliteDeprecationWarning)
        rows = []
        for path, entry in recorded["modules"].items():
            module = served(path)
            names, submodules = entry["names"], entry["submodules"]
            if module is None:
                rows.append((path, len(names), names, submodules, False))
                continue
            missing = [n for n in names if not provides(module, n)]
            missing_sub = [s for s in submodules if served(f"{path}.{s}") is None]
            rows.append((path, len(names), missing, missing_sub, True))
    finally:
        keraslite.uninstall_as_keras()
    return recorded["keras_version"], rows


def report() -> str:
    version, rows = coverage()
    lines = [
        f"Compared with the public names of Keras {version} (`keras.<module>.<name>`), as "
        "`import keras` under `keraslite run` (or `import keraslite as keras`) serves them. "
        "This list is computed from the code each time the site is built.",
        "",
        "| module | Keras 3 names | provided by keraslite | not provided |",
        "|---|---|---|---|",
    ]
    absent = []
    for path, count, missing, missing_sub, present in rows:
        if not present:
            absent.append(path)
            continue
        extra = f" (+ submodules {', '.join(missing_sub)})" if missing_sub else ""
        lines.append(f"| `keras.{path}` | {count} | {count - len(missing)} | "
                     f"{len(missing)}{extra} |")
    lines += ["", "Modules keraslite does not provide at all: "
              + ", ".join(f"`keras.{p}`" for p in absent) + "." if absent else "", ""]
    for path, _, missing, _, present in rows:
        if present and missing:
            lines += [f'??? note "keras.{path}: the {len(missing)} names not provided"', "",
                      "    " + ", ".join(f"`{n}`" for n in missing), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
