#!/usr/bin/env bash
# Fail a CI job when a fairness gate fails: upload predictions, start a run, wait, read the gates.
#
#   FAIRNESS_URL=https://workbench.example.org FAIRNESS_TOKEN=faw_... \
#     docs/examples/fairness_gate.sh AUDIT_ID predictions.csv \
#       '{"y_true": "label", "y_pred": "decision", "sensitive": ["sex"], "pos_label": "1"}'
#
# The run checks every metric gate of the audit's checklist. GATES=FAIR-06,FAIR-07 judges only
# those. Exit 0: no gate fails; 1: a gate fails; 2: the run failed or the API refused. Needs curl, jq.
set -euo pipefail
audit=$1 file=$2 mapping=$3
api="${FAIRNESS_URL%/}/api/v1/audits/$audit"
call() {
  curl -sS --fail-with-body -H "Authorization: Bearer $FAIRNESS_TOKEN" "$@" \
    || { echo >&2 "fairness gate: the request failed (see the error above)"; exit 2; }
}

# 1. Upload: curl -T streams the file as the body of PUT .../datasets/<its name>.
dataset=$(call -T "$file" -H "Content-Type: text/csv" "$api/datasets/")
# 2. Start a run with the mapping (options and extra_checks may be added: see docs/api.md).
run=$(call -H "Content-Type: application/json" -d "{\"mapping\": $mapping}" \
  "$api/datasets/$(jq -r .id <<<"$dataset")/runs/")
id=$(jq -r .id <<<"$run")
# 3. Wait until it is done.
until [ "$(jq -r .done <<<"$run")" = true ]; do
  sleep 2
  run=$(call "$api/runs/$id/")
done
if [ "$(jq -r .status <<<"$run")" != succeeded ]; then
  echo >&2 "fairness gate: run #$id failed: $(jq -r .error_message <<<"$run")"
  exit 2
fi
# 4. The gates, answered from this run (an auditor's override, with its justification, stands).
gates=$(call "$api/gates/" | jq --arg only "${GATES:-}" \
  '[.[] | select($only == "" or (.code as $c | $only | split(",") | index($c)))]')
jq -r '.[] | "\(.code): \(.value) - \(.description)"' <<<"$gates"
if jq -e 'any(.[]; .value == "fail")' <<<"$gates" >/dev/null; then
  echo "Run #$id: a fairness gate fails."
  exit 1
fi
echo "Run #$id: no fairness gate fails."
