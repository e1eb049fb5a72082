from django import template
from django.conf import settings
from django.urls import reverse

from events import display, questions

register = template.Library()


register.simple_tag(display.action_when)
register.simple_tag(display.turnout)
register.simple_tag(display.shift_when)


@register.filter
def describe_question(question: dict) -> str:
    return questions.describe(question)


@register.simple_tag
def place_url(country: str, region: str, city: str = "") -> str:
    region_part = region or "-"
    if city:
        return reverse(
            "events:city",
            kwargs={"country": country, "region": region_part, "city": city},
        )
    return reverse("events:region", kwargs={"country": country, "region": region_part})


@register.simple_tag
def feed_urls(path: str) -> dict[str, str]:
    """A feed's address for pasting (https) and for one-click subscribe (webcal)."""
    absolute = settings.SITE_URL + path
    scheme, _, rest = absolute.partition("://")
    return {"https": absolute, "webcal": "webcal://" + rest}


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)
