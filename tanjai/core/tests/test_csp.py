"""A Content-Security-Policy on every page: scripts and styles only from our own files, map
tiles from MAP_TILE_URL's host, nothing framed, no plugins."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tanjai.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TANJAI = Path(__file__).resolve().parents[2]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {d[0]: d[1:] for d in directives}


def test_every_kind_of_page_carries_the_policy(client):
    pages = ["/", "/track", "/staff/login/", "/api/v1/channels", "/api/v1/docs", "/nowhere"]
    for url in pages:
        assert "Content-Security-Policy" in client.get(url), url
    client.login(username="chonburi_centre", password=PASSWORD)
    for url in ["/staff/", "/staff/queues/to_forward/", "/staff/dashboard/"]:
        assert "Content-Security-Policy" in client.get(url), url


def test_scripts_and_styles_only_from_our_own_files(client):
    rules = policy(client.get("/"))
    assert rules["script-src"] == ["'self'"]
    assert rules["style-src"] == ["'self'"]
    assert rules["default-src"] == ["'self'"]
    assert rules["object-src"] == ["'none'"] and rules["frame-ancestors"] == ["'none'"]
    assert rules["base-uri"] == ["'none'"] and rules["form-action"] == ["'self'"]


@pytest.mark.parametrize(
    ("tiles", "allowed"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tiles.pwa.example:8443/{z}/{x}/{y}.png", "https://*.tiles.pwa.example:8443"),
        ("/tiles/{z}/{x}/{y}.png", None),
    ],
)
def test_map_tiles_come_from_the_configured_host(client, settings, tiles, allowed):
    settings.MAP_TILE_URL = tiles
    images = policy(client.get("/"))["img-src"]
    assert images[:2] == ["'self'", "data:"]
    assert images[2:] == ([allowed] if allowed else [])


def test_no_template_runs_inline_script():
    """Scripts are files under static/; data for them travels in json_script or data-*."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=|\shx-on|javascript:", re.I)
    offenders = []
    for path in TANJAI.glob("**/templates/**/*.html"):
        text = path.read_text()
        for pattern in (inline_script, handler):
            offenders += [
                f"{path.relative_to(TANJAI)}: {m.group(0)}" for m in pattern.finditer(text)
            ]
        if re.search(r'\sstyle="', text) or "<style" in text:
            offenders.append(f"{path.relative_to(TANJAI)}: inline style")
    assert offenders == []
