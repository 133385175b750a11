"""The package's shape: packages by capability in one-way layers, no import circle between packages
or modules, no data module loading the command line, at most about ten modules directly in
dashboard/, a docstring on every package, and the size limits (modules <= 400 lines, page scripts
<= 120). Imports inside functions count."""

from __future__ import annotations

import ast

from conftest import ROOT

PACKAGE = ROOT / "dashboard"
MODULE_LIMIT = 400
PAGE_LIMIT = 120
TOP_LEVEL_LIMIT = 10
# Layer of every package and of the modules directly in dashboard/ (docs/development.md): a
# module imports only from its own layer or below, and packages import each other in no circle.
LAYERS = {
    1: {"core", "codebook"},
    2: {"store", "charts", "validation"},
    3: {"notify", "refiqda", "scorecards"},
    4: {"hiring", "training", "reliability", "leadership", "ingest", "ops"},
    5: {"demo", "board"},
    6: {"ui", "reports"},
    7: {"views"},
    8: {"bench"},
    # the entry points: the app's process also runs the commands handed to it (ops/command_server.py)
    9: {"cli", "cli_trainees", "cli_mail", "__main__", "app"},
}
COMMAND_LINE = {"cli", "cli_trainees", "cli_mail", "__main__", "bench", "app"}


def _name(path) -> str:
    """The module name under dashboard/ ('views.screening', 'store.db', 'cli')."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__") or "__init__"


def _imports(path) -> set[str]:
    """Every dashboard module (and argparse) this file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
            if node.module.startswith("dashboard"):
                names = [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            if name == "argparse":
                found.add("argparse")
            elif name.startswith("dashboard."):
                module = name.removeprefix("dashboard.")
                # `from dashboard.store import db` names a module; `from dashboard.core.access import Scope` a name in one
                while module and not _is_module(module):
                    module = module.rpartition(".")[0]
                found.add(module)
    return found


def _is_module(module: str) -> bool:
    path = PACKAGE.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    return {_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def _top(module: str) -> str:
    return module.split(".")[0]


def _layer(module: str) -> int:
    return next(level for level, names in LAYERS.items() if _top(module) in names)


def test_every_module_has_a_layer_and_imports_only_downwards():
    for module, imports in _graph().items():
        if module == "__init__":
            continue
        for other in imports - {"argparse"}:
            assert _layer(other) <= _layer(module), f"{module} (layer {_layer(module)}) imports {other}"


def _visit(graph: dict[str, set[str]], what: str) -> None:
    def visit(node: str, path: list[str]) -> None:
        for other in graph.get(node, ()):
            assert other not in path, f"import circle between {what}: " + " -> ".join([*path, other])
            visit(other, [*path, other])

    for node in graph:
        visit(node, [node])


def test_no_import_circle_between_modules():
    _visit({m: {i for i in deps if i != "argparse"} for m, deps in _graph().items()}, "modules")


def test_no_import_circle_between_packages():
    packages: dict[str, set[str]] = {}
    for module, imports in _graph().items():
        edges = packages.setdefault(_top(module), set())
        edges |= {_top(i) for i in imports if i != "argparse" and _top(i) != _top(module)}
    _visit(packages, "packages")


def test_only_the_command_line_imports_argparse_or_the_cli():
    for module, imports in _graph().items():
        if _top(module) not in COMMAND_LINE:
            assert not imports & {"argparse", "cli"}, f"{module} imports the command line"


def test_the_tree_shows_the_capabilities():
    top_modules = [p.name for p in PACKAGE.glob("*.py")]
    assert len(top_modules) <= TOP_LEVEL_LIMIT, f"dashboard/ holds {len(top_modules)} modules directly"
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    unplaced = packages - set().union(*LAYERS.values())
    assert not unplaced, f"packages with no layer: {unplaced}"
    for name in packages:
        doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc) > 60, f"dashboard/{name}/__init__.py says what lives there"
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name != "views" and path.name != "__main__.py":
            assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), f"{path} has a docstring"


def test_module_and_page_sizes():
    for path in PACKAGE.rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        limit = PAGE_LIMIT if path.parent.name == "views" else MODULE_LIMIT
        assert lines <= limit, f"{path.relative_to(ROOT)} has {lines} lines (limit {limit})"


def test_the_checks_see_imports_inside_functions():
    imports = _imports(PACKAGE / "cli.py")
    assert {"ingest.importer", "bench.runner", "reports"} <= imports  # imported inside functions
