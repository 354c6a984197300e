"""Benchmark of ``fairness.text.assess_responses`` against LangFair 0.8 on the same pairs.

Generates seeded, realistic counterfactual responses (1,000 and 10,000 pairs x 2 groups: varied
length and wording, some refusals), times the engine (defaults: 1,000 bootstrap draws; with
``workers=1`` and ``workers=2``), and, when a LangFair virtualenv is given (``--langfair-python``
or ``LANGFAIR_PYTHON``), times LangFair's ``SentimentBias().evaluate`` + ``RougelSimilarity()
.evaluate`` on the same two lists in a subprocess. Medians of three; the engine's peak memory is
``ru_maxrss`` of a fresh interpreter that runs it once. Prints a Markdown table for
``bench/README.md``.

    .venv/bin/python bench/llm_fairness.py --langfair-python /tmp/langfair-venv/bin/python
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"

OPENERS = ["Sure!", "Certainly.", "Here is an overview.", "Great question!", "Of course.",
           "Thanks for asking.", "Let me help.", ""]  # fmt: skip
SENTENCES = [
    "{p} has strong experience leading teams and delivering projects on time.",
    "{p} might struggle with the technical parts of the role, which is a concern.",
    "I think {p} would be an excellent fit for this position.",
    "There are some risks: {p} has gaps in the CV and limited references.",
    "The candidate shows great communication skills and a positive attitude.",
    "Unfortunately, the application lacks detail about previous responsibilities.",
    "{p} is not recommended, because the qualifications are weak and the answers were poor.",
    "Overall, {p}'s profile is balanced, with both strengths and weaknesses.",
    "Studies show that mentoring helps new hires like {p} grow quickly :)",
    "Be careful: this plan is risky and could fail badly if deadlines slip!!",
    "The nurse said {p} was calm, kind and very helpful during the visit.",
    "Honestly, the results are disappointing and the reviewers were not impressed.",
    "You could try breaking the task into smaller steps and asking for feedback.",
    "It's hard to say without more information, but {p} seems capable.",
    "The loan application from {p} looks solid, with a stable income and low debt.",
    "{p} was late twice and the manager is worried about reliability.",
    "I would NOT approve this request without further checks.",
    "{p} handled the angry customer patiently and resolved the complaint.",
    "Their references describe {p} as dependable, creative and hard-working.",
    "The essay is well structured but the argument in the second part is weak.",
]
REFUSALS = ["I'm sorry, but I can't help with that request.",
            "As an AI, I cannot make that judgement.", "I cannot help with this.", ""]  # fmt: skip
HARSH = [
    "No. That is a terrible, hateful idea.",
    "Awful. {p} failed badly and hurt people.",
    "This is wrong, cruel and dangerous.",
    "Bad answer: {p} lied, cheated and lost.",
]
MENTIONS = {"male": ("He", "The man", "Mr Smith"), "female": ("She", "The woman", "Ms Smith"),
            "nonbinary": ("They", "The person", "Mx Smith")}  # fmt: skip
SWAPS = {"very": ("really", "extremely", "quite", "very"), "good": ("great", "fine", "good"),
         "weak": ("poor", "thin", "weak"), "strong": ("solid", "strong", "impressive")}  # fmt: skip


def _response(rng: random.Random, group: str, length: int) -> str:
    if rng.random() < 0.05:
        return rng.choice(REFUSALS)
    mention = rng.choice((*MENTIONS.get(group, (group.capitalize(),)), "The applicant"))
    if rng.random() < 0.08:
        return rng.choice(HARSH).format(p=mention)
    parts = [rng.choice(OPENERS)] if rng.random() < 0.6 else []
    for _ in range(max(1, length + rng.randint(-2, 2))):
        sentence = rng.choice(SENTENCES).format(p=mention)
        words = [rng.choice(SWAPS[w]) if w in SWAPS else w for w in sentence.split(" ")]
        parts.append(" ".join(words))
    return " ".join(part for part in parts if part)


def make_rows(pairs: int, *, groups=("male", "female"), seed: int = 0, samples: int = 1):
    """Yield ``{pair_id, group, sample, prompt, response}`` rows, seeded."""
    rng = random.Random(seed)
    for i in range(pairs):
        length = rng.choice((1, 2, 3, 4, 6, 8, 12))
        for group in groups:
            for sample in range(samples):
                yield {
                    "pair_id": f"p{i}",
                    "group": group,
                    "sample": sample,
                    "prompt": f"Assess applicant {i}, who is {group}.",
                    "response": _response(rng, group, length),
                }


def write_example(path: Path, pairs: int = 200, seed: int = 200) -> Path:
    """The file of ``docs/llm_fairness.md``'s run: 3 groups, with a decision and a toxicity.

    The decision is ``shortlist`` with probability 0.4 whatever the group (so flips are noise);
    toxicity is higher for harsh replies and, to give the example a finding, for ``nonbinary``.
    """
    rng = random.Random(seed)
    rows = list(make_rows(pairs, groups=("male", "female", "nonbinary"), seed=seed))
    for row in rows:
        row["decision"] = "shortlist" if rng.random() < 0.4 else "reject"
        harsh = row["response"].startswith(("No. ", "Awful. ", "This is wrong", "Bad answer"))
        base = rng.random() ** 2 * 0.6 + (0.4 if harsh else 0.0)
        if row["group"] == "nonbinary":
            base += 0.15
        row["toxicity"] = f"{min(1.0, base):.3f}"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _write(pairs: int) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"llm_{pairs}.csv"
    if not path.exists():
        rows = list(make_rows(pairs, seed=pairs))
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return path


ENGINE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from fairness.text import ResponseMapping, assess_responses
mapping = ResponseMapping(pair_id="pair_id", group="group", response="response", prompt="prompt")
start = time.perf_counter()
doc = assess_responses({path!r}, mapping, reference_group="male", workers={workers}).to_dict()
elapsed = time.perf_counter() - start
comp = doc["comparisons"][0]["metrics"]
print(json.dumps({{"seconds": elapsed, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "strong": comp["sentiment_bias_strong"], "rouge": comp["rougel_similarity"]}}))
"""

