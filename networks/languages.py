"""The languages a network works in (a hotline, its volunteers, a request for
help), stored as codes and shown by name in the reader's language."""

from django.utils.translation import gettext_lazy as _

WORKING_LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("ht", _("Haitian Creole")),
    ("fr", _("French")),
    ("zh", _("Chinese")),
    ("vi", _("Vietnamese")),
    ("ar", _("Arabic")),
    ("quc", _("K'iche'")),
    ("mam", _("Mam")),
]


def language_name(code: str) -> str:
    """The name of a working language; an unknown code is shown as it is."""
    return str(dict(WORKING_LANGUAGES).get(code, code))
