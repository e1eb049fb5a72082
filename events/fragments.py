"""Pieces of the public pages that are the same for every visitor, kept in
a cache under the data *generation* of `events.feeds`.

The pieces live in each process's memory (the "fragments" cache, see
config/settings.py); the generation is read from the shared cache. Every
write to what these pieces show (actions, days of action,
organizations, sources, their links) gives a new generation, so a piece is
never served after the data under it changed: its key changes with it.
Nothing here holds state inside one process.

Why (profile of the list page at 10,000 actions, SQLite): rendering the
action cards was about 40% of the request, the filter form's 250 options
12%, the pager's exact COUNT 9% and growing with the data. A card depends
only on its action and the language, so it is rendered once per
generation, not once per visitor; the options and the count likewise.
"""

from __future__ import annotations

import functools
import hashlib
from contextvars import ContextVar

from django.core.cache import caches
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from events import selectors
from events.feeds import current_generation
from events.models import Action
from events.selectors import earliest_current_date

SECONDS = 6 * 3600


def _cache():
    return caches["fragments"]


CARD_TEMPLATE = "includes/action_card.html"


_pinned: ContextVar[str | None] = ContextVar("fragments_generation", default=None)


def pinned(view):
    """Read the generation once for the whole of a view (it is a cache read,
    and a page asks for it once per piece), and use that one throughout."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        reset = _pinned.set(current_generation()[0])
        try:
            return view(*args, **kwargs)
        finally:
            _pinned.reset(reset)

    return wrapper


def generation() -> str:
    """The data generation this view reads under (for {% cache %} keys)."""
    return _pinned.get() or current_generation()[0]


def _prefix(kind: str) -> str:
    """What every key of this kind shares now: generation and language."""
    return "|".join([kind, generation(), translation.get_language() or ""])


def _key(prefix: str, *parts: object) -> str:
    raw = "|".join([prefix, *map(str, parts)])
    return "fragment:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def action_cards(actions: QuerySet[Action], *names: object) -> list[SafeString]:
    """The rendered cards of these actions (in their order), from the cache.

    One light query reads which rows the page holds (none when `names` name
    the page and someone saw it in this generation); only the cards missing
    from the cache load their rows and organizers (two more queries) and are
    rendered. `includes/action_card.html` may use `action` and nothing else
    from its context. The actions must be public ones (selectors.public_actions).
    """

    def read_heads():
        rows = actions.select_related(None).prefetch_related(None)
        return list(rows.values_list("pk", "updated_at"))

    # With `names` (the list's filters and page), which rows the page holds
    # is kept too: the same for every visitor until the data change.
    heads = cached("heads", read_heads, *names) if names else read_heads()
    prefix = _prefix("card")
    keys = {pk: _key(prefix, pk, updated.isoformat()) for pk, updated in heads}
    found = _cache().get_many(keys.values()) if keys else {}
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        fresh = {}
        for action in selectors.public_actions().filter(pk__in=missing):
            card = render_to_string(CARD_TEMPLATE, {"action": action})
            fresh[keys[action.pk]] = card
        _cache().set_many(fresh, SECONDS)
        found.update(fresh)
    return [mark_safe(found[keys[pk]]) for pk, _ in heads]  # noqa: S308 - our own render


def count(queryset: QuerySet, *parts: object) -> int:
    """queryset.count(), computed once a generation and a day for `parts`.

    `parts` must name the query (its filters): compiling the SQL to key it
    would cost half as much as a page.
    """
    return cached("count", queryset.count, *parts)


def cached(kind: str, build, *parts: object):
    """`build()`, computed once a generation, language and day for `parts`."""
    key = _key(_prefix(kind), earliest_current_date(), *parts)
    value = _cache().get(key)
    if value is None:
        value = build()
        _cache().set(key, value, SECONDS)
    return value
