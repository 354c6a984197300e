"""A 1 GB predictions upload processed by a Celery worker, with the processes' peak memory.

    .venv/bin/python bench/upload_1gb.py        (PostgreSQL and Redis on 127.0.0.1, curl)

Generates a seeded ~1 GB CSV in bench/data/, starts gunicorn (2 workers) and a Celery worker
(solo pool) on production settings, logs in with curl, uploads the file (curl streams it), maps the
columns, polls the progress endpoint until the run is done, then reads each process's peak
resident memory (VmHWM in /proc) before stopping them. Prints a Markdown table for bench/README.md.
"""

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data" / "predictions-1gb.csv"
OUT = ROOT / "bench" / "out"
PORT = int(os.environ.get("BENCH_PORT", "8766"))
BASE = f"http://127.0.0.1:{PORT}"
DB = "workbench_upload"
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14",
    "DJANGO_SECRET_KEY": secrets.token_hex(32),
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "PRIVATE_MEDIA_ROOT": str(OUT / "media"),
}
BIN = ROOT / ".venv" / "bin"


def generate(target_bytes: int = 1_000_000_000) -> None:
    if DATA.exists() and DATA.stat().st_size >= target_bytes:
        return
    DATA.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2026)
    sex, race, age = (
        np.array(["F", "M"]),
        np.array(["A", "B", "C", "D", "E", "F"]),
        np.array(["<25", "25-39", "40-54", "55+"]),
    )
    with DATA.open("w") as handle:
        handle.write("sex,race,age_group,label,decision\n")
        while handle.tell() < target_bytes:
            n = 1_000_000
            s, r, a = rng.choice(sex, n), rng.choice(race, n), rng.choice(age, n)
            y = rng.integers(0, 2, n)
            d = (rng.random(n) < np.where(s == "F", 0.25, 0.35)).astype(int)
            handle.write(
                "".join(
                    f"{i},{j},{k},{m},{o}\n" for i, j, k, m, o in zip(s, r, a, y, d, strict=True)
                )
            )


def run(*args, **kwargs):
    return subprocess.run(args, check=True, env=ENV, cwd=ROOT, **kwargs)


def curl(*args) -> str:
    jar = str(OUT / "cookies.txt")
    result = subprocess.run(
        ["curl", "-sS", "-b", jar, "-c", jar, *args], check=True, capture_output=True, text=True
    )
    return result.stdout


def csrf() -> str:
    cookies = (OUT / "cookies.txt").read_text()
    return re.search(r"csrftoken\s+(\S+)", cookies).group(1)


def peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "cookies.txt").unlink(missing_ok=True)
    generate()
    size = DATA.stat().st_size
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB}"],
        check=True,
    )
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DB}"], check=True
    )
    run(str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0")
    run(str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0")
    run(str(BIN / "python"), "-c", SETUP)
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
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING"],
        env=ENV,
        cwd=ROOT,
    )
    try:
        time.sleep(4)
        curl(f"{BASE}/accounts/login/", "-o", "/dev/null")
        curl(
            f"{BASE}/accounts/login/",
            "-o",
            "/dev/null",
            "-H",
            f"Referer: {BASE}/accounts/login/",
            "-d",
            f"csrfmiddlewaretoken={csrf()}&username=bench&password=bench-password",
        )
        started = time.monotonic()
        curl(
            f"{BASE}/audits/1/datasets/upload/",
            "-o",
            "/dev/null",
            "-H",
            f"Referer: {BASE}/",
            "-F",
            f"csrfmiddlewaretoken={csrf()}",
            "-F",
            f"file=@{DATA};type=text/csv",
        )
        uploaded = time.monotonic() - started
        curl(
            f"{BASE}/audits/1/datasets/1/map/",
            "-o",
            "/dev/null",
            "-H",
            f"Referer: {BASE}/",
            "-d",
            f"csrfmiddlewaretoken={csrf()}&y_true=label&y_pred=decision&score=&threshold=0.5"
            "&sensitive=sex&sensitive=race&sensitive=age_group&pos_label=1&pos_label_other="
            "&reference_policy=highest&reference_group=&exclusion_share=0.02"
            "&four_fifths_threshold=0.8&min_group_size=30&disparity_method=between_groups",
        )
        started = time.monotonic()
        while True:
            state = curl(f"{BASE}/audits/1/runs/1/progress/")
            if '"done": true' in state:
                break
            time.sleep(0.5)
        computed = time.monotonic() - started
        web_peaks = [peak_mb(p) for p in children(web.pid)] + [peak_mb(web.pid)]
        worker_peak = max([peak_mb(worker.pid)] + [peak_mb(p) for p in children(worker.pid)])
    finally:
        web.terminate()
        worker.terminate()
        web.wait()
        worker.wait()
    print(f"final state: {state}")
    print("| what | value |\n|---|---|")
    print(f"| file | {size / 1e9:.2f} GB, {size // 20_000_000 * 1_000_000:,}+ rows |")
    print(f"| upload (curl → gunicorn, streamed to disk) | {uploaded:.1f} s |")
    print(f"| run in the Celery worker (queue → done) | {computed:.1f} s |")
    print(f"| peak RSS, largest gunicorn process | {max(web_peaks):.0f} MB |")
    print(f"| peak RSS, Celery worker | {worker_peak:.0f} MB |")


SETUP = """
import django; django.setup()
from django.contrib.auth import get_user_model
from checklists.services import default_checklist_load
from audits.services import teams, audits
version = default_checklist_load()
user = get_user_model().objects.create_user("bench", password="bench-password")
team = teams.team_create(name="Bench team")
teams.membership_set(team=team, user=user, role="owner")
audits.audit_create(team=team, user=user, title="1 GB upload", system_name="Bench", checklist_version=version)
"""

if __name__ == "__main__":
    sys.exit(main())
