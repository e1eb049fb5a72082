"""Every page, as the person it is for, in English and Spanish, on a 360 px
phone and a 1280 px desktop: it fits the screen, logs no console error,
answers with its status, and axe-core finds nothing (WCAG 2.1 A and AA and
best practice). The pages are listed once, in tests/browser/pages.py."""

from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from django.test.signals import template_rendered

from tests.browser import pages as site
from tests.browser import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def page_templates() -> set[str]:
    root = Path(settings.BASE_DIR) / "templates"
    names = {str(path.relative_to(root)) for path in root.rglob("*.html")}
    return {name for name in names if not any(part in name for part in site.NOT_PAGES)}


def by_person() -> dict[str, list[site.Page]]:
    grouped = defaultdict(list)
    for page in site.PAGES:
        grouped[page.person].append(page)
    return grouped


def problems_of(seen: walk.Seen, page: site.Page) -> list[str]:
    found = list(seen.problems)
    if page.axe_expected_to_fail:
        if not seen.axe:
            found.append(
                "axe finds nothing now: take off axe_expected_to_fail "
                f"({page.axe_expected_to_fail})"
            )
    else:
        found += [f"axe {violation}" for violation in seen.axe]
    return found


def walk_as(tab, live_server, world, *, person, size, language) -> list[str]:
    """Every page of one person in one open tab; what was wrong with them."""
    prefix = "" if language == "en" else f"/{language}"
    problems = []
    for page in by_person()[person]:
        url = prefix + page.url(world)
        ours = not page.axe_expected_to_fail
        seen = walk.look(tab, live_server, url, page.status, ours=ours)
        seen.language, seen.size, seen.person = language, size, person
        seen.page, seen.axe_expected = page.path, not ours
        shot = walk.screenshot(tab, seen, page.path)
        walk.RESULTS.append(seen)
        problems += [
            f"{person} {size} {url}: {problem} [{shot}]"
            for problem in problems_of(seen, page)
        ]
    return problems


@pytest.mark.parametrize("language", list(walk.LANGUAGES))
def test_every_page_fits_a_phone_and_passes_axe(browser, live_server, language):
    walk.clear(language)
    world = site.build()
    axe = walk.axe_source()
    rendered = walk.Templates()
    template_rendered.connect(rendered)
    problems = []
    try:
        for person in by_person():
            for size in walk.SIZES:
                user = world["people"][person]
                context = walk.new_context(
                    browser, live_server, user, language=language, size=size, axe=axe
                )
                try:
                    tab = context.new_page()
                    tab.set_default_timeout(20_000)
                    problems += walk_as(
                        tab,
                        live_server,
                        world,
                        person=person,
                        size=size,
                        language=language,
                    )
                finally:
                    context.close()
    finally:
        template_rendered.disconnect(rendered)
    walk.write_problems(language, problems)
    never = sorted(page_templates() - rendered.names)
    assert not never, f"page templates the walk never reached: {never}"
    assert not problems, "\n".join(problems)
