"""Settings, all from the environment (or a .env file); the defaults run the embedded mode."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Production is any deployment that sets LADDER_PRODUCTION; it must then name its own secret.
PRODUCTION = env.bool("LADDER_PRODUCTION", default=False)


def ms_within[T: (int, float)](name: str, value: T, highest: int) -> T:
    """`value`, a setting in ms, refused at start unless it is from 0 to `highest`."""
    if not 0 <= value <= highest:
        raise ImproperlyConfigured(f"{name} must be from 0 to {highest} (ms), not {value}")
    return value


def _embedded_secret_key() -> str:
    """A per-checkout random key for the embedded mode, kept in var/ so tokens survive restarts."""
    VAR_DIR.mkdir(exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = (
    env.str("SECRET_KEY")
    if PRODUCTION
    else env.str("SECRET_KEY", default="") or _embedded_secret_key()
)

# The audit trail's hashes are keyed with this secret (HMAC-SHA256), kept outside the
# database, so someone who can edit the database cannot recompute them. Production names its
# own; the embedded mode derives one from SECRET_KEY. Changing it fails every audit check.
LADDER_AUDIT_KEY = (
    env.str("LADDER_AUDIT_KEY")
    if PRODUCTION
    else env.str("LADDER_AUDIT_KEY", default="")
    or hmac.new(SECRET_KEY.encode(), b"ladder.audit-key", hashlib.sha256).hexdigest()
)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
# Sites allowed to embed the widget and open its websocket (scheme://host[:port]).
# `make run` says where it serves (LADDER_SERVED_AT), so its own demo page may always connect.
_SERVED_AT = env.str("LADDER_SERVED_AT", default="http://127.0.0.1:8000")
WIDGET_ALLOWED_ORIGINS = env.list(
    "WIDGET_ALLOWED_ORIGINS",
    default=sorted(
        {_SERVED_AT, _SERVED_AT.replace("127.0.0.1", "localhost"), "http://127.0.0.1:8000"}
    ),
)
# Identity verification: "origin=secret" pairs. A site proves who its customer is by passing
# LadderWidget.identify() an HMAC-SHA256 of the customer's id under its secret; without one,
# names are shown as unverified.
WIDGET_IDENTITY_SECRETS = dict(
    pair.split("=", 1) for pair in env.list("WIDGET_IDENTITY_SECRETS", default=[]) if "=" in pair
)
CSRF_TRUSTED_ORIGINS = [o for o in env.list("CSRF_TRUSTED_ORIGINS", default=[]) if o]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "routing",
    "support.conversations",
    "support.knowledge",
    "support.widget",
    "support.inbox",
    "support.analytics",
    # Management commands only (fake_anthropic, loadtest, generate_traffic, bench_analytics).
    "support.devtools",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (ours and the admin's) from the ASGI app itself, before anything else runs.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# Login throttling (django-axes), for the staff login and the admin's alike: the
# LADDER_LOGIN_FAILURE_LIMIT-th failed login for one username from one address locks that
# username out from that address for LADDER_LOGIN_COOLOFF_MINUTES (a lockout by username alone
# would let anyone lock an agent out). A successful login clears the count.
LADDER_LOGIN_FAILURE_LIMIT = env.int("LADDER_LOGIN_FAILURE_LIMIT", default=5)
LADDER_LOGIN_COOLOFF_MINUTES = env.int("LADDER_LOGIN_COOLOFF_MINUTES", default=15)
AXES_FAILURE_LIMIT = LADDER_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = LADDER_LOGIN_COOLOFF_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "support.inbox.access.login_client_address"
AXES_VERBOSE = False

ROOT_URLCONF = "support.urls"
ASGI_APPLICATION = "support.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "support.widget.context.ladder_mode",
            ],
        },
    },
]

# SQLite by default (WAL, busy timeout, IMMEDIATE transactions so concurrent writers queue
# instead of failing with "database is locked"; support.db.sqlite3 queues this process's
# writers at a lock rather than in SQLite's sleeping busy handler); PostgreSQL when
# DATABASE_URL says so.
SQLITE_PATH = env.str("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3"))
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
else:
    DATABASES = {
        "default": {
            "ENGINE": "support.db.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # On disk (the in-memory one breaks database_sync_to_async), one per test run so
            # that runs side by side never share a file.
            "TEST": {"NAME": str(VAR_DIR / f"test_db_{os.getpid()}.sqlite3")},
        }
    }
# Keep connections open: opening one (and, on SQLite, its PRAGMAs) per query costs more than
# the query on the hot path of a chat.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASE_VENDOR = DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # channels_redis's publish/subscribe layer: an event is one PUBLISH, read by the
            # processes whose sockets are in its group, where the queue layer
            # (channels_redis.core) makes four round trips and a Lua script per group send and
            # every socket's process pops each event back out of Redis. With two processes that
            # was 40 % of the CPU an answer costs (see docs/operations.md). Nothing is queued in
            # Redis: a process whose connection to Redis breaks misses the events meanwhile,
            # which the sockets make up from the database as they do for any lost event.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                # redis-py's pool refuses (MaxConnectionsError) past 100 connections; a
                # request to a Redis that stopped answering fails after 30 s, not never.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 30,
                        "max_connections": env.int("REDIS_MAX_CONNECTIONS", default=1000),
                    }
                ],
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "support.layers.LocalChannelLayer",
            "CONFIG": {"capacity": 1500, "expiry": 30},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# django-axes first (login throttling, above), then Django's own backend, except that production
# refuses the demo logins (agent/agent, admin/admin).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "support.conversations.demo_logins.ModelBackendWithoutDemoLogins",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/inbox/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
# The languages customers are served in: the widget's texts and the system messages follow the
# conversation's language (support/locale holds the catalogues); staff pages stay in English.
LANGUAGES = [
    ("en", "English"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("de", "German"),
    ("pt", "Portuguese"),
]
LOCALE_PATHS = [BASE_DIR / "support" / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# WhiteNoise serves /static/ from the ASGI app in every mode. Production serves what
# `collectstatic` gathered, compressed and with content hashes in the names (cached for a year);
# the embedded mode serves the source folders as they are, with no collectstatic step needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # WhiteNoise also looks in STATIC_ROOT and warns at every start when it is missing.
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)

# Security: strict by default, stricter in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
from django.utils.csp import CSP  # noqa: E402

from routing.prompt_cache import parse_min_cacheable_tokens  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "connect-src": [CSP.SELF, "ws:", "wss:"],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Model providers. `local` answers from the knowledge base only; `anthropic` is chosen
# whenever an API key is set, unless LADDER_PROVIDER says otherwise.
ANTHROPIC_API_KEY = env.str("ANTHROPIC_API_KEY", default="")
ANTHROPIC_BASE_URL = env.str("ANTHROPIC_BASE_URL", default="")
# An empty value (as in a copied .env.example) means "choose for me".
LADDER_PROVIDER = env.str("LADDER_PROVIDER", default="") or (
    "anthropic" if ANTHROPIC_API_KEY else "local"
)
LADDER_FAST_MODEL = env.str("LADDER_FAST_MODEL", default="claude-haiku-5-5")
LADDER_STRONG_MODEL = env.str("LADDER_STRONG_MODEL", default="claude-sonnet-5-5")
LADDER_THINKING_EFFORT = env.str("LADDER_THINKING_EFFORT", default="low")
LADDER_MAX_OUTPUT_TOKENS = env.int("LADDER_MAX_OUTPUT_TOKENS", default=1024)
LADDER_PROVIDER_MAX_RETRIES = env.int("LADDER_PROVIDER_MAX_RETRIES", default=2)
LADDER_FIRST_TOKEN_TIMEOUT_S = env.float("LADDER_FIRST_TOKEN_TIMEOUT_S", default=15.0)
LADDER_TOTAL_TIMEOUT_S = env.float("LADDER_TOTAL_TIMEOUT_S", default=60.0)
# The local provider's pause between streamed chunks (it has no model to wait for).
LADDER_LOCAL_CHUNK_PAUSE_MS = env.int("LADDER_LOCAL_CHUNK_PAUSE_MS", default=20)
# Routing thresholds.
LADDER_CONFIDENCE_THRESHOLD = env.float("LADDER_CONFIDENCE_THRESHOLD", default=0.7)
# The local provider answers only above this score and this lead over the next article
# (measured on tuning data: docs/answers.md).
LADDER_LOCAL_CONFIDENCE_THRESHOLD = env.float("LADDER_LOCAL_CONFIDENCE_THRESHOLD", default=0.42)
LADDER_LOCAL_MIN_MARGIN = env.float("LADDER_LOCAL_MIN_MARGIN", default=0.1)
# Where the help centre's articles are read (local answers link to them).
LADDER_HELP_CENTRE_URL = env.str("LADDER_HELP_CENTRE_URL", default=f"{_SERVED_AT}/help/")
LADDER_RETRIEVAL_FLOOR = env.float("LADDER_RETRIEVAL_FLOOR", default=0.2)
LADDER_KB_PASSAGES = env.int("LADDER_KB_PASSAGES", default=3)
# The help centre in the cached system prompt, within this many tokens: whole articles, else
# titles and first paragraphs, else titles (0: the rules alone, too short to be cached).
LADDER_PROMPT_HELP_CENTRE_TOKENS = env.int("LADDER_PROMPT_HELP_CENTRE_TOKENS", default=24000)
# Overrides of each model's documented minimum cacheable prefix, "model=tokens,model=tokens".
LADDER_MIN_CACHEABLE_TOKENS = parse_min_cacheable_tokens(
    env.str("LADDER_MIN_CACHEABLE_TOKENS", default="")
)
# Streaming: deltas are gathered and sent every this many ms (or at this many characters).
LADDER_DELTA_FLUSH_MS = env.int("LADDER_DELTA_FLUSH_MS", default=40)
LADDER_DELTA_FLUSH_CHARS = env.int("LADDER_DELTA_FLUSH_CHARS", default=400)
# While answers are being prepared, a streaming answer holds after a piece at most this many
# ms, then streams at least as long (0: never holds). See conversations/dbthreads.py.
LADDER_STREAM_HOLD_MS = ms_within(
    "LADDER_STREAM_HOLD_MS", env.int("LADDER_STREAM_HOLD_MS", default=40), 1000
)
# A customer socket waiting on an answer that hears nothing for this long reads the stored
# messages it lacks (a shared channel layer drops events when a process falls behind).
LADDER_RELAY_SILENCE_S = env.float("LADDER_RELAY_SILENCE_S", default=5.0)
# Database threads for conversations' work (0: one on SQLite, four on PostgreSQL).
LADDER_CONVERSATION_DB_THREADS = env.int("LADDER_CONVERSATION_DB_THREADS", default=0)
# How long (ms) a server thread may hold the GIL before it must hand over (Python's
# sys.setswitchinterval; 0 keeps Python's 5 ms). See docs/operations.md.
LADDER_GIL_SWITCH_MS = ms_within(
    "LADDER_GIL_SWITCH_MS", env.float("LADDER_GIL_SWITCH_MS", default=1.0), 100
)
# An answer still "streaming" this long after its last write belongs to a process that died.
LADDER_STALE_STREAM_S = env.int("LADDER_STALE_STREAM_S", default=120)

# Cost limits: a daily spend cap per tier (USD; reaching it moves answers one tier up, or to
# people), a token budget per conversation, and the answer cache for repeated first questions.
LADDER_DAILY_SPEND_CAP_FAST_USD = env.float("LADDER_DAILY_SPEND_CAP_FAST_USD", default=50.0)
LADDER_DAILY_SPEND_CAP_STRONG_USD = env.float("LADDER_DAILY_SPEND_CAP_STRONG_USD", default=50.0)
LADDER_CONVERSATION_TOKEN_BUDGET = env.int("LADDER_CONVERSATION_TOKEN_BUDGET", default=60000)
# Spend budgets next to the daily caps (USD; 0: none): per client address per UTC day, and per
# conversation. A call reserves its worst-case cost against them first; one that does not fit
# hands the conversation to people. And model calls under way at once, per process (0: any).
LADDER_DAILY_SPEND_PER_IP_USD = env.float("LADDER_DAILY_SPEND_PER_IP_USD", default=5.0)
LADDER_CONVERSATION_SPEND_BUDGET_USD = env.float(
    "LADDER_CONVERSATION_SPEND_BUDGET_USD", default=1.0
)
LADDER_MAX_MODEL_CALLS_IN_FLIGHT = env.int("LADDER_MAX_MODEL_CALLS_IN_FLIGHT", default=200)
LADDER_ANSWER_CACHE = env.bool("LADDER_ANSWER_CACHE", default=True)
# How long a cached answer is served (s); after that the next asker gets a fresh one.
LADDER_ANSWER_CACHE_TTL_S = env.int("LADDER_ANSWER_CACHE_TTL_S", default=86400)
# Circuit breaker: this many failures in a row stop calls to a model for the cool-down.
LADDER_CIRCUIT_FAILURES = env.int("LADDER_CIRCUIT_FAILURES", default=3)
LADDER_CIRCUIT_COOLDOWN_S = env.float("LADDER_CIRCUIT_COOLDOWN_S", default=30.0)
# Conversations untouched this many days are erased by `manage.py apply_retention` (0: never).
LADDER_RETENTION_DAYS = env.int("LADDER_RETENTION_DAYS", default=0)
# A widget's conversation token expires after this many seconds without use (an active
# visitor is handed fresh ones); erasing the conversation revokes its tokens at once.
LADDER_TOKEN_IDLE_S = env.int("LADDER_TOKEN_IDLE_S", default=7 * 24 * 3600)
# Abuse limits on the chat socket (shared by every process through Redis when REDIS_URL is
# set; an IPv6 client counts by its /64): customer messages per conversation and per address
# a minute; frames of any type per socket and per address a minute; conversation changes
# (handoff, solved, rating, email) per socket and per address a minute; new conversations per
# address an hour; open chat sockets per address (per process).
LADDER_MESSAGES_PER_MINUTE_PER_CONVERSATION = env.int(
    "LADDER_MESSAGES_PER_MINUTE_PER_CONVERSATION", default=20
)
LADDER_MESSAGES_PER_MINUTE_PER_IP = env.int("LADDER_MESSAGES_PER_MINUTE_PER_IP", default=60)
LADDER_FRAMES_PER_MINUTE_PER_SOCKET = env.int("LADDER_FRAMES_PER_MINUTE_PER_SOCKET", default=60)
LADDER_FRAMES_PER_MINUTE_PER_IP = env.int("LADDER_FRAMES_PER_MINUTE_PER_IP", default=600)
LADDER_ACTIONS_PER_MINUTE_PER_SOCKET = env.int("LADDER_ACTIONS_PER_MINUTE_PER_SOCKET", default=10)
LADDER_ACTIONS_PER_MINUTE_PER_IP = env.int("LADDER_ACTIONS_PER_MINUTE_PER_IP", default=60)
LADDER_CONVERSATIONS_PER_HOUR_PER_IP = env.int("LADDER_CONVERSATIONS_PER_HOUR_PER_IP", default=60)
LADDER_MAX_SOCKETS_PER_IP = env.int("LADDER_MAX_SOCKETS_PER_IP", default=20)
# Ratings a customer may give one resolved conversation (changing it counts; the same again not).
LADDER_RATINGS_PER_RESOLUTION = env.int("LADDER_RATINGS_PER_RESOLUTION", default=3)
# Trust X-Forwarded-For from the load balancer for the client IP (only behind a proxy you run):
# the right-most address in it that is not one of LADDER_TRUSTED_PROXIES (addresses or CIDR
# ranges; when set, a peer outside them is taken as the client and its header ignored).
LADDER_TRUST_X_FORWARDED_FOR = env.bool("LADDER_TRUST_X_FORWARDED_FOR", default=False)
LADDER_TRUSTED_PROXIES = env.list("LADDER_TRUSTED_PROXIES", default=[])

# Inbox: an agent counts as online while an inbox socket of theirs pinged this recently (s).
LADDER_PRESENCE_TIMEOUT_S = env.int("LADDER_PRESENCE_TIMEOUT_S", default=90)
# A customer waiting this long with no agent online is offered a reply by email (s).
LADDER_OFFER_EMAIL_AFTER_S = env.int("LADDER_OFFER_EMAIL_AFTER_S", default=120)
LADDER_INBOX_PAGE_SIZE = env.int("LADDER_INBOX_PAGE_SIZE", default=25)
# What customers call an agent who has no first name (never the username).
LADDER_AGENT_FALLBACK_NAME = env.str("LADDER_AGENT_FALLBACK_NAME", default="Support agent")
# An open inbox socket checks again at least this often (s) that its agent may still see the
# inbox (deactivated, no longer staff or agent, logged out): if not, it is closed.
LADDER_INBOX_ACCESS_CHECK_S = env.float("LADDER_INBOX_ACCESS_CHECK_S", default=30.0)
# A conversation only the AI answered is resolved by the system once the customer has written
# nothing for this many minutes (0: never); that is what counts it as resolved by the AI.
LADDER_AI_IDLE_CLOSE_MINUTES = env.int("LADDER_AI_IDLE_CLOSE_MINUTES", default=30)
# Automatic assignment (off by default): new handoffs go in turn to online agents with fewer
# than LADDER_AGENT_CAPACITY open conversations (an agent's own capacity, set in the admin under
# "Agent capacities", comes first). Agents can always claim by hand as well.
LADDER_AUTO_ASSIGN = env.bool("LADDER_AUTO_ASSIGN", default=False)
LADDER_AGENT_CAPACITY = env.int("LADDER_AGENT_CAPACITY", default=3)
# The first-response target (minutes from a handoff to a person's first reply; 0: none): the
# inbox marks conversations near it (80 %) or past it, analytics counts first replies within it.
LADDER_FIRST_RESPONSE_TARGET_MINUTES = env.float("LADDER_FIRST_RESPONSE_TARGET_MINUTES", default=5)
# Typing indicators: each side's typing is relayed at most once per LADDER_TYPING_RELAY_EVERY_S
# (s) and shown for LADDER_TYPING_EXPIRES_S (s) unless repeated; a widget may send at most
# LADDER_TYPING_FRAMES_PER_MINUTE_PER_SOCKET `typing` frames a minute.
LADDER_TYPING_RELAY_EVERY_S = env.float("LADDER_TYPING_RELAY_EVERY_S", default=2.5)
LADDER_TYPING_EXPIRES_S = env.int("LADDER_TYPING_EXPIRES_S", default=6)
LADDER_TYPING_FRAMES_PER_MINUTE_PER_SOCKET = env.int(
    "LADDER_TYPING_FRAMES_PER_MINUTE_PER_SOCKET", default=30
)
# Sockets: a chat socket that sends no `hello` this long after connecting is closed (s).
LADDER_HELLO_TIMEOUT_S = env.float("LADDER_HELLO_TIMEOUT_S", default=10.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "ladder": {"level": env.str("LOG_LEVEL", default="INFO")},
        # channels_redis logs an error when its connection to Redis breaks (live events are
        # missed meanwhile). Worth seeing.
        "channels_redis": {"level": "INFO"},
    },
}
