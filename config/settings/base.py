"""Settings shared by every environment. Values come from the environment through django-environ."""

import importlib.util
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env is a convenience for development; production sets real environment variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The app's version, from its pyproject.toml; the app passes it to the fairness engine, which never
# reads its host's files.
APP_VERSION = str(tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]["version"])

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "checklists",
    "audits",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several web workers and threads write to one file: wait for the lock (busy timeout) rather
    # than fail at once, take it when a transaction starts (IMMEDIATE: no deadlock upgrading a read
    # to a write), and let readers go on while one writes (WAL; NORMAL sync is safe with WAL).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Bootstrap's dist files come from the bootstrap-wrapper wheel, so the app works offline (no CDN).
_bootstrap_spec = importlib.util.find_spec("bootstrap")
if _bootstrap_spec is None or not _bootstrap_spec.submodule_search_locations:
    raise ImportError("The bootstrap-wrapper package is not installed (see requirements.txt).")
_bootstrap_dir = Path(_bootstrap_spec.submodule_search_locations[0])
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", _bootstrap_dir)]
STORAGES: dict[str, dict[str, Any]] = {
    # Uploaded files live in a private folder that no URL maps to; only access-checked views serve them.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = STORAGES["default"]["OPTIONS"]["location"]
MEDIA_URL = None  # never served as static files

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Uploads are streamed to disk above this size rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Application limits (see README "Configuration").
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=25 * 1024 * 1024)
EVIDENCE_ALLOWED_TYPES = env.list(
    "EVIDENCE_ALLOWED_TYPES",
    default=["pdf", "png", "jpg", "jpeg", "txt", "md", "csv", "json", "docx", "xlsx", "pptx"],
)
DATASET_MAX_BYTES = env.int("DATASET_MAX_BYTES", default=2 * 1024 * 1024 * 1024)
FAIRNESS_MAX_GROUPS = env.int("FAIRNESS_MAX_GROUPS", default=1000)
# Most columns in a predictions file's header; wider files are refused at upload.
FAIRNESS_MAX_COLUMNS = env.int("FAIRNESS_MAX_COLUMNS", default=2000)
# Bootstrap resamples of the count table for every disparity's interval (fixed seed).
FAIRNESS_BOOTSTRAP_DRAWS = env.int("FAIRNESS_BOOTSTRAP_DRAWS", default=1000)
# LLM responses: an upload up to this size is read through once by the engine before it is kept,
# so bad data (one group only, non-numeric toxicity) is refused at once; larger ones at the run.
LLM_INGEST_CHECK_MAX_BYTES = env.int("LLM_INGEST_CHECK_MAX_BYTES", default=64 * 1024 * 1024)
# Responses scored for the VADER neg histogram drawn beside an LLM run.
LLM_FIGURE_MAX_RESPONSES = env.int("LLM_FIGURE_MAX_RESPONSES", default=100_000)

# Jobs go to Celery when a broker is configured, and run in-process otherwise.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
# How fairness runs execute: "celery" (a worker), "thread" (in the web process, in the background)
# or "sync" (inside the request; tests). Defaults to celery when a broker is configured.
FAIRNESS_JOB_MODE = env("FAIRNESS_JOB_MODE", default="celery" if CELERY_BROKER_URL else "thread")
# A running job whose heartbeat is older than this is declared dead (its worker died) and failed.
FAIRNESS_JOB_STALE_SECONDS = env.int("FAIRNESS_JOB_STALE_SECONDS", default=300)
CELERY_ACCEPT_CONTENT = ["json"]

# Login throttling (django-axes): lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Without it, axes prints its version banner on stderr at every start, management commands included.
AXES_VERBOSE = False

# Content-Security-Policy (django-csp): no inline or third-party scripts anywhere. Inline styles
# stay allowed because matplotlib's SVG charts carry style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The REST API (README "REST API"): per-user tokens (knox, hashed, with an expiry; our own model adds
# a name and the last use), session auth for the browsable docs, the standardized error bodies.
API_TOKEN_DEFAULT_DAYS = env.int("API_TOKEN_DEFAULT_DAYS", default=90)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
# Requests per token (per user for session clients), e.g. "600/minute" or "10000/hour".
API_THROTTLE_RATE = env("API_THROTTLE_RATE", default="600/minute")
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=50)
API_MAX_PAGE_SIZE = 500
KNOX_TOKEN_MODEL = "api.ApiToken"  # noqa: S105  (a model name, not a secret)
# knox's own migrations create its (here swapped-out) AuthToken table, with a foreign key to the
# users that Django no longer knows of: flushing the users then fails on PostgreSQL. Without its
# migrations, the swapped model gets no table at all.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_PREFIX": "faw_",  # recognisable by secret scanners and people
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_TTL": timedelta(days=API_TOKEN_DEFAULT_DAYS),
    "AUTO_REFRESH": False,
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: its scheme is the one a 401 names in WWW-Authenticate.
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": API_PAGE_SIZE,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON; the views that take files name their own parsers (multipart, a raw body).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "api.errors.ApiExceptionHandler",
    "EXCEPTION_FORMATTER_CLASS": "api.errors.ApiExceptionFormatter",
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fairness audit workbench API",
    "DESCRIPTION": (
        "The same audits, answers, evidence, reviews, reports, datasets, fairness runs and metric "
        "gates as the pages, with the same "
        "rules: a member of another team gets 404, a role without the right 403, a locked audit "
        "refuses every write (`audit_locked`). Authenticate with `Authorization: Bearer <token>` "
        "(create a token on the API tokens page, or `manage.py api_token create`)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
        "ErrorCode401Enum": "drf_standardized_errors.openapi_serializers.ErrorCode401Enum.choices",
        "ErrorCode403Enum": "drf_standardized_errors.openapi_serializers.ErrorCode403Enum.choices",
        "ErrorCode404Enum": "drf_standardized_errors.openapi_serializers.ErrorCode404Enum.choices",
        "ErrorCode405Enum": "drf_standardized_errors.openapi_serializers.ErrorCode405Enum.choices",
        "ErrorCode406Enum": "drf_standardized_errors.openapi_serializers.ErrorCode406Enum.choices",
        "ErrorCode415Enum": "drf_standardized_errors.openapi_serializers.ErrorCode415Enum.choices",
        "ErrorCode429Enum": "drf_standardized_errors.openapi_serializers.ErrorCode429Enum.choices",
        "ErrorCode500Enum": "drf_standardized_errors.openapi_serializers.ErrorCode500Enum.choices",
        "AuditStatusEnum": "audits.models.AuditStatus.choices",
        "VersionStatusEnum": "checklists.models.VersionStatus.choices",
        "RiskTierEnum": "audits.models.RiskTier.choices",
        "RoleEnum": "audits.models.Role.choices",
        "DecisionEnum": "audits.models.Decision.choices",
        "RunStatusEnum": "audits.models.RunStatus.choices",
        "ActionStatusEnum": "audits.models.ActionStatus.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "api.schema.drop_backend_integer_limits",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every PDF at INFO; keep only their warnings.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
