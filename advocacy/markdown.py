"""One Markdown helper for the whole app.

Course content from content/ is trusted: Python-Markdown with a fixed set of extensions.
Anything written in the browser (posts, a policy written by the admin) is untrusted: the same
Markdown, then nh3 keeps only harmless tags and http, https and mailto links.
"""
from __future__ import annotations

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


def _to_html(text: str) -> str:
    return _markdown.markdown(text or "", extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS,
                              output_format="html")


def sanitise_html(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=ALLOWED_SCHEMES,
                     link_rel="noopener noreferrer nofollow", strip_comments=True)


def render(text: str, trusted: bool = False) -> Markup:
    html = _to_html(text)
    return Markup(html if trusted else sanitise_html(html))


def render_inline(text: str) -> Markup:
    """Untrusted text for a single line (a caption, a title): escaped, no markup at all."""
    return Markup.escape(text or "")
