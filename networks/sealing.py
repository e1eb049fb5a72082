"""Sealing the personal data that identifies or locates someone outside an
account: reporters' contacts and exact places, requesters' contacts, guests'
names and addresses, invitation addresses.

Fernet from `cryptography` (authenticated encryption, maintained, no home-made
crypto). The keys come from the environment (`SEALING_KEYS`; the older name
`AID_CONTACT_KEYS` is still read), never the database: a copy of the database
alone reads nothing, and destroying the keys erases every sealed value. The
first key seals; every key listed unseals (MultiFernet), which is how keys are
rotated: put a new key first, run `manage.py reseal`, then drop the old key.

`SealedField` seals on the way into the database and unseals on the way out,
so the rest of the code reads and writes plain strings. A value no key opens
(the keys were destroyed) reads as `Unreadable`: "(erased)" on a page, and
saved back unchanged. Equality lookups (one guest signup per address) go
through `LookupHashField`, a keyed hash (HMAC-SHA256) kept beside the sealed
value, under a key derived from the sealing keys.
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.lookups import Exact
from django.utils.functional import cached_property
from django.utils.translation import gettext

_MISSING = (
    "SEALING_KEYS is not set: personal data (contacts, exact places, guests' "
    "names and addresses) cannot be sealed. Make a key with: python -c 'from "
    "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


def _keys() -> list[str]:
    keys = settings.SEALING_KEYS
    if not keys:
        raise ImproperlyConfigured(_MISSING)
    return keys


def _fernet() -> MultiFernet:
    return _multi(tuple(_keys()))


@functools.lru_cache(maxsize=4)
def _multi(keys: tuple[str, ...]) -> MultiFernet:
    # Built once per key set: a page of reports unseals three values a row.
    return MultiFernet([Fernet(key) for key in keys])


class Unreadable(str):
    """A sealed value that no configured key opens: its keys were destroyed.

    It reads as "(erased)"; saving the row stores the token back as it was,
    so nothing is lost if the old key is ever put back."""

    token: str

    def __new__(cls, token: str):
        value = super().__new__(cls, gettext("(erased)"))
        value.token = token
        return value

    def __reduce__(self):
        # Copies and pickles keep the token, not the "(erased)" shown.
        return (Unreadable, (self.token,))


def seal(text: str) -> str:
    if isinstance(text, Unreadable):
        return text.token
    return _fernet().encrypt(text.encode()).decode() if text else ""


def unseal(token: str) -> str:
    """The plain text; a token no key opens reads as `Unreadable`."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return Unreadable(token)


def reseal(token: str) -> str:
    """The same value, sealed with the first (newest) key."""
    return _fernet().rotate(token.encode()).decode() if token else ""


def _hash_key(key: str) -> bytes:
    # A key of its own for the hashes, derived from the sealing key, so that
    # a hash never reveals anything about the Fernet key and dies with it.
    return hashlib.sha256(b"organizer lookup hash\0" + key.encode()).digest()


def _normal(value: str) -> str:
    return value.strip().casefold()


def lookup_hash(value: str, key: str | None = None) -> str:
    """The keyed hash that stands for `value` in equality lookups ("" for "")."""
    if not value or isinstance(value, Unreadable):
        return ""
    secret = _hash_key(key or _keys()[0])
    return hmac.new(secret, _normal(value).encode(), hashlib.sha256).hexdigest()


def lookup_hashes(value: str) -> list[str]:
    """`value`'s hash under every key: rows not re-sealed yet match too."""
    return [lookup_hash(value, key) for key in _keys()]


class SealedExact(Exact):
    """Only "is it empty?": a sealed value cannot be compared in SQL (the
    same text seals differently each time); use its LookupHashField."""

    def get_prep_lookup(self):
        if self.rhs != "":
            raise TypeError(
                f"{self.lhs.target.name} is sealed: compare its lookup hash instead"
            )
        return self.rhs


