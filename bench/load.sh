#!/usr/bin/env bash
# Load benchmark: gunicorn on PostgreSQL with 50 teams, 2,000 audits, 80,000 answers and 2,000
# fairness runs; wrk on loopback with a logged-in session against three pages, 30 s each.
#   bench/load.sh              (needs PostgreSQL on 127.0.0.1:5432 and wrk: apt-get install wrk)
#   AUDITS=20000 bench/load.sh ten times the data (20,000 audits, 800,000 answers, 20,000 runs)
#   bench/load.sh --serial     one request at a time: 200 sequential requests per page
# The database (workbench_load_<AUDITS>) is seeded once and kept; RESEED=1 seeds it again.
# Results: bench/out/load-*.txt; the summary table is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
SERIAL=0
[ "${1:-}" = --serial ] && SERIAL=1
AUDITS=${AUDITS:-2000}
DB=${BENCH_DB:-workbench_load_$AUDITS}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-16}
WORKERS=${WEB_WORKERS:-5}
PORT=${BENCH_PORT:-8765}
mkdir -p bench/out
export DJANGO_SETTINGS_MODULE=config.settings.production
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export DJANGO_SECRET_KEY="bench-only-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false SECURE_COOKIES=false
export PRIVATE_MEDIA_ROOT="$PWD/bench/out/media"
# The scaled setup's shared cache (README "Production"): sessions are read from Redis.
export CACHE_URL=${CACHE_URL:-redis://127.0.0.1:6379/14}

if [ "${RESEED:-0}" = 1 ]; then
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" >/dev/null
fi
if ! psql -h 127.0.0.1 -U postgres -qtAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" >/dev/null
fi
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py collectstatic --noinput -v 0
eval "$(.venv/bin/python bench/seed_load.py "$AUDITS" | grep -E '^(SESSION|AUDIT)=')"

.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --log-level warning > bench/out/gunicorn.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fso /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break; sleep 0.2; done

pages=("audit list:/audits/" "audit page:/audits/$AUDIT/" "report page:/audits/$AUDIT/report/")
# Warm every worker on every page first (a worker's first request of a page loads its templates
# and modules, about 1.3 s): the measurement is of a running server, not of its start.
for page in "${pages[@]}"; do
  warming=()
  for _ in $(seq $((WORKERS * 4))); do
    curl -fso /dev/null -H "Cookie: sessionid=$SESSION" "http://127.0.0.1:$PORT${page#*:}" &
    warming+=($!)
  done
  wait "${warming[@]}"  # not a bare wait: that would wait for gunicorn too
done
if [ "$SERIAL" = 1 ]; then
  printf '| page (%s audits, one request at a time) | median | p90 | p99 |\n|---|---|---|---|\n' \
    "$AUDITS" > bench/out/serial-summary.md
  for page in "${pages[@]}"; do
    name=${page%%:*}; path=${page#*:}
    read -r p50 p90 p99 < <(.venv/bin/python bench/serial.py "http://127.0.0.1:$PORT$path" "$SESSION" 200)
    printf '| %s `%s` | %s ms | %s ms | %s ms |\n' "$name" "$path" "$p50" "$p90" "$p99" \
      >> bench/out/serial-summary.md
  done
  cat bench/out/serial-summary.md
  exit 0
fi

printf '| page (%s audits) | requests/s | median | p99 | errors (non-2xx or socket) |\n|---|---|---|---|---|\n' \
  "$AUDITS" > bench/out/load-summary.md
for page in "${pages[@]}"; do
  name=${page%%:*}; path=${page#*:}
  out="bench/out/load-${name// /-}.txt"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Cookie: sessionid=$SESSION" \
    "http://127.0.0.1:$PORT$path" > "$out"
  rps=$(awk '/Requests\/sec/ {print $2}' "$out")
  p50=$(awk '$1=="50%" {print $2}' "$out")
  p99=$(awk '$1=="99%" {print $2}' "$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$out"); non2xx=${non2xx:-0}
  # "  Socket errors: connect 0, read 0, write 0, timeout 4": sum the numbers after each word
  # (field positions shift with the line's leading spaces, so match the words instead).
  sock=$(awk '/Socket errors/ {n = 0; for (i = 1; i < NF; i++) if ($i ~ /^(connect|read|write|timeout)$/) n += $(i + 1); print n}' "$out"); sock=${sock:-0}
  printf '| %s `%s` | %s | %s | %s | %s |\n' "$name" "$path" "$rps" "$p50" "$p99" "$((non2xx + sock))" \
    >> bench/out/load-summary.md
done
cat bench/out/load-summary.md
