"""The map's tile server: configured by LIEN_MAP_TILE_URL, absent by default.

Without a tile server the map page is a list with counts; with one, its page (and only its
page) lets the browser load images from that host, nothing else.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings

# The host may hold a placeholder for the server's subdomains ({s}.tile.example.org).
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def tile_url() -> str:
    """The configured tile URL template, or "" when none (or one that is not http(s))."""
    url = (settings.LIEN_MAP_TILE_URL or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or (not parts.hostname and "{" not in parts.netloc):
        return ""
    return url


def tile_source() -> str:
    """The CSP source of the tile host: scheme and host, a placeholder label becoming "*"."""
    url = tile_url()
    if not url:
        return ""
    parts = urlsplit(url)
    labels = parts.netloc.split(".")
    for index, label in enumerate(labels):
        if _PLACEHOLDER.search(label):
            # CSP allows a wildcard only as the leftmost label: everything from there on.
            labels = ["*", *labels[index + 1 :]]
            break
    return f"{parts.scheme}://{'.'.join(labels)}"


def map_csp() -> dict:
    """The site's CSP, with the tile host added to the image sources when one is set."""
    config = {directive: list(sources) for directive, sources in settings.SECURE_CSP.items()}
    source = tile_source()
    if source:
        config["img-src"] = [*config.get("img-src", []), source]
    return config
