"""One Markdown helper for the whole app.

Course content from content/ is trusted: Python-Markdown with a fixed set of extensions.
Anything written in the browser (posts, a policy written by the admin) is untrusted: the same
Markdown, then nh3 keeps only harmless tags and http, https and mailto links.
"""
from __future__ import annotations

import threading
from functools import lru_cache

import markdown as _markdown
import nh3
from markupsafe import Markup

EXTENSIONS = ["extra", "admonition", "sane_lists", "smarty", "toc"]
EXTENSION_CONFIGS = {"toc": {"permalink": False}}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2", "h3",
    "h4", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "div": {"class"}, "p": {"class"},
                      "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


_per_thread = threading.local()


def _converter() -> _markdown.Markdown:
    # Building a Markdown object (loading its extensions) costs more than converting a lesson, so
    # each thread keeps one and resets it between texts (they are not safe to share across threads).
    converter = getattr(_per_thread, "converter", None)
    if converter is None:
        converter = _per_thread.converter = _markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html")
    return converter


def _to_html(text: str) -> str:
    return _converter().reset().convert(text or "")


def sanitise_html(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=ALLOWED_SCHEMES,
                     link_rel="noopener noreferrer nofollow", strip_comments=True)


@lru_cache(maxsize=512)
def _rendered(text: str, trusted: bool) -> str:
    # A pure function of the text: lessons and posts are rendered once per worker, not per view.
    html = _to_html(text)
    return html if trusted else sanitise_html(html)


def render(text: str, trusted: bool = False) -> Markup:
    return Markup(_rendered(text or "", bool(trusted)))
