"""The package's shape: one-way layers, no import circle, no data module loading the command line,
and the size limits (modules <= 400 lines, page scripts <= 120). Imports inside functions count."""

from __future__ import annotations

import ast

from conftest import ROOT

PACKAGE = ROOT / "dashboard"
MODULE_LIMIT = 400
PAGE_LIMIT = 120
# Layer of every module (README "Development"): a module imports only from its own layer or below.
LAYERS = {
    1: {"contract", "access", "pause_points", "query_files"},
    2: {
        "codebook",
        "stats",
        "agreement",
        "charts",
        "labels",
        "templates",
        "training_rules",
        "import_read",
        "import_check",
        "qdpx_archive",
        "qdpx_project",
        "qdpx_positions",
        "scorecard_rules",
        "exports",
        "derived",
        "migrations",
    },
    3: {"db", "audit"},
    4: {
        "blind",
        "people_search",
        "privacy",
        "screening",
        "training",
        "reliability",
        "overview",
        "evidence",
        "fairness",
        "users",
        "home",
        "import_write",
        "importer",
        "uploads",
        "sample",
        "qdc",
        "qdpx_maps",
        "qdpx",
        "import_qdpx",
        "passages",
        "blinding",
        "interviews",
        "scorecards",
        "sample_panels",
        "backup",
        "backup_schedule",
        "command_server",
        "notify",
    },
    5: {"reports", "signin", "navigation", "ui", "scorecard_form", "panel_ui", "admin_ui"},
    6: {"views"},
    7: {"cli", "__main__", "bench", "bench_scorecards", "bench_ops"},
    # the entry point: the app's process also runs the commands handed to it (command_server.py)
    8: {"app"},
}
COMMAND_LINE = {"cli", "__main__", "bench", "bench_scorecards", "bench_ops", "app"}


def _name(path) -> str:
    """The module name under dashboard/ ('views.screening', 'codebook', 'db')."""
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
            if node.module == "dashboard":
                names = [f"dashboard.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            if name == "argparse":
                found.add("argparse")
            elif name.startswith("dashboard."):
                found.add(name.removeprefix("dashboard."))
    return found


def _graph() -> dict[str, set[str]]:
    return {_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def _layer(module: str) -> int:
    top = module.split(".")[0]
    return next(level for level, names in LAYERS.items() if top in names)


def test_every_module_has_a_layer_and_imports_only_downwards():
    for module, imports in _graph().items():
        if module in ("__init__", "views"):
            continue
        for other in imports - {"argparse"}:
            assert _layer(other) <= _layer(module), f"{module} (layer {_layer(module)}) imports {other}"


def test_no_import_circle():
    graph = {m: {i for i in deps if i != "argparse"} for m, deps in _graph().items()}

    def visit(module: str, path: list[str]) -> None:
        for other in graph.get(module, ()):
            assert other not in path, "import circle: " + " -> ".join([*path, other])
            visit(other, [*path, other])

    for module in graph:
        visit(module, [module])


def test_only_the_command_line_imports_argparse_or_the_cli():
    for module, imports in _graph().items():
        if module not in COMMAND_LINE:
            assert not imports & {"argparse", "cli"}, f"{module} imports the command line"


def test_module_and_page_sizes():
    for path in PACKAGE.rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        limit = PAGE_LIMIT if path.parent.name == "views" else MODULE_LIMIT
        assert lines <= limit, f"{path.relative_to(ROOT)} has {lines} lines (limit {limit})"


def test_the_checks_see_imports_inside_functions():
    imports = _imports(PACKAGE / "cli.py")
    assert {"importer", "bench", "reports"} <= imports  # importer and bench are imported in functions
