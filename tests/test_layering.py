"""The floors of the house: keraslite's packages import one way, lower floors never higher.

Every module under ``src/keraslite`` is parsed with :mod:`ast` (nothing is imported), and every
``import`` of a keraslite module, at module level or inside a function (or named in a lazy
loader: ``LazyModule``, ``lazy_attributes``, ``importlib.import_module``), is an edge from the
importing package to the imported one. A package may import its own floor or lower ones only.
The floors, lowest first:

0. ``_version``, ``naming``, ``tree``, ``lazy``, ``registry_utils``: plain Python helpers.
1. ``backend``, ``config``: the array module, float type, RNG, device.
2. ``autodiff``: Tensor/Variable, the tape, gradient checks.
3. ``ops`` and the small function families built on them (``activations``, ``initializers``,
   ``constraints``, ``regularizers``, ``random``). Ops never import layers: layers register
   their symbolic handler with ``ops.dispatch``.
4. ``losses``; 5. ``metrics`` (metrics wrap losses); 6. ``optimizers``.
7. ``saving``: the registry of known classes, and the formats that write and rebuild any
   registered object through ``get_config`` / ``from_config`` and its variables. It knows no
   layer or model class: ``keraslite.layers`` registers the few it treats specially
   (``saving.registry.register_layer_types``), a model says what its weights file walks
   (``_saving_attributes``), and ``Model.save`` calls it. Layers that hold layers (RNN
   cells, Bidirectional) serialize them with it.
8. ``layers``.
9. ``display``: progress bar, summary table.
10. ``callbacks``; 11. ``diagnostics`` (its gradient monitor is a callback).
12. ``training``: data adapters, steps, the engine; 13. ``distribution``.
14. ``models``: Model inherits the trainer; Sequential, Functional.
15. the front doors, which may use everything: ``utils``, ``export``, ``compat``,
    ``wrappers``, ``applications``, ``datasets``, ``preprocessing``, the package root and
    ``__main__``.

A justified exception goes in ``ALLOWED`` below, with its reason. Run this file to print the
package graph's strongly connected components and the count of function-level imports.
"""

from __future__ import annotations

import ast
import collections
import functools
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1] / "src" / "keraslite"

FLOORS: list[tuple[str, ...]] = [
    ("_version", "naming", "tree", "lazy", "registry_utils"),
    ("backend", "config"),
    ("autodiff",),
    ("ops", "activations", "initializers", "constraints", "regularizers", "random"),
    ("losses",),
    ("metrics",),
    ("optimizers",),
    ("saving",),
    ("layers",),
    ("display",),
    ("callbacks",),
    ("diagnostics",),
    ("training",),
    ("distribution",),
    ("models",),
    ("utils", "export", "compat", "wrappers", "applications", "datasets", "preprocessing",
     "__init__", "__main__"),
]

# (importing file relative to src/keraslite, imported package): the one explicit list of
# upward imports that are allowed, each with its reason. Keep it short.
ALLOWED: dict[tuple[str, str], str] = {
    # keraslite.callbacks.GradientNormLogger, served lazily: the class is a diagnostics tool
    # (gradient norms on a probe batch) built on the Callback base.
    ("callbacks/__init__.py", "diagnostics"): "public name of a diagnostics callback",
    # Model.export hands the model to the optional ONNX exporter (the onnx extra), on call.
    ("models/model_saving.py", "export"): "Model.export",
    # A deserialized lambda runs with the public package as its globals (keras = keraslite).
    ("saving/python_code.py", "__init__"): "lambda globals",
}

FLOOR_OF = {package: level for level, names in enumerate(FLOORS) for package in names}


def _package_of(relative: pathlib.PurePath) -> str:
    first = relative.parts[0]
    return first[:-3] if first.endswith(".py") else first


def _module_name(relative: pathlib.PurePath) -> list[str]:
    parts = ["keraslite", *relative.with_suffix("").parts]
    return parts[:-1] if parts[-1] == "__init__" else parts


def _target_package(dotted: str) -> str | None:
    """The top-level keraslite package a dotted module name lives in (None: not keraslite)."""
    parts = dotted.split(".")
    if parts[0] != "keraslite":
        return None
    if len(parts) == 1:
        return "__init__"
    name = parts[1]
    if not name:
        return None
    if (ROOT / name).is_dir() or (ROOT / f"{name}.py").is_file():
        return name
    return "__init__"                  # a name defined in keraslite/__init__.py


_LAZY_LOADERS = {"LazyModule", "lazy_attributes", "_lazy_attributes", "import_module"}


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


@functools.lru_cache(maxsize=1)
def iter_imports() -> list[tuple[str, int, bool, str, str]]:
    """Every ``(file, line, in_function, importing package, imported package)`` edge."""
    return list(_walk_imports())


