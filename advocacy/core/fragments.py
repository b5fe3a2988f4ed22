"""Parts of a page that are the same for everyone who sees them, rendered once per worker.

A template wraps such a part in `{% call cached_fragment(key...) %}...{% endcall %}`. The key
must hold everything the part shows (the values themselves, the language, the content stamp for
goals), so a change is simply a new key and nothing is ever stale; old keys fall out when the
store is full. Per-person bits (captions, CSRF tokens) stay outside.
"""
from __future__ import annotations

from markupsafe import Markup

from advocacy.core.revision import current_stamp

LIMIT = 2048
_store: dict[tuple, Markup] = {}


def cached_fragment(*key, caller) -> Markup:
    html = _store.get(key)
    if html is None:
        html = Markup(caller())
        if len(_store) >= LIMIT:
            _store.clear()  # simpler than least-recently-used, and rare: a few posts per page
        _store[key] = html
    return html


def content_stamp() -> str | None:
    """The content stamp this request reads (courses/catalogue.py), for keys that show goals."""
    return current_stamp()


def init_app(app) -> None:
    app.jinja_env.globals.update(cached_fragment=cached_fragment, content_stamp=content_stamp)
