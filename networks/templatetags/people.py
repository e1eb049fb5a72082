"""How pages name a person with an account: `{{ user|person }}`."""

from django import template

from networks.organizations.selectors import display_name

register = template.Library()


@register.filter
def person(user) -> str:
    """The name they chose, else their e-mail address; empty for nobody."""
    return display_name(user) if user else ""
