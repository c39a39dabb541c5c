"""The house as STYLE.md draws it: no import circle between Tanjai's files, imports that only
point down the layers, imports inside functions only where a comment says why, and no write
to a complaint's state, satisfaction or files outside the workflow's door.

Read with the standard library's `ast`, without importing anything: what is checked is the
code as written, including the imports a test run would never reach."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # the directory that holds the `tanjai` package
PACKAGE = ROOT / "tanjai"

# STYLE.md's layers, bottom first. An app imports only from its own layer or below.
LAYERS: dict[str, int] = {
    "core": 0,
    "organisation": 1,
    "reference": 1,
    "accounts": 1,
    "complaints": 2,
    # Listeners: they hear of what happens to a complaint.
    "sla": 3,
    "dispatch": 3,
    "notifications": 3,
    "reports": 3,
    "improvement": 3,
    # Ways in, and the PDPA's rights, which reach every kind of data a way in keeps.
    "intake": 4,
    "channels": 4,
    "portal": 4,
    "privacy": 4,
}
FACES = 5  # the web pages, the API, the admin, the command line: thin, on top of all
TOOLS = 6  # the demo data and the test helpers
# Modules that are a face whatever app they sit in.
FACE_MODULES = frozenset(
    {
        "views",
        "queue_views",
        "api",
        "admin",
        "urls",
        "forms",
        "action_forms",
        "context",  # template context processors: what every page shows
        "management",
        "templatetags",
    }
)
TOP_LEVEL = {
    "api": FACES,
    "urls": FACES,
    "cli": FACES,
    "seed": FACES,
    "settings": FACES,
    "wsgi": FACES,
    "asgi": FACES,
    "demo": TOOLS,
    "testing": TOOLS,
}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module (tanjai.* only)
    line: int
    inside_function: bool
    why: bool  # a comment on the line or just above it


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "tests" in parts or "migrations" in parts or parts[-1] == "conftest":
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imports(known: dict[str, Path]) -> Iterator[Import]:
    for module, path in known.items():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        yield from _visit(tree, module, package, known, lines, inside=False)


def _visit(node, module, package, known, lines, *, inside) -> Iterator[Import]:
    covered = False  # a comment heads this run of imports
    for child in ast.iter_child_nodes(node):
        # Imports for the type checker only count too: they tie the files as much.
        if isinstance(child, ast.Import | ast.ImportFrom):
            covered = covered or _commented(lines, child)
            for target in _targets(child, package, known):
                if target.startswith("tanjai") and target != module:
                    yield Import(module, target, child.lineno, inside, covered)
            continue
        covered = False
        function = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
        yield from _visit(child, module, package, known, lines, inside=inside or function)


def _targets(node: ast.Import | ast.ImportFrom, package: str, known) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if (resolved := _resolve(alias.name, known)) is not None:
                yield resolved
        return
    base = node.module or ""
    if node.level:
        parts = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join(parts) + (f".{node.module}" if node.module else "")
    for alias in node.names:
        full = f"{base}.{alias.name}"
        resolved = full if full in known else _resolve(base, known)
        if resolved is not None:
            yield resolved


def _commented(lines: list[str], node: ast.stmt) -> bool:
    first, last = node.lineno, getattr(node, "end_lineno", node.lineno) or node.lineno
    if any("#" in lines[n - 1] for n in range(first, last + 1)):
        return True
    above = lines[first - 2].strip() if first >= 2 else ""
    return above.startswith("#")


def layer(module: str) -> int:
    parts = module.split(".")
    if module == "tanjai.core.forms":
        return 0  # form fields (Thai dates), used by the filter sets below the faces
    if len(parts) == 2 or parts[1] in TOP_LEVEL:
        return TOP_LEVEL.get(parts[1], FACES)
    if len(parts) > 2 and parts[2] in FACE_MODULES:
        return FACES
    return LAYERS[parts[1]]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_import_circle_between_files():
    known = modules()
    graph: dict[str, set[str]] = {m: set() for m in known}
    for imp in imports(known):
        graph[imp.source].add(imp.target)
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_every_module_has_a_layer():
    for module in modules():
        if module != "tanjai":
            layer(module)  # a KeyError names an app STYLE.md's layers do not place


def test_imports_point_down_the_layers():
    upward = sorted(
        f"{imp.source} (layer {layer(imp.source)}) imports {imp.target} "
        f"(layer {layer(imp.target)}), line {imp.line}"
        for imp in imports(modules())
        if imp.source != "tanjai"
        and imp.source.split(".")[1] != imp.target.split(".")[1]
        and layer(imp.target) > layer(imp.source)
    )
    assert upward == []


def test_imports_inside_functions_say_why():
    silent = sorted(
        f"{imp.source}:{imp.line} imports {imp.target}"
        for imp in imports(modules())
        if imp.inside_function and not imp.why
    )
    assert silent == []


# --- the door ---------------------------------------------------------------------------

# Where a complaint's state, satisfaction and files are written. Each entry says why.
DOOR = {
    # complaint_act and satisfaction_record: the row locked, an event, the listeners told.
    "tanjai/complaints/services.py",
    # The action handlers, run only by complaint_act inside its transaction.
    "tanjai/complaints/handlers.py",
    # attachment_store: a file stored with the row locked and its event (called by the door).
    "tanjai/complaints/attachments.py",
    # A new complaint is created "received" with its first event (complaint_register_event).
    "tanjai/intake/services.py",
    # The PDPA's erasure: files stripped or removed and texts replaced, each recorded in the
    # request's own log and in a redaction of the events; no state changes.
    "tanjai/privacy/anonymise.py",
}
# Names under which other models' own `status` is written (a work order's, a notice's…).
OTHER_OWNERS = re.compile(
    r"notification|notice|batch|order|action|request|run|issue|job|dsr|row|item|update",
    re.IGNORECASE,
)
FIELDS = {"status", "satisfaction"}


def door_writes(source: str) -> Iterator[tuple[int, str]]:
    """Where this source writes a complaint's state or satisfaction, or a complaint's file."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in FIELDS:
                    owner = ast.get_source_segment(source, target.value) or ""
                    if not OTHER_OWNERS.search(owner):
                        yield node.lineno, f"{owner}.{target.attr} ="
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            chain = _chain(func)
            if name in {"update", "bulk_update"} and chain[:1] == ["Complaint"]:
                keywords = {k.arg for k in node.keywords}
                named = [a.value for a in ast.walk(node) if isinstance(a, ast.Constant)]
                if keywords & FIELDS or FIELDS & set(named):
                    yield node.lineno, "Complaint update"
            if name == "Attachment":
                yield node.lineno, "Attachment(...)"
            writes = {"create", "bulk_create", "get_or_create", "update", "delete"}
            if name in writes and ("Attachment" in chain[:1] or "attachments" in chain):
                yield node.lineno, f"attachments {name}"


def _chain(node: ast.expr) -> list[str]:
    """The names along a call chain, from its root: Complaint.objects.filter(…).update
    gives ["Complaint", "objects", "filter", "update"]."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names[::-1]
        else:
            return names[::-1]


def test_no_write_to_a_complaint_outside_the_door():
    outside = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        parts = path.relative_to(ROOT).parts
        if rel in DOOR or "tests" in parts or "migrations" in parts or "demo" in parts:
            continue
        for line, what in door_writes(path.read_text(encoding="utf-8")):
            outside.append(f"{rel}:{line}: {what}")
    assert outside == []


def test_the_door_check_sees_each_kind_of_write():
    seen = [
        what
        for _line, what in door_writes(
            "complaint.status = 'closed'\n"
            "c.satisfaction = 5\n"
            "Complaint.objects.filter(pk=1).update(satisfaction=5)\n"
            "Complaint.objects.filter(pk=1).update(status='closed')\n"
            "Attachment(complaint=c)\n"
            "Attachment.objects.create(complaint=c)\n"
            "complaint.attachments.all().delete()\n"
            "notification.status = 'sent'\n"
            "WorkOrder.objects.filter(pk=1).update(status='done')\n"
        )
    ]
    assert len(seen) == 7, seen
