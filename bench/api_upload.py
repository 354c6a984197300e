"""A 1 GB predictions upload through the REST API to gunicorn, with the web processes' peak memory.

    .venv/bin/python bench/api_upload.py        (curl; SQLite in bench/out/api-upload/)

Uses the seeded ~1 GB CSV of `bench/upload_1gb.py` (bench/data/, generated when missing), starts
gunicorn (2 workers) on production settings, creates an API token with `manage.py api_token`, then
uploads the file twice with curl: as the raw body (`curl -T file .../datasets/`, the pipeline's
form: PUT .../datasets/<name>) and as a multipart form (`-F file=@...`). Each answer must be a 201
with the file's size and SHA-256. Then it reads each gunicorn process's peak resident memory
(VmHWM in /proc) before stopping them, and prints a Markdown table for bench/README.md.
"""

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

from upload_1gb import DATA, children, generate, peak_mb

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "api-upload"
PORT = int(os.environ.get("BENCH_PORT", "8767"))
BASE = f"http://127.0.0.1:{PORT}"
BIN = Path(sys.executable).parent
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DATABASE_URL": f"sqlite:///{OUT / 'db.sqlite3'}",
    "CELERY_BROKER_URL": "",
    "DJANGO_SECRET_KEY": secrets.token_hex(32),
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "PRIVATE_MEDIA_ROOT": str(OUT / "media"),
}
SETUP = """
import django; django.setup()
from django.contrib.auth import get_user_model
from checklists.services import default_checklist_load
from audits.services import teams, audits
version = default_checklist_load()
user = get_user_model().objects.create_user("bench", password="bench-password")
team = teams.team_create(name="Bench team")
teams.membership_set(team=team, user=user, role="owner")
audits.audit_create(team=team, user=user, title="1 GB API upload", system_name="Bench", checklist_version=version)
"""


def manage(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "python"), "manage.py", *args], check=True, env=ENV, cwd=ROOT, **kwargs
    )


def upload(token: str, *how: str) -> tuple[float, dict]:
    started = time.monotonic()
    result = subprocess.run(
        ["curl", "-sS", "--fail-with-body", "-H", f"Authorization: Bearer {token}", *how],
        check=True,
        capture_output=True,
        text=True,
    )
    return time.monotonic() - started, json.loads(result.stdout)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    generate()
    size, digest = DATA.stat().st_size, sha256(DATA)
    manage("migrate", "--noinput", "-v", "0")
    subprocess.run([str(BIN / "python"), "-c", SETUP], check=True, env=ENV, cwd=ROOT)
    token = manage(
        "api_token", "create", "bench", "--name", "bench", capture_output=True, text=True
    ).stdout.strip()
    web = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--timeout",
            "600",
            "--log-level",
            "warning",
        ],
        env=ENV,
        cwd=ROOT,
    )
    try:
        time.sleep(4)
        api = f"{BASE}/api/v1/audits/1/datasets/"
        subprocess.run(
            ["curl", "-sS", "-o", "/dev/null", "-H", f"Authorization: Bearer {token}", api],
            check=True,
        )
        idle = max(peak_mb(p) for p in children(web.pid))
        raw_time, raw = upload(token, "-T", str(DATA), "-H", "Content-Type: text/csv", api)
        form_time, form = upload(token, "-F", f"file=@{DATA};type=text/csv", api)
        peaks = [peak_mb(p) for p in children(web.pid)] + [peak_mb(web.pid)]
    finally:
        web.terminate()
        web.wait()
    for answer in (raw, form):
        assert answer["size"] == size and answer["sha256"] == digest, answer
    print("| what | value |\n|---|---|")
    print(f"| file | {size / 1e9:.2f} GB, {len(raw['columns'])} columns |")
    print(f"| raw body (`curl -T`, PUT .../datasets/<name>) | {raw_time:.1f} s |")
    print(f"| multipart (`curl -F file=@...`, POST .../datasets/) | {form_time:.1f} s |")
    print(f"| peak RSS of a gunicorn worker before the uploads | {idle:.0f} MB |")
    print(f"| peak RSS, largest gunicorn process (after both uploads) | {max(peaks):.0f} MB |")


if __name__ == "__main__":
    sys.exit(main())
