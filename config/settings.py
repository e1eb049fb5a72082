"""All settings, read from the environment.

With no configuration the app runs on embedded defaults: SQLite, a file-system
Celery broker and a file cache under `.local/`. `DATABASE_URL` selects
PostgreSQL; `REDIS_URL` selects Redis for the broker, the cache and locks.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = Path(os.environ.get("LOCAL_DIR", BASE_DIR / ".local"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def development_secret_key() -> str:
    """A key made once per checkout, so sessions survive restarts in development."""
    path = LOCAL_DIR / "secret_key"
    if not path.exists():
        LOCAL_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (production). "
            "For development, set DEBUG=true and a key is made for you."
        )
    SECRET_KEY = development_secret_key()

# Rotating SECRET_KEY: the old key goes here (comma-separated) for as long as
# sessions and links signed with it should still be honoured.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The domain part of calendar event UIDs. Set it once, before anyone
# subscribes, and never change it: clients would see every event as new.
CALENDAR_UID_DOMAIN = os.environ.get("CALENDAR_UID_DOMAIN", "organizer.invalid")

INSTALLED_APPS = [
    # The admin asks staff for two-factor authentication (networks/admin_site.py).
    "networks.apps.TwoFactorAdminConfig",
    # Django's own form widget templates, for the site's form renderer.
    "django.forms",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "networks",
    "events",
]

MIDDLEWARE = [
    # Before anything reads the client's address or scheme.
    "networks.proxies.TrustedProxyMiddleware",
    "networks.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "networks.http.BrowserLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A NUL in a path is refused (400) before it reaches a view; last, so the
    # refusal still carries the headers of the middleware above.
    "networks.http.RefuseNulMiddleware",
]

ROOT_URLCONF = "config.urls"

# One renderer for every form of the site: labels and help text look the same
# everywhere (templates/forms/field.html), with no per-form tweaks.
FORM_RENDERER = "networks.forms.SiteFormRenderer"


def _organization_url(organization) -> str:
    from django.urls import reverse

    return reverse("events:organization-detail", kwargs={"slug": organization.slug})


# An organization's public page is an events page; networks (the lower layer)
# may not name it, so its URL is given here, above both.
ABSOLUTE_URL_OVERRIDES = {"networks.organization": _organization_url}
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                # The nonce Django's admin puts on its scripts.
                "django.template.context_processors.csp",
            ],
        },
    },
]

# Database: SQLite file by default (also when DATABASE_URL is empty), anything
# dj-database-url understands otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis when given: broker, cache (and so allauth's rate limits) and locks are
# shared by every process on every machine. Otherwise files under .local/ do
# the same for the processes of one machine.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "organizer"),
        }
    }
    CELERY_BROKER_URL = REDIS_URL
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(LOCAL_DIR / "cache"),
        }
    }
    # Kombu's file-system transport: messages are files in one folder that
    # every local process shares. It does not create the folders itself.
    BROKER_DIR = LOCAL_DIR / "broker"
    for folder in (BROKER_DIR / "messages", BROKER_DIR / "control"):
        folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "messages"),
        "data_folder_out": str(BROKER_DIR / "messages"),
        "control_folder": str(BROKER_DIR / "control"),
    }
# Pieces of public pages the same for every visitor (events/fragments.py)
# and calendar events' text (events/calendar.py),
# in each process's own memory: their keys carry the shared data generation
# (in the cache above), so no process serves one after the data changed, and
# reading a page of cards costs neither a disk nor a network round trip.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    # Cards and calendar events (about 1 KB each): at most some 30 MB.
    "OPTIONS": {"MAX_ENTRIES": 30_000},
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# The notification outbox (networks/outbox/services.py). Beat sweeps for due rows every
# NOTIFICATION_SWEEP_SECONDS; a row queued or being sent for longer than the
# lease is taken again; failed sends wait NOTIFICATION_RETRY_DELAYS seconds
# (one per attempt, the last repeating). Writing a due row also asks a worker
# to sweep at once (NOTIFICATIONS_KICK), so confirmations need not wait.
NOTIFICATION_SWEEP_SECONDS = int(os.environ.get("NOTIFICATION_SWEEP_SECONDS", "60"))
NOTIFICATION_LEASE_SECONDS = int(os.environ.get("NOTIFICATION_LEASE_SECONDS", "300"))
NOTIFICATION_RETRY_DELAYS = [
    int(seconds)
    for seconds in os.environ.get("NOTIFICATION_RETRY_DELAYS", "60,300,900,3600").split(
        ","
    )
]
NOTIFICATIONS_KICK = env_bool("NOTIFICATIONS_KICK", True)
# /healthz/ready names the outbox "lagging" when the oldest due notification
# has waited longer than this (it stays ready: see networks/outbox/views.py).
OUTBOX_LAG_LIMIT_SECONDS = int(os.environ.get("OUTBOX_LAG_LIMIT_SECONDS", "600"))
# How often a rapid-response desk open in a browser fetches its reports again.
DESK_REFRESH_SECONDS = 20

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
SITE_ID = 1
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# An optional name at sign-up; pages and messages use it, never a username.
ACCOUNT_SIGNUP_FORM_CLASS = "networks.organizations.forms.SignupName"
ACCOUNT_USER_DISPLAY = "networks.organizations.selectors.display_name"
# Language after login, language of a new account (networks/organizations/adapter.py).
ACCOUNT_ADAPTER = "networks.organizations.adapter.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming the address in the browser that signed up logs the person in and
# takes them on to where they were going (allauth does it only in that session).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
# Signing up with a known address takes as long as with a new one.
ACCOUNT_FORMS = {"signup": "networks.accounts.SignupForm"}
# A one-time code by e-mail instead of a password, for those who prefer it.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Organizer] "
# allauth's limiter (in the shared cache) also guards our public signup form.
ACCOUNT_RATE_LIMITS = {
    "guest_signup": "10/h/ip",
    # Keyed by a salted hash of the address (networks.http.client_key), so not
    # even the cache holds a reporter's IP address.
    "report": "20/h/key",
    "track": "60/h/key",
    "aid_request": "10/h/key",
}
# Rate limits stay at allauth's defaults; they count in the shared cache
# (Redis when REDIS_URL is set), so they hold across processes.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Organizer")
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# Keys that seal personal data at rest (networks/sealing.py): reporters'
# contacts and exact places, requesters' contacts, guests, invitations.
# Comma-separated Fernet keys, newest first; AID_CONTACT_KEYS is the older
# name, still read. Development makes one in .local/; production refuses to
# start without one (a system check).
SEALING_KEYS = env_list("SEALING_KEYS", env_list("AID_CONTACT_KEYS", []))
if not SEALING_KEYS and DEBUG:
    _sealing_key = LOCAL_DIR / "aid_contact_key"
    if not _sealing_key.exists():
        from cryptography.fernet import Fernet

        LOCAL_DIR.mkdir(parents=True, exist_ok=True)
        _sealing_key.write_text(Fernet.generate_key().decode())
        _sealing_key.chmod(0o600)
    SEALING_KEYS = [_sealing_key.read_text().strip()]

# Uploads (report photos) are private: never served from MEDIA_URL, only
# through views that check who is asking.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", LOCAL_DIR / "media"))
MEDIA_URL = "/media-not-served/"
# Uploads are bounded before they cost (networks/uploads.py): a photo of more
# than UPLOAD_FILE_MAX_BYTES is read but never stored; a request of more than
# UPLOAD_MAX_BYTES (four photos and the form) is not read at all. The web
# server holds a body before Django sees it, so give it the same limit
# (waitress: --max-request-body-size, as bootstrap.py does; nginx:
# client_max_body_size 33m).
UPLOAD_FILE_MAX_BYTES = 8 * 1024 * 1024
UPLOAD_MAX_BYTES = 4 * UPLOAD_FILE_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "networks.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files wait in a 0600 temp file
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # the form's other fields together
# Stored photos are readable by the app's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

STATIC_URL = "/static/"
# Where collectstatic writes (the image bakes them in at build time).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG


def media_storage(environ) -> dict:
    """Where uploads go: MEDIA_ROOT on local disk, or, with MEDIA_S3_BUCKET,
    an S3-compatible bucket (django-storages), so that web and worker
    processes on several machines see the same files.

    Objects are private (no ACL granted, every URL signed and valid for
    MEDIA_S3_URL_SECONDS): the app serves photos through the views that check
    roles, and a bucket policy that blocks public access is still advised.
    Credentials come from boto3's usual places (AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY, or the machine's role).
    """
    bucket = environ.get("MEDIA_S3_BUCKET", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("MEDIA_S3_REGION") or None,
            "location": environ.get("MEDIA_S3_PREFIX", ""),
            "default_acl": None,
            "querystring_auth": True,
            "signature_version": "s3v4",
            "querystring_expire": int(environ.get("MEDIA_S3_URL_SECONDS", "300")),
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "private, no-store"},
        },
    }


STORAGES = {
    "default": media_storage(os.environ),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Mail goes out by SMTP (EMAIL_HOST, default localhost). Only a development
# run (DEBUG) with no EMAIL_HOST prints mail to the console instead.
if os.environ.get("EMAIL_HOST") or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "use_ssl": env_bool("EMAIL_USE_SSL", False),
                "timeout": int(os.environ.get("EMAIL_TIMEOUT", "30")),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: strict unless DEBUG; every switch can be set from the environment
# for a deployment behind a proxy that terminates TLS.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Reverse proxies (load balancer, Caddy, nginx) whose X-Forwarded-For and
# X-Forwarded-Proto are believed: addresses or networks, comma-separated, or
# "*" for any peer (only when nothing but the proxy can reach the app).
# networks/proxies.py removes both headers from every other peer, so the
# scheme header below is safe to name always. BEHIND_TLS_PROXY=true, the older
# switch, still means "*".
TRUSTED_PROXIES = env_list(
    "TRUSTED_PROXIES", ["*"] if env_bool("BEHIND_TLS_PROXY", False) else []
)
try:
    from networks.proxies import parse as _parse_proxies

    _parse_proxies(tuple(TRUSTED_PROXIES))
except ValueError as error:
    raise ImproperlyConfigured(
        f"TRUSTED_PROXIES must be addresses or networks (like 10.0.0.0/8) "
        f"separated by commas, or *: {error}"
    ) from None
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health checks come from the load balancer or the kubelet over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/|$)"]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts and styles come only from our static files: no inline script or
# style= anywhere (Django's admin marks its own with the nonce). The QR code
# for setting up two-factor authentication is a data: image. No page may be
# framed; an embeddable view says so with networks.http.frame_ancestors.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Browser features the site never uses are off, for its pages and anything
# they might frame. The report form's photo field is a file input: phones offer
# their camera through the file picker, which the camera policy (for scripts
# calling getUserMedia) does not govern.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# One JSON object a line in production (LOG_FORMAT=json, the default when
# DEBUG is off), readable lines in development; every line carries the
# request id (networks/logs.py). Celery's processes log the same way.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "networks.logs.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "{asctime}{levelname}{name}{message}{request_id}",
            "style": "{",
            "rename_fields": {"asctime": "time", "levelname": "level"},
        },
        "text": {
            "format": "{asctime} {levelname} {name} [{request_id}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
