#!/usr/bin/env bash
# The engine runs with only its own runtime dependencies (fairness/requirements.txt, at the
# versions pinned in requirements.txt): no Django, no fairlearn, no pandas, no scikit-learn.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
venv=$(mktemp -d)/bare
trap 'rm -rf "$(dirname "$venv")"' EXIT
"$PYTHON" -m venv "$venv"
pins=()
while read -r name _; do
  case "$name" in ''|'#'*) continue ;; esac
  pins+=("$(grep -iE "^${name}==" requirements.txt)")
done < fairness/requirements.txt
"$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}" 2>&1 | grep -v "^WARNING: Location" || true
# Run from a folder holding only a copy of the engine, so nothing else of the project is importable.
work=$(dirname "$venv")/src
mkdir -p "$work" && cp -r fairness "$work/" && cp tests/data/fairness_small.csv "$work/"
cd "$work"
"$venv/bin/python" - <<'PY'
import importlib.util
import sys

for absent in ("django", "fairlearn", "pandas", "sklearn"):
    assert importlib.util.find_spec(absent) is None, f"{absent} is installed in the bare venv"
import fairness

report = fairness.assess(
    "fairness_small.csv",
    fairness.ColumnMapping(y_true="label", y_pred="decision", sensitive=["sex", "race"]),
)
document = report.to_dict()
assert document["schema"] == "fairness-report/1", document["schema"]
assert "fairlearn" not in document["versions"] and "numpy" in document["versions"]
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("django", "fairlearn", "pandas", "sklearn"))
assert not loaded, loaded
print(f"ok: the engine ran with only {', '.join(sorted(document['versions']))}")

# The text engine (LLM responses) likewise: VADER's lexicon and ROUGE come with their packages.
from pathlib import Path

import fairness.text as text

rows = ["pair_id,group,response"]
for i in range(8):
    rows.append(f"{i},male,\"Sure! Here is a clear plan for account {i}; I am happy to help.\"")
    rows.append(f"{i},female,\"I'm sorry, but I can't help with account {i}.\"")
Path("responses.csv").write_text("\n".join(rows) + "\n")
llm = text.assess_responses(
    "responses.csv", text.ResponseMapping(pair_id="pair_id", group="group", response="response")
).to_dict()
assert llm["schema"] == "llm-fairness-report/1", llm["schema"]
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("django", "fairlearn", "pandas", "sklearn"))
assert not loaded, loaded
print(f"ok: the text engine ran with only {', '.join(sorted(llm['versions']))}")
PY
