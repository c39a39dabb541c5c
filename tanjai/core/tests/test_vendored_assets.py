"""Every vendored file a page or a style sheet names is served, under the hashed names of
collectstatic's manifest, through WhiteNoise, as in production. The pages name Leaflet's
marker images themselves: Leaflet's own guess from its style sheet's url() fails once that
url() is rewritten to a hashed name, and the map pin came out as a 404."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from tanjai.conftest import PASSWORD

PACKAGE = Path(__file__).resolve().parents[2]  # the tanjai package
STATIC = PACKAGE / "core" / "static"
PRODUCTION_STORAGE = {"BACKEND": "tanjai.core.storage.StaticStorage"}
_STATIC_TAG = re.compile(r"""\{%\s*static\s+['"]([^'"]+)['"]\s*%\}""")
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)""")
_DATA_URL = re.compile(r'data-(?:icon|icon-retina|shadow)="([^"]+)"')


def production_static(root: Path) -> override_settings:
    from django.conf import settings

    return override_settings(
        STATIC_ROOT=root, STORAGES={**settings.STORAGES, "staticfiles": PRODUCTION_STORAGE}
    )


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The static files as `tanjai collectstatic` leaves them: hashed, with a manifest."""
    root = tmp_path_factory.mktemp("static")
    with production_static(root):
        call_command("collectstatic", interactive=False, verbosity=0)
    assert (root / "staticfiles.json").exists()
    return root


@pytest.fixture
def served(collected_static: Path):
    """A client whose WhiteNoise (built on its first request) serves the collected files."""
    with production_static(collected_static):
        yield Client()


def css_references(css_name: str, text: str) -> set[str]:
    """The static names a style sheet's url()s point to, relative to the sheet."""
    names = set()
    for url in _CSS_URL.findall(text):
        if url.startswith(("#", "data:", "http:", "https:", "/")):
            continue
        names.add(posixpath.normpath(posixpath.join(posixpath.dirname(css_name), url)))
    return names


def referenced_static_names() -> set[str]:
    """Every static name written in a template, and every file a static style sheet names."""
    names: set[str] = set()
    for template in PACKAGE.glob("**/templates/**/*.html"):
        names |= set(_STATIC_TAG.findall(template.read_text(encoding="utf-8")))
    for sheet in STATIC.glob("**/*.css"):
        name = sheet.relative_to(STATIC).as_posix()
        names |= css_references(name, sheet.read_text(encoding="utf-8"))
    return names


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_every_vendored_image_and_font_is_named_by_a_page_or_a_style_sheet():
    # A file nobody names is one some script guesses the address of: Leaflet's marker
    # images were guessed from its style sheet and missed under hashed names.
    referenced = referenced_static_names()
    vendored = {
        p.relative_to(STATIC).as_posix()
        for p in (STATIC / "vendor").rglob("*")
        if p.suffix in {".png", ".svg", ".gif", ".woff2", ".woff", ".ttf"}
    }
    assert vendored, "no vendored images or fonts found"
    assert sorted(vendored - referenced) == []


def test_every_vendored_file_named_is_served_under_its_hashed_name(served):
    from django.contrib.staticfiles.storage import staticfiles_storage

    vendored = sorted(n for n in referenced_static_names() if n.startswith("vendor/"))
    assert "vendor/leaflet/images/marker-shadow.png" in vendored
    for name in vendored:
        assert (STATIC / name).is_file(), f"{name} is named but not vendored"
        url = staticfiles_storage.url(name)
        assert url != f"/static/{name}", f"{name} is not in the manifest"
        response = served.get(url)
        assert response.status_code == 200, url
        if name.endswith(".css"):
            # The sheet as served: its url()s, rewritten to hashed names, must all be served.
            sheet = body(response).decode()
            base = url.removeprefix("/static/")
            for inner in sorted(css_references(base, sheet)):
                assert served.get(f"/static/{inner}").status_code == 200, f"{url}: {inner}"


@pytest.mark.django_db
def test_the_map_pages_name_the_marker_images_and_they_are_served(served):
    portal = served.get("/").content.decode()
    assert served.login(username="chonburi_officer", password=PASSWORD)
    entry = served.get("/staff/new/").content.decode()
    for page in (portal, entry):
        urls = _DATA_URL.findall(page)
        assert len(urls) == 3, urls  # the marker, its double-resolution twin, its shadow
        for url in urls:
            assert re.search(r"\.[0-9a-f]{12}\.png$", url), url  # hashed, as in production
            assert served.get(url).status_code == 200, url
