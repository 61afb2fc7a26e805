"""The layout shows the data's way: ingest/ below assistant/, no import cycles, no reaching
into another package's private names. Read from the source with `ast`, so a new import that
breaks a rule fails here."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("assistant", "ingest", "eval")


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


MODULES = _modules()


def _imports(path: Path, *, top_level_only: bool = False) -> list[tuple[str, list[str]]]:
    """(module imported, names taken from it) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [a.name for a in node.names]))
    return found


def _package_of(module: str) -> str:
    path = MODULES[module]
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def test_ingest_imports_nothing_from_assistant():
    offenders = [
        (name, target)
        for name, path in MODULES.items()
        if name.startswith("ingest")
        for target, _ in _imports(path)
        if target == "assistant" or target.startswith("assistant.")
    ]
    assert offenders == []


def test_no_module_takes_a_private_name_from_another_package():
    offenders = []
    for name, path in MODULES.items():
        for target, names in _imports(path):
            if target not in MODULES:
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private and _package_of(name) != _package_of(target):
                offenders.append((name, target, private))
    assert offenders == []


def test_eval_and_tests_use_no_private_attribute_of_our_objects():
    """eval/ and tests/ measure and check the product through what it offers, not its insides
    (`assistant._retrieve`, `snap._lex_to_row` were such reaches)."""
    ours = {n.rsplit(".", 1)[-1] for n in MODULES}
    offenders = []
    for path in [*(ROOT / "eval").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
                and node.attr not in ALLOWED_LIBRARY_PRIVATES
            ):
                offenders.append((path.name, node.lineno, node.attr))
        for target, names in _imports(path):
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private and target.split(".")[0] in ours | set(PACKAGES):
                offenders.append((path.name, target, private))
    assert offenders == []


# Third-party internals a test may read to check what the library stored.
ALLOWED_LIBRARY_PRIVATES = {"_collection"}


def test_module_level_imports_have_no_cycles():
    graph = {
        name: {t for t, _ in _imports(path, top_level_only=True) if t in MODULES and t != name}
        for name, path in MODULES.items()
    }
    # a package's __init__ importing its own modules is how a package is built, not a cycle
    for name in graph:
        graph[name] = {
            t
            for t in graph[name]
            if not (t.startswith(name + ".") and MODULES[name].name == "__init__.py")
        }
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []
