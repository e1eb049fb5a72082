"""Pieces of the public pages that are the same for every visitor, kept in
the shared cache under the data *generation* of `events.feeds`.

Every write to what these pieces show (actions, days of action,
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

import hashlib

from django.core.cache import cache
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from events import selectors
from events.feeds import current_generation
from events.models import Action

SECONDS = 6 * 3600
CARD_TEMPLATE = "includes/action_card.html"


def _prefix(kind: str) -> str:
    """What every key of this kind shares now: generation and language."""
    return "|".join([kind, current_generation()[0], translation.get_language() or ""])


def _key(prefix: str, *parts: object) -> str:
    raw = "|".join([prefix, *map(str, parts)])
    return "fragment:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def action_cards(actions: QuerySet[Action]) -> list[SafeString]:
    """The rendered cards of these actions (in their order), from the cache.

    One light query reads which rows the page holds; only the cards missing
    from the cache load their rows and organizers (two more queries) and are
    rendered. `includes/action_card.html` may use `action` and nothing else
    from its context. The actions must be public ones (selectors.public_actions).
    """
    heads = list(
        actions.select_related(None)
        .prefetch_related(None)
        .values_list("pk", "updated_at")
    )
    prefix = _prefix("card")
    keys = {pk: _key(prefix, pk, updated.isoformat()) for pk, updated in heads}
    found = cache.get_many(keys.values()) if keys else {}
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        fresh = {}
        for action in selectors.public_actions().filter(pk__in=missing):
            card = render_to_string(CARD_TEMPLATE, {"action": action})
            fresh[keys[action.pk]] = card
        cache.set_many(fresh, SECONDS)
        found.update(fresh)
    return [mark_safe(found[keys[pk]]) for pk, _ in heads]  # noqa: S308 - our own render


def count(queryset: QuerySet, *parts: object) -> int:
    """queryset.count(), computed once per generation for the same query.

    `parts` name what the query depends on beyond its SQL (nothing, usually:
    the SQL and its parameters, the day's date among them, are the key).
    """
    sql, params = queryset.query.sql_with_params()
    key = _key(_prefix("count"), sql, params, *parts)
    value = cache.get(key)
    if value is None:
        value = queryset.count()
        cache.set(key, value, SECONDS)
    return value


def cached(kind: str, build, *parts: object):
    """`build()`, computed once per generation (and language) for `parts`."""
    key = _key(_prefix(kind), *parts)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, SECONDS)
    return value
