"""The codes of the event log: one enumeration, each code named in Thai and English once,
and no code used anywhere (Python or templates) that the enumeration does not know."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone, translation

from tanjai.complaints.inputs import ACTION_INPUTS
from tanjai.complaints.models import Event
from tanjai.complaints.workflow import ACTIONS, PUBLIC_LABELS, ActionCode

CODES = frozenset(ActionCode.values)
SOURCE = Path(__file__).resolve().parents[2]  # the tanjai package


def _in(language: str, text: object) -> str:
    with translation.override(language):
        return str(text)


@pytest.mark.parametrize("code", ActionCode.values)
def test_every_code_is_named_in_thai(code):
    label = ActionCode(code).label
    assert _in("th", label) != _in("en", label), f"{code}: “{label}” has no Thai translation"


@pytest.mark.parametrize("code", [c for c, label in PUBLIC_LABELS.items() if label is not None])
def test_every_public_step_is_named_in_thai(code):
    label = ActionCode(code).public_label
    assert _in("th", label) != _in("en", label), f"{code}: “{label}” has no Thai translation"


def test_the_public_reading_is_decided_for_every_code():
    assert set(PUBLIC_LABELS) == set(ActionCode)


def test_the_workflow_tables_are_keyed_by_the_codes():
    assert set(ACTIONS) <= CODES
    assert all(isinstance(a.code, ActionCode) and a.code == key for key, a in ACTIONS.items())
    assert set(ACTION_INPUTS) == set(ACTIONS)


def test_an_unknown_code_has_no_label():
    with pytest.raises(ValueError):
        ActionCode("teleport").label  # noqa: B018


@pytest.mark.django_db
def test_an_unknown_code_in_the_log_is_an_error_not_a_raw_code(register):
    from tanjai.portal.services import public_timeline

    complaint = register()
    Event.objects.create(complaint=complaint, at=timezone.now(), action="teleport")
    with pytest.raises(ValueError):
        public_timeline(complaint)


@pytest.mark.django_db
def test_the_process_writes_only_known_codes(register, advance):
    advance(register(), through="close")
    assert set(Event.objects.values_list("action", flat=True)) <= CODES


# --- every code written in the source ----------------------------------------------------


def _sources() -> Iterator[Path]:
    for path in SOURCE.rglob("*.py"):
        if "tests" not in path.parts and "migrations" not in path.parts:
            yield path


def _strings(node: ast.AST) -> list[str] | None:
    """The strings of a constant or of a literal collection of constants; None otherwise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return [e.value for e in node.elts]  # type: ignore[attr-defined]
    return None


def _names_an_action(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id == "action") or (
        isinstance(node, ast.Attribute) and node.attr == "action"
    )


def _codes_in(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Strings used as action codes: `action="…"` arguments, comparisons with an `action`,
    keys of the action tables (ACTIONS[…]), and literal collections that are mostly codes
    (a table or a set of codes with one misspelt)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "add_argument":
                continue  # argparse's action="store_true"
            for kw in node.keywords:
                if kw.arg == "action" and (found := _strings(kw.value)):
                    yield from ((node.lineno, s) for s in found)
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_names_an_action(s) for s in sides):
                for side in sides:
                    yield from ((node.lineno, s) for s in _strings(side) or [])
        elif isinstance(node, ast.Subscript):
            table = node.value
            if isinstance(table, ast.Name) and "ACTION" in table.id:
                yield from ((node.lineno, s) for s in _strings(node.slice) or [])
        if isinstance(node, (ast.Set, ast.List, ast.Tuple, ast.Dict)):
            elements = node.keys if isinstance(node, ast.Dict) else node.elts
            found = _strings(ast.Tuple(elts=[e for e in elements if e is not None]))
            if found and sum(s in CODES for s in found) >= 2:
                yield from ((node.lineno, s) for s in found)


def test_every_code_in_the_python_source_is_known():
    unknown = [
        f"{path.relative_to(SOURCE.parent)}:{line}: {code!r}"
        for path in _sources()
        for line, code in _codes_in(ast.parse(path.read_text(), str(path)))
        if code not in CODES
    ]
    assert not unknown, "codes the enumeration does not know:\n" + "\n".join(unknown)


# In templates an action is `a` (or `action`) and its code `a.code`; an event's is `.action`.
_TEMPLATE_CODE = re.compile(
    r"""(?:\b(?:a|action)\.code|\.action)\s*(?:==|!=)\s*["']([^"']*)["']"""
    r"""|["']([^"']*)["']\s*(?:==|!=)\s*(?:\b(?:a|action)\.code|[\w.]+\.action)\b"""
)


def test_every_code_in_the_templates_is_known():
    unknown = [
        f"{path.relative_to(SOURCE.parent)}: {code!r}"
        for path in SOURCE.rglob("templates/**/*.html")
        for match in _TEMPLATE_CODE.finditer(path.read_text())
        for code in match.groups()
        if code is not None and code not in CODES
    ]
    assert not unknown, "codes the enumeration does not know:\n" + "\n".join(unknown)


def test_the_source_check_finds_a_misspelt_code():
    tree = ast.parse(
        'event_append(action="atach")\n'
        'if event.action in {"dispatch", "reopen"}: pass\n'
        'if e.action == "colse": pass\n'
        'ACTIONS["foward"]\n'
        'ENDED = {"mark_duplicate", "transfer_out", "mark_not_relevnt"}\n'
    )
    assert {code for _line, code in _codes_in(tree)} - CODES == {
        "atach",
        "colse",
        "foward",
        "mark_not_relevnt",
    }
    assert _TEMPLATE_CODE.search('{% if a.code == "report_fixd" %}').groups()[0] == "report_fixd"
