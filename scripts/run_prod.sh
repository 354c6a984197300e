#!/usr/bin/env bash
# The scaled setup on one machine: gunicorn (several workers) + a Celery worker, on PostgreSQL and
# Redis, static files through WhiteNoise, uploads in a private folder. See README "Production".
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DJANGO_SECRET_KEY:?set DJANGO_SECRET_KEY}"
: "${DATABASE_URL:?set DATABASE_URL, e.g. postgres://user@127.0.0.1:5432/workbench}"
: "${ALLOWED_HOSTS:?set ALLOWED_HOSTS, e.g. audit.example.org}"
: "${CELERY_BROKER_URL:?set CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0}"
export DJANGO_SETTINGS_MODULE=config.settings.production
BIN=.venv/bin
WEB_WORKERS=${WEB_WORKERS:-$(( $(nproc) * 2 + 1 ))}
CELERY_CONCURRENCY=${CELERY_CONCURRENCY:-$(nproc)}
BIND=${BIND:-127.0.0.1:${PORT:-8000}}

"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py collectstatic --noinput -v 0
"$BIN/python" manage.py load_default_checklist

# --beat: this one worker also runs the periodic sweep (dead runs, left-over seals and copies).
# Exactly one beat must run: on more machines, start the other workers without --beat.
"$BIN/celery" -A config worker --loglevel=INFO --concurrency="$CELERY_CONCURRENCY" \
  --hostname="workbench@%h" --beat --schedule="${CELERY_BEAT_SCHEDULE:-/tmp/workbench-celerybeat}" &
worker=$!
# Stop the worker cleanly (warm shutdown: it finishes its current run) when gunicorn stops.
trap 'kill -TERM "$worker" 2>/dev/null; wait "$worker" 2>/dev/null || true' EXIT INT TERM

echo "Serving on http://$BIND/ with $WEB_WORKERS gunicorn workers and a Celery worker ($CELERY_CONCURRENCY processes, with beat)"
"$BIN/gunicorn" config.wsgi:application --bind "$BIND" --workers "$WEB_WORKERS" \
  --timeout "${GUNICORN_TIMEOUT:-120}" --access-logfile - --max-requests 2000 --max-requests-jitter 200
