"""Fail a CI job when a fairness gate fails: upload predictions, start a run, wait, read the gates.

    FAIRNESS_URL=https://workbench.example.org FAIRNESS_TOKEN=faw_... python3 fairness_gate.py \
        AUDIT_ID predictions.csv '{"y_true": "label", "y_pred": "decision", "sensitive": ["sex"]}'

GATES=FAIR-06,FAIR-07 judges only those gates. Exit 0: no gate fails; 1: a gate fails; 2: the run
failed or the API refused. Only the standard library; the file is streamed, never read whole.
"""

import json
import os
import sys
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote
from urllib.request import Request, urlopen

BASE, TOKEN = os.environ["FAIRNESS_URL"].rstrip("/"), os.environ["FAIRNESS_TOKEN"]
assert BASE.startswith(("https://", "http://")), "FAIRNESS_URL must be an http(s) address"


def call(method, path, body=None, content_type="application/json", size=None):
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": content_type}
    headers |= {"Content-Length": str(size)} if size is not None else {}
    try:
        with urlopen(Request(BASE + path, data, headers, method=method), timeout=600) as answer:  # noqa: S310
            return json.load(answer)
    except HTTPError as error:
        sys.exit(
            print(f"{method} {path}: {error.code} {error.read().decode()}", file=sys.stderr) or 2
        )


audit, csv, mapping = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
api = f"/api/v1/audits/{audit}"
with csv.open("rb") as file:  # 1. upload: the request's body is the file, streamed
    dataset = call("PUT", f"{api}/datasets/{quote(csv.name)}", file, "text/csv", csv.stat().st_size)
run = call("POST", f"{api}/datasets/{dataset['id']}/runs/", {"mapping": mapping})  # 2. start
while not run["done"]:  # 3. wait
    time.sleep(2)
    run = call("GET", f"{api}/runs/{run['id']}/")
if run["status"] != "succeeded":
    sys.exit(print(f"Run #{run['id']} failed: {run['error_message']}", file=sys.stderr) or 2)
only = set(filter(None, os.environ.get("GATES", "").split(",")))
gates = [g for g in call("GET", f"{api}/gates/") if not only or g["code"] in only]  # 4. gates
for gate in gates:
    print(f"{gate['code']}: {gate['value']} - {gate['description']}")
failed = any(gate["value"] == "fail" for gate in gates)
print(f"Run #{run['id']}: {'a fairness gate fails' if failed else 'no fairness gate fails'}.")
sys.exit(1 if failed else 0)
