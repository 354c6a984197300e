"""Test settings: the suite runs against SQLite by default and PostgreSQL when DATABASE_URL says so."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
STORAGES["default"]["OPTIONS"]["location"] = env.path(  # noqa: F405
    "PRIVATE_MEDIA_ROOT", default=BASE_DIR / ".test_media"
)
MEDIA_ROOT = STORAGES["default"]["OPTIONS"]["location"]  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's default in-memory database, so that tests with threads see SQLite's real
    # locking (tests/audits/views/test_concurrent_answers.py); pytest-xdist suffixes the name.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test_db.sqlite3")}  # noqa: F405
AXES_ENABLED = env.bool("AXES_ENABLED", default=False)
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
FAIRNESS_JOB_MODE = env("FAIRNESS_JOB_MODE", default="sync")
# Serve static files from the finders; no collectstatic needed outside production.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Fewer bootstrap draws keep the suite quick; the engine tests set their own.
FAIRNESS_BOOTSTRAP_DRAWS = 200
