"""The shape of the code: no import circles, no private names across modules, no import made by a
string. Every import counts, also one inside a function (moving an import into a function hides a
circle from Python, not from a reader)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("strategy_core", "ui")


def _modules() -> dict[str, Path]:
    mods = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            mods[name] = path
    return mods


def _imports(name: str, path: Path, mods: dict[str, Path]) -> list[tuple[str, str, int]]:
    """(module imported, name taken from it or "", line) for every import of the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, "", node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            for a in node.names:
                full = f"{base}.{a.name}"
                out.append((full, "", node.lineno) if full in mods else (base, a.name, node.lineno))
    return out


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    return {name: {m for m, _, _ in _imports(name, path, mods) if m in mods and m != name}
            for name, path in mods.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_private_name_is_imported_from_another_module():
    mods = _modules()
    for path in [*(ROOT / "pages").glob("*.py"), ROOT / "app.py"]:
        mods[f"pages.{path.stem}" if path.parent.name == "pages" else "app"] = path
    taken = [f"{path.relative_to(ROOT)}:{line} takes {what} from {module}"
             for name, path in mods.items() for module, what, line in _imports(name, path, mods)
             if what.startswith("_") and not what.startswith("__") and module != name]
    assert taken == []


def test_no_private_name_of_another_module_is_used():
    """``module._helper`` is the same reach into another module's inside as importing ``_helper``."""
    used = []
    for path in [*(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")), *(ROOT / "pages").glob("*.py"),
                 ROOT / "app.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        ours = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGES):
                ours |= {a.asname or a.name for a in node.names}
            elif isinstance(node, ast.Import):
                ours |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith(PACKAGES)}
        used += [f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}" for node in ast.walk(tree)
                 if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ours
                 and node.attr.startswith("_") and not node.attr.startswith("__")]
    assert used == []


def test_no_module_is_imported_by_a_string():
    calls = []
    for path in [*(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")), *(ROOT / "pages").glob("*.py"),
                 ROOT / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and (getattr(node.func, "id", None) == "__import__"
                                               or getattr(node.func, "attr", None) == "import_module"):
                calls.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert calls == []


def test_the_readme_tree_names_every_package():
    """The tree in the README's "How it is built" lists each package of strategy_core, and names
    nothing that is not there."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tree = readme.split("## How it is built", 1)[1].split("```")[1]
    listed = {line.split()[0].split("/")[0] for line in tree.splitlines()
              if line.startswith("  ") and not line.startswith("   ") and line.split()[0].endswith("/")}
    packages = {p.parent.name for p in (ROOT / "strategy_core").glob("*/__init__.py")}
    assert listed == packages


def _module_names_of(tree: ast.Module) -> set[str]:
    """Names a module binds to modules of ours by importing them (``from strategy_core.track import
    tracking``, ``import strategy_core.x as y``)."""
    mods = _modules()
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGES):
            out |= {a.asname or a.name for a in node.names if f"{node.module}.{a.name}" in mods}
        elif isinstance(node, ast.Import):
            out |= {a.asname for a in node.names if a.asname and a.name in mods}
    return out


def test_no_module_is_reached_through_another():
    """``monitor.tracking.today_in`` works only while monitor happens to import tracking: a module
    uses what it imports itself."""
    mods = _modules()
    trees = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in mods.items()}
    imported = {name: _module_names_of(tree) for name, tree in trees.items()}
    reached = []
    for path in [*mods.values(), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bound: dict[str, str] = {}      # local name → our module it stands for
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGES):
                bound |= {a.asname or a.name: f"{node.module}.{a.name}" for a in node.names
                          if f"{node.module}.{a.name}" in mods}
        reached += [f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}" for node in ast.walk(tree)
                    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in bound and node.attr in imported.get(bound[node.value.id], set())
                    and f"{bound[node.value.id]}.{node.attr}" not in mods]
    assert reached == []


MODULE_LINES, FUNCTION_LINES = 500, 60
REASON = "Long because"


def test_modules_and_functions_are_small_or_say_why():
    """A module of more than MODULE_LINES lines, or a function of more than FUNCTION_LINES, says at
    its top (its docstring) why it is one piece: "Long because …"."""
    long = []
    for path in sorted((ROOT / "strategy_core").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        where = path.relative_to(ROOT)
        if text.count("\n") > MODULE_LINES and REASON not in (ast.get_docstring(tree) or ""):
            long.append(f"{where}: {text.count(chr(10))} lines")
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > FUNCTION_LINES and REASON not in (ast.get_docstring(node) or ""):
                    long.append(f"{where}:{node.lineno} {node.name}: {n} lines")
    assert long == []


def test_every_public_function_and_class_of_the_core_says_what_it_is():
    """A newcomer reads the core by its docstrings: every public top-level function and class has one."""
    missing = []
    for path in sorted((ROOT / "strategy_core").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        missing += [f"{path.relative_to(ROOT)}:{node.lineno} {node.name}" for node in tree.body
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                    and not node.name.startswith("_") and not ast.get_docstring(node)]
    assert missing == []
