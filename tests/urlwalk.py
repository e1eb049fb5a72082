"""Every URL pattern of the site, found by walking the resolver."""

import re

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RoutePattern

GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
ROUTE_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def walk(resolver, prefix=""):
    """(route, {argument: converter name}) for every pattern, routes joined;
    a regular expression's groups are written as <regex:name>."""
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        if isinstance(pattern, LocalePrefixPattern):
            part = ""
        elif isinstance(pattern, RoutePattern):
            part = pattern._route
        else:
            part = GROUP.sub(r"<regex:\1>", str(pattern)).strip("^$")
        if isinstance(entry, URLResolver):
            yield from walk(entry, prefix + part)
        elif isinstance(entry, URLPattern):
            route = prefix + part
            yield route, {n: c or "str" for c, n in ROUTE_ARG.findall(route)}


def routes() -> list[tuple[str, dict[str, str]]]:
    return sorted(dict(walk(get_resolver())).items())


def fill(route: str, values: dict[str, str]) -> str:
    """The path of `route` with its arguments replaced by `values` (quoted)."""
    from urllib.parse import quote

    return "/" + ROUTE_ARG.sub(lambda m: quote(values[m[2]], safe=""), route)