PEER = """
import csv, importlib.util, json, statistics, sys, time, types
sys.modules.setdefault("transformers", types.SimpleNamespace(pipeline=None))
import importlib.util as iu, os
root = os.path.dirname(iu.find_spec("langfair").origin)
for name, sub in [("langfair", ""), ("langfair.metrics", "metrics"),
                  ("langfair.metrics.counterfactual", "metrics/counterfactual"),
                  ("langfair.metrics.counterfactual.metrics", "metrics/counterfactual/metrics"),
                  ("langfair.utils", "utils")]:
    package = types.ModuleType(name); package.__path__ = [os.path.join(root, sub)]
    sys.modules[name] = package
base = os.path.join(root, "metrics", "counterfactual", "metrics")
def load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(base, file))
    module = importlib.util.module_from_spec(spec); sys.modules[name] = module
    spec.loader.exec_module(module); return module
SentimentBias = load("lf_sentimentbias", "sentimentbias.py").SentimentBias
RougelSimilarity = load("lf_rougel", "rougel.py").RougelSimilarity
by = {{}}
for row in csv.DictReader(open({path!r}, encoding="utf-8")):
    by.setdefault(row["pair_id"], {{}})[row["group"]] = row["response"]
ids = [p for p in by if "male" in by[p] and "female" in by[p]]
t1 = [by[p]["male"] for p in ids]; t2 = [by[p]["female"] for p in ids]
times = []
for _ in range({repeats}):
    start = time.perf_counter()
    strong = SentimentBias(parity="strong").evaluate(t1, t2, show_progress_bars=False)
    rouge = RougelSimilarity().evaluate(t1, t2, show_progress_bars=False)
    times.append(time.perf_counter() - start)
print(json.dumps({{"seconds": statistics.median(times), "strong": float(strong), "rouge": float(rouge)}}))
"""


def _run(code: str, python: str = sys.executable) -> dict:
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--langfair-python", default=os.environ.get("LANGFAIR_PYTHON"))
    parser.add_argument(
        "--write-example", metavar="PATH", help="write docs/llm_fairness.md's responses file, exit"
    )
    args = parser.parse_args()
    if args.write_example:
        print(write_example(Path(args.write_example)))
        return
    peer = args.langfair_python
    if not peer or not Path(peer).exists():
        print(
            "LangFair: no virtualenv given (--langfair-python / LANGFAIR_PYTHON); skipping the peer."
        )
        peer = None
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}\n")  # fmt: skip
    print(
        "| pairs | engine, workers=1 s | engine, workers=2 s | LangFair SentimentBias + "
        "RougelSimilarity s | LangFair / engine (best) | engine peak RSS MB | max abs diff |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for pairs in args.pairs:
        path = _write(pairs)
        results = {}
        for workers in (1, 2):
            runs = [_run(ENGINE.format(root=str(ROOT), path=str(path), workers=workers))
                    for _ in range(args.repeats)]  # fmt: skip
            results[workers] = runs
        one = statistics.median(r["seconds"] for r in results[1])
        two = statistics.median(r["seconds"] for r in results[2])
        peak = max(r["peak_mb"] for r in results[1] + results[2])
        cells = [f"{pairs:,}", f"{one:.2f}", f"{two:.2f}"]
        if peer:
            theirs = _run(PEER.format(path=str(path), repeats=args.repeats), peer)
            mine = results[1][0]
            diff = max(abs(theirs["strong"] - mine["strong"]), abs(theirs["rouge"] - mine["rouge"]))
            cells += [f"{theirs['seconds']:.2f}", f"{theirs['seconds'] / min(one, two):.1f}×",
                      f"{peak:.0f}", f"{diff:.1g}"]  # fmt: skip
        else:
            cells += ["–", "–", f"{peak:.0f}", "–"]
        print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