class SealedField(models.TextField):
    """Text sealed at rest. `max_length` is checked on input (forms,
    full_clean), not in the column: a token is longer than its text."""

    def __init__(self, *args, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.multiline:
            kwargs["multiline"] = True
        return name, path, args, kwargs

    @cached_property
    def validators(self):
        extra = [MaxLengthValidator(self.max_length)] if self.max_length else []
        return [*super().validators, *extra]

    def from_db_value(self, value, expression, connection):
        return unseal(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return seal(value) if value else value

    def get_lookup(self, lookup_name):
        if lookup_name not in {"exact", "isnull"}:
            return None
        return super().get_lookup(lookup_name)

    def formfield(self, **kwargs):
        if not self.multiline:
            from django import forms

            kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(**kwargs)


SealedField.register_lookup(SealedExact)


class LookupHashField(models.CharField):
    """The keyed hash of the SealedField `source`, kept up to date on save."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.update(max_length=64, blank=True, editable=False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for fixed in ("max_length", "blank", "editable"):
            kwargs.pop(fixed, None)
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.source)
        if isinstance(value, Unreadable):  # keep the hash it had
            return getattr(model_instance, self.attname)
        digest = lookup_hash(value or "")
        setattr(model_instance, self.attname, digest)
        return digest


def sealed_fields(model) -> list[SealedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, SealedField)]


def hash_fields(model) -> list[LookupHashField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, LookupHashField)]


# Checked when the app starts (runserver, migrate, check): a key that is not
# a Fernet key, or no key at all outside development, stops it.


@checks.register(checks.Tags.security)
def sealing_keys(app_configs, **kwargs):
    problems = []
    for number, key in enumerate(settings.SEALING_KEYS, 1):
        try:
            Fernet(key)
        except ValueError:
            problems.append(
                checks.Error(
                    f"SEALING_KEYS: key {number} is not a Fernet key.",
                    id="networks.E001",
                )
            )
    if not settings.SEALING_KEYS and not settings.DEBUG:
        problems.append(checks.Error(_MISSING, id="networks.E002"))
    return problems


# Data migrations: seal the plain values rows held before a field was sealed.


def _sealed_already(value: str) -> bool:
    try:
        _fernet().decrypt(value.encode())
    except InvalidToken:
        return False
    return True


def _convert(model_name: str, fields: list[str], hashes: dict[str, str], forward):
    def run(apps, schema_editor):
        app_label, name = model_name.split(".")
        model = apps.get_model(app_label, name)
        quote = schema_editor.quote_name
        columns = [model._meta.get_field(f).column for f in fields]
        targets = columns + [model._meta.get_field(h).column for h in hashes]
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        assignments = ", ".join(f"{quote(c)} = %s" for c in targets)
        with schema_editor.connection.cursor() as cursor:
            # Raw SQL: the historical model would seal or unseal on its own.
            cursor.execute(
                f"SELECT {pk}, {', '.join(quote(c) for c in columns)} FROM {table}"
            )
            for key, *values in cursor.fetchall():
                plain = dict(zip(fields, map(_plain, values), strict=True))
                stored = [_converted(v, forward) for v in values]
                digests = [
                    lookup_hash(plain[source]) if forward else ""
                    for source in hashes.values()
                ]
                cursor.execute(
                    f"UPDATE {table} SET {assignments} WHERE {pk} = %s",
                    [*stored, *digests, key],
                )

    return run


def _plain(value) -> str:
    if not value or not _sealed_already(value):
        return value or ""
    return unseal(value)


def _converted(value, forward) -> str:
    if not value:
        return value or ""
    if forward:
        return value if _sealed_already(value) else seal(value)
    plain = unseal(value)
    return value if isinstance(plain, Unreadable) else plain


def seal_existing(model_name: str, fields: list[str], hashes: dict | None = None):
    """A RunPython that seals the plain values of `fields` ("app.Model") and
    fills the lookup hashes ({hash field: source field}); reversed, it
    unseals them (what no key opens stays a token). Needs SEALING_KEYS when
    there are rows to convert."""
    from django.db import migrations

    hashes = hashes or {}
    return migrations.RunPython(
        _convert(model_name, fields, hashes, forward=True),
        _convert(model_name, fields, hashes, forward=False),
    )