def _walk_imports():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        package = _package_of(relative)
        module = _module_name(relative)
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        stack: list[tuple[ast.AST, bool]] = [(tree, False)]
        while stack:
            node, in_function = stack.pop()
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = module if is_package else module[:-1]
                    base = base[:len(base) - (node.level - 1)]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                # ``from keraslite import ops`` imports the submodule keraslite.ops.
                targets = [f"{prefix}.{alias.name}" for alias in node.names] \
                    if prefix == "keraslite" or not node.module else [prefix]
            elif isinstance(node, ast.Call) and _callee(node) in _LAZY_LOADERS:
                # An import in disguise: LazyModule("keraslite.x"), a lazy_attributes table,
                # importlib.import_module("keraslite.x"). It runs later, like a function's.
                targets = [c.value for c in ast.walk(node) if isinstance(c, ast.Constant)
                           and isinstance(c.value, str) and c.value.startswith("keraslite.")]
            for target in targets:
                imported = _target_package(target)
                if imported is not None and imported != package:
                    yield (str(relative), node.lineno, in_function or isinstance(node, ast.Call),
                           package, imported)
            inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                     ast.Lambda))
            stack.extend((child, inner) for child in ast.iter_child_nodes(node))


def test_every_package_has_a_floor():
    packages = {_package_of(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")}
    missing = sorted(packages - FLOOR_OF.keys())
    assert not missing, f"give these packages a floor in FLOORS: {missing}"


def test_imports_run_down_the_floors():
    offending = []
    used = set()
    for file, line, in_function, package, imported in iter_imports():
        if FLOOR_OF[imported] <= FLOOR_OF[package]:
            continue
        if (file, imported) in ALLOWED:
            used.add((file, imported))
            continue
        where = "inside a function" if in_function else "at module level"
        offending.append(f"src/keraslite/{file}:{line}: {package} (floor {FLOOR_OF[package]}) "
                         f"imports {imported} (floor {FLOOR_OF[imported]}) {where}")
    assert not offending, "upward imports:\n" + "\n".join(offending)
    stale = sorted(set(ALLOWED) - used)
    assert not stale, f"ALLOWED lists imports that no longer exist: {stale}"


def strongly_connected_components(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the package cycles (components of more than one package)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in list(graph):
        if v not in index:
            visit(v)
    return found


def test_no_package_cycles():
    """With the ALLOWED exceptions set aside, no two packages import each other (the front
    doors on the top floor excepted: they are leaves that nothing below uses).
    """
    graph: dict[str, set[str]] = collections.defaultdict(set)
    for file, _, _, package, imported in iter_imports():
        if (file, imported) not in ALLOWED:
            graph[package].add(imported)
    top = set(FLOORS[-1])
    cycles = [c for c in strongly_connected_components(graph) if not set(c) <= top]
    assert not cycles, f"package cycles: {cycles}"


def test_moved_modules_keep_their_old_import_paths():
    """Code moved down a floor stays importable (and is the same object) at its old path."""
    import keraslite
    from keraslite.backend import distribute
    from keraslite.diagnostics import DiagnosticError
    from keraslite.diagnostics.sequence_checks import embedding_ids_error
    from keraslite.display import summary
    from keraslite.layers.embedding import embedding_ids_error as moved_error
    from keraslite.naming import DiagnosticError as moved
    from keraslite.training import distribute as old_distribute
    from keraslite.utils import summary as old_summary
    from keraslite.utils.summary import print_summary

    assert old_distribute is distribute and old_summary is summary
    assert print_summary is summary.print_summary and keraslite.utils.print_summary is print_summary
    assert DiagnosticError is moved and embedding_ids_error is moved_error
    assert keraslite.__version__ == keraslite.version()


if __name__ == "__main__":      # a report: cycles and function-level imports
    every: dict[str, set[str]] = collections.defaultdict(set)
    kept: dict[str, set[str]] = collections.defaultdict(set)
    functional = 0
    for file, _, in_function, package, imported in iter_imports():
        if "__init__" not in (package, imported):      # the root imports everything
            every[package].add(imported)
        if (file, imported) not in ALLOWED:
            kept[package].add(imported)
        functional += in_function
    print("package cycles:", strongly_connected_components(every))
    print("package cycles without ALLOWED:", strongly_connected_components(kept))
    print("function-level imports of another package:", functional)
    if "-v" in sys.argv:
        for file, line, in_function, package, imported in iter_imports():
            if FLOOR_OF[imported] > FLOOR_OF[package]:
                print(f"  {file}:{line} {package} -> {imported}{' (fn)' if in_function else ''}")
