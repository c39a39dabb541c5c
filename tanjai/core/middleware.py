import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header


class ThaiFirstLocaleMiddleware:
    """Thai unless the user chose English with the switch (the language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many
    office browsers are set up in English; PWA's staff read Thai first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        api = request.path_info.startswith("/api/")
        if api:
            # Programs read the API: English messages (beside stable codes and field
            # names) unless the client asks for Thai.
            chosen = self._accepted(request) or "en"
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        if api:
            patch_vary_headers(response, ["Accept-Language"])
        translation.deactivate()
        return response

    def _accepted(self, request: HttpRequest) -> str:
        header = request.headers.get("Accept-Language", "")
        for lang, quality in parse_accept_lang_header(header):
            code = lang.split("-")[0].lower()
            if quality <= 0:
                continue
            if code in self.languages:
                return code
        return ""


class ContentSecurityPolicyMiddleware:
    """A Content-Security-Policy on every response (Django 5.2 has none of its own).

    Scripts and styles come only from our own static files (behaviours are declared with
    data-* attributes, data travels in json_script), so an injected <script> or handler
    does not run. Images may also come from the map tiles' host."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", csp_policy(settings.MAP_TILE_URL))
        return response


@lru_cache(maxsize=4)
def csp_policy(map_tile_url: str) -> str:
    images = ["'self'", "data:"]
    parts = urlsplit(map_tile_url)
    if parts.scheme and parts.netloc:
        # Leaflet's {s} (and any other placeholder) in the host stands for a subdomain.
        images.append(f"{parts.scheme}://{re.sub(r'{[^}]*}', '*', parts.netloc)}")
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())
