"""Production settings: `check --deploy` is clean with the documented variables, run as an
operator would, in a process of its own; and every page carries a Content-Security-Policy."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

# What the README's Production section sets.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k7#Vq2!pL9zR4t$Xw8eN1mB6cY3uH5jD0fG-aS+oI=lK_vT*rE",
    "ALLOWED_HOSTS": "tanjai.pwa.co.th",
    "DATABASE_URL": "postgres://tanjai@db.invalid:5432/tanjai",
    "HTTPS": "true",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
}


def deploy_check(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "TANJAI_DATA_DIR": str(tmp_path / "var"),
        **environment,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check(tmp_path):
    result = deploy_check(tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_https_the_check_names_what_is_missing(tmp_path):
    """The same check fails loudly when the HTTPS settings are left out."""
    environment = {k: v for k, v in PRODUCTION.items() if k != "HTTPS"}
    result = deploy_check(tmp_path, **environment)
    assert result.returncode != 0
    found = set(re.findall(r"security\.W\d+", result.stdout + result.stderr))
    assert found == {"security.W004", "security.W008", "security.W012", "security.W016"}


def test_https_settings_come_from_the_environment(tmp_path):
    code = (
        "import django, json; from django.conf import settings; django.setup();"
        "print(json.dumps([settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE,"
        " settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS,"
        " settings.SECURE_PROXY_SSL_HEADER, settings.SECURE_REDIRECT_EXEMPT]))"
    )

    def read(**environment: str) -> str:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "TANJAI_DATA_DIR": str(tmp_path / "var"),
            "DJANGO_SETTINGS_MODULE": "tanjai.settings",
            **environment,
        }
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    # The embedded default is served over plain HTTP on one's own machine.
    assert read() == '[false, false, false, 0, null, ["^healthz$"]]'
    assert read(**PRODUCTION) == (
        '[true, true, true, 31536000, ["HTTP_X_FORWARDED_PROTO", "https"], ["^healthz$"]]'
    )
    assert read(**PRODUCTION, SECURE_HSTS_SECONDS="3600", SECURE_SSL_REDIRECT="false") == (
        '[false, true, true, 3600, ["HTTP_X_FORWARDED_PROTO", "https"], ["^healthz$"]]'
    )


@pytest.mark.django_db
def test_the_load_balancers_health_check_is_not_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/staff/login/")["Location"].startswith("https://")
