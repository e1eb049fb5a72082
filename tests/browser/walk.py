"""How the page walk looks at one page: what it checks and what it keeps.

Every page of tests/browser/pages.py is opened in one Chromium, one context
per person and screen size, and checked for what a person would hit: a page
wider than the screen, an error in the console, a server error or a status
other than the one the page is for, and axe-core's findings. Screenshots go
under SCREENS; figures are kept in RESULTS for the terminal summary.
"""

import hashlib
import re
import shutil
import statistics
import threading
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.test import Client

AXE_FILE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]
SIZES = {"phone": (360, 740), "desktop": (1280, 800)}
LANGUAGES = {"en": "en-US", "es": "es-US"}
SCREENS = Path(settings.BASE_DIR) / ".local" / "screens"

RESULTS: list["Seen"] = []

AXE_RUN = """async (tags) => {
  const found = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return found.violations.map(v => v.id + " (" + v.impact + "): " +
    v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""
TIMING = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  return [n.responseStart - n.startTime, n.loadEventEnd - n.startTime];
}"""


@dataclass
class Seen:
    """One page at one size in one language, as one person saw it."""

    language: str
    size: str
    person: str
    path: str
    page: str = ""  # the path as pages.py gives it, before tokens and ids
    axe_expected: bool = False
    width: int = 0
    ttfb: float = 0.0
    load: float = 0.0
    axe: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def axe_source() -> str:
    source = AXE_FILE.read_bytes()
    found = hashlib.sha256(source).hexdigest()
    assert found == AXE_SHA256, f"{AXE_FILE} is not the vendored axe-core ({found})"
    return source.decode()


class Templates:
    """The names of the templates the live server renders while it listens
    (Django's test instrumentation sends template_rendered in every thread)."""

    def __init__(self):
        self.names: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, sender, template, context, **kwargs):
        with self._lock:
            self.names.add(template.name or "")


def new_context(browser, live_server, user, *, language: str, size: str, axe: str):
    width, height = SIZES[size]
    context = browser.new_context(
        locale=LANGUAGES[language], viewport={"width": width, "height": height}
    )
    # An init script is not subject to the page's Content-Security-Policy,
    # which forbids inline scripts (and would block add_script_tag).
    context.add_init_script(axe)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"].value
        context.add_cookies(
            [{"name": "sessionid", "value": cookie, "url": live_server.url}]
        )
    return context


def look(page, live_server, url: str, expected_status: int, *, ours=True) -> Seen:
    """Open `url` in `page` and return what was wrong with it. A page that is
    not ours yet (allauth's bare pages) has no icon link, so Chromium asks
    for /favicon.ico; that 404 is not the page's error."""
    seen = Seen(language="", size="", person="", path=url)
    errors: list[str] = []
    address = live_server.url + url

    def console(message):
        # The page's own status (a 403 asking for two-factor) is checked
        # below; Chromium also logs it as a failed resource.
        where = message.location.get("url", "")
        own = where == address and expected_status >= 400
        icon = where.endswith("/favicon.ico") and not ours
        if message.type == "error" and not own and not icon:
            errors.append(f"{message.text} ({message.location.get('url')})")

    def crash(error):
        errors.append(str(error))

    page.on("console", console)
    page.on("pageerror", crash)
    try:
        return _look(page, seen, address, expected_status, errors)
    finally:
        page.remove_listener("console", console)
        page.remove_listener("pageerror", crash)


def _look(page, seen: Seen, address: str, expected_status: int, errors) -> Seen:
    response = page.goto(address)
    status = response.status if response else 0
    if status != expected_status:
        seen.problems.append(f"status {status}, not {expected_status}")
    page.wait_for_function(
        "performance.getEntriesByType('navigation')[0].loadEventEnd > 0"
    )
    seen.ttfb, seen.load = page.evaluate(TIMING)
    seen.width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("innerWidth")
    if seen.width > inner:
        seen.problems.append(f"{seen.width}px wide on a {inner}px screen")
    seen.axe = page.evaluate(AXE_RUN, AXE_TAGS)
    seen.problems += [f"console: {error}" for error in errors]
    return seen


def screenshot(page, seen: Seen, path: str) -> Path:
    """`path` is the page's path as pages.py gives it, before tokens and ids
    are put in, so that a run's files replace the last run's."""
    name = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"
    person = seen.person.replace(" ", "-")
    shot = SCREENS / seen.language / seen.size / f"{person}--{name}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    return shot


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary() -> list[str]:
    """Lines for the end of the test run."""
    if not RESULTS:
        return []
    phone = [seen for seen in RESULTS if seen.size == "phone"]
    widest = max(phone or RESULTS, key=lambda seen: seen.width)
    ttfb = [seen.ttfb for seen in RESULTS]
    load = [seen.load for seen in RESULTS]
    paths = {(seen.person, seen.page) for seen in RESULTS}
    languages = {seen.language for seen in RESULTS}
    sizes = {seen.size for seen in RESULTS}
    violations = sum(len(seen.axe) for seen in RESULTS if not seen.axe_expected)
    expected = sum(len(seen.axe) for seen in RESULTS if seen.axe_expected)
    return [
        f"page walk: {len(paths)} pages x {len(sizes)} widths x "
        f"{len(languages)} languages = {len(RESULTS)} page views",
        f"page walk: axe violations {violations} (rules failed, summed over page "
        f"views); on pages marked axe_expected_to_fail: {expected}",
        f"page walk: widest page at 360 px: {widest.width} px ({widest.path})",
        f"page walk: time to first byte median {statistics.median(ttfb):.0f} ms, "
        f"p95 {percentile(ttfb, 0.95):.0f} ms; full load median "
        f"{statistics.median(load):.0f} ms, p95 {percentile(load, 0.95):.0f} ms",
        f"page walk: screenshots in {SCREENS}",
    ]


def clear(language: str) -> None:
    """Screenshots of pages no longer walked do not linger."""
    shutil.rmtree(SCREENS / language, ignore_errors=True)


def write_problems(language: str, problems: list[str]) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    (SCREENS / f"problems-{language}.txt").write_text("\n".join(problems) + "\n")
