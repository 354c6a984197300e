"""Benchmark of the fairness engine (``fairness.assess``) on large synthetic files.

Generates seeded CSV files of 1M and 10M rows into ``bench/data/`` (binary y_true and y_pred,
three sensitive columns of 3, 6 and 4 levels) and measures, as medians of ``--repeats`` runs in
this process:

- the floor: ``pyarrow.csv.read_csv`` of the whole file;
- ``assess`` end to end with its defaults (1,000 bootstrap draws), and without the bootstrap;
- ``pandas.read_csv`` + fairlearn ``MetricFrame`` on the raw rows, with the engine's metrics over
  the same four groupings (1M rows only: it is slow);
- the peak resident memory of ``assess`` in a fresh interpreter, and of the imports alone;
- fairlearn ``MetricFrame`` on the count table (``sample_weight`` = counts) against the engine's
  closed forms on the same table.

Usage::

    .venv/bin/python bench/fairness_engine.py            # 1M and 10M rows, three repeats
    .venv/bin/python bench/fairness_engine.py --sizes 1000000 --repeats 1

It prints a Markdown table to paste into ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
SENSITIVE = {"sex": 3, "race": 6, "age_group": 4}
SEED = 20240611

sys.path.insert(0, str(ROOT))


def generate(rows: int, path: Path, seed: int = SEED) -> None:
    """Write a seeded synthetic predictions file: three sensitive columns, y_true, y_pred."""
    rng = np.random.default_rng(seed)
    columns = {}
    shift = np.zeros(rows)
    for name, levels in SENSITIVE.items():
        weights = np.linspace(2.0, 1.0, levels)
        codes = rng.choice(levels, size=rows, p=weights / weights.sum())
        shift += (codes - levels / 2) * 0.02
        labels = pa.array([f"{name[0]}{i}" for i in range(levels)])
        coded = pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), labels)
        columns[name] = coded.cast(pa.string())
    y_true = rng.random(rows) < 0.3
    selected = np.where(y_true, rng.random(rows) < 0.7 + shift, rng.random(rows) < 0.2 + shift)
    columns["y_true"] = pa.array(y_true.astype(np.int8))
    columns["y_pred"] = pa.array(selected.astype(np.int8))
    path.parent.mkdir(parents=True, exist_ok=True)
    pcsv.write_csv(pa.table(columns), path, pcsv.WriteOptions(quoting_style="none"))


def median_seconds(function: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def mapping():
    from fairness import ColumnMapping

    return ColumnMapping(y_true="y_true", y_pred="y_pred", sensitive=list(SENSITIVE))


def _fairlearn_metrics() -> dict[str, Callable]:
    """The engine's classification metrics as scikit-learn / fairlearn functions."""
    import sklearn.metrics as skm
    from fairlearn.metrics import (
        false_negative_rate,
        false_positive_rate,
        selection_rate,
        true_negative_rate,
        true_positive_rate,
    )

    def base_rate(y_true, y_pred, sample_weight=None):
        return selection_rate(y_pred, y_true, sample_weight=sample_weight)

    return {
        "selection_rate": selection_rate,
        "base_rate": base_rate,
        "accuracy": skm.accuracy_score,
        "balanced_accuracy": skm.balanced_accuracy_score,
        "precision": skm.precision_score,
        "recall": skm.recall_score,
        "true_positive_rate": true_positive_rate,
        "false_positive_rate": false_positive_rate,
        "false_negative_rate": false_negative_rate,
        "true_negative_rate": true_negative_rate,
        "f1": skm.f1_score,
    }


def raw_fairlearn(path: Path) -> None:
    """What the engine replaces: pandas on every row, MetricFrame per grouping, same metrics."""
    import pandas as pd
    from fairlearn.metrics import MetricFrame

    frame = pd.read_csv(path)
    intersection = frame[list(SENSITIVE)].astype(str).agg(" x ".join, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for features in [*(frame[c] for c in SENSITIVE), intersection]:
            metric_frame = MetricFrame(
                metrics=_fairlearn_metrics(),
                y_true=frame["y_true"],
                y_pred=frame["y_pred"],
                sensitive_features=features,
            )
            metric_frame.difference()
            metric_frame.ratio()


def count_table(path: Path):
    """The engine's count table of ``path`` and its groupings (private API, for measuring)."""
    from fairness._groups import build_groupings
    from fairness._reader import CountingReader
    from fairness._sniff import sniff
    from fairness._source import InputStream
    from fairness._table import build_table

    stream = InputStream(path)
    layout = sniff(stream)
    raw = CountingReader(layout, mapping().plan(layout.columns), max_groups=1000).read(stream)
    stream.close()
    table = build_table(raw, layout, pos_label=None, score_column=None, threshold=0.5)
    return table, build_groupings(table, max_groups=1000)


def metric_frame_on_counts(table, groupings) -> None:
    """The issue's design: fairlearn's MetricFrame on the count table, sample_weight = counts."""
    import pandas as pd
    from fairlearn.metrics import MetricFrame

    cells = table.cells
    functions = _fairlearn_metrics()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for grouping in groupings:
            known = grouping.cell_group >= 0
            weights = cells.counts[known].astype(float)
            metric_frame = MetricFrame(
                metrics=functions,
                y_true=cells.y_true[known],
                y_pred=cells.y_pred[known],
                sensitive_features=pd.Series(grouping.cell_group[known]),
                sample_params={name: {"sample_weight": weights} for name in functions},
            )
            metric_frame.difference()
            metric_frame.ratio()


def closed_forms_on_counts(table, groupings) -> None:
    """What the engine does instead: the same metrics in closed form, all groups at once."""
    from fairness._disparity import all_disparities, disparity_names
    from fairness._evaluate import confusion_counts
    from fairness._metrics import confusion_metrics

    for grouping in groupings:
        counts = confusion_counts(table.cells, grouping.cell_group, grouping.size)
        counts = {k: v for k, v in counts.items() if k != "n"}
        values = confusion_metrics({k: v[None, :] for k, v in counts.items()})
        overall = confusion_metrics({k: v.sum()[None] for k, v in counts.items()})
        all_disparities(disparity_names(values), values, overall, "between_groups")


def peak_memory(path: Path | None) -> float:
    """Peak RSS (MB) of a fresh interpreter that imports the engine and assesses ``path``."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across execve.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import bench.fairness_engine as b; "
        "from fairness import assess\n"
        "if sys.argv[2] != '-': assess(sys.argv[2], b.mapping())\n"
        "status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
        "print(int(status.split()[0]) / 1024)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), str(path) if path else "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    model = "unknown CPU"
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next(
            line.split(":", 1)[1].strip()
            for line in lscpu.splitlines()
            if line.startswith("Model name")
        )
    except (OSError, subprocess.CalledProcessError, StopIteration):
        pass
    return f"{model}, {os.cpu_count()} CPUs, Python {platform.python_version()}, pyarrow {pa.__version__}"


def _row(rows: int, repeats: int, raw_max_rows: int) -> str:
    from fairness import assess

    path = DATA / f"synthetic_{rows}.csv"
    if not path.exists():
        generate(rows, path)
    floor = median_seconds(lambda: pcsv.read_csv(path), repeats)
    full = median_seconds(lambda: assess(path, mapping()), repeats)
    bare = median_seconds(lambda: assess(path, mapping(), bootstrap_draws=0), repeats)
    raw = median_seconds(lambda: raw_fairlearn(path), repeats) if rows <= raw_max_rows else None
    raw_cells = f"{raw:.2f} | {raw / full:.0f}x" if raw else "- | -"
    return (
        f"| {rows:,} | {path.stat().st_size / 2**20:.0f} | {floor:.2f} | {full:.2f} | "
        f"{full / floor:.1f} | {bare:.2f} | {raw_cells} | {peak_memory(path):.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--raw-max-rows", type=int, default=1_000_000, help="no raw run above")
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    print(f"Command: {Path(sys.executable).name} {' '.join(sys.argv)}")
    print(f"Peak RSS after importing the engine: {peak_memory(None):.0f} MB\n")
    print(
        "| rows | file MB | floor: read_csv s | assess s | x floor | assess, no bootstrap s "
        "| raw fairlearn s | raw / assess | assess peak RSS MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for rows in args.sizes:
        print(_row(rows, args.repeats, args.raw_max_rows), flush=True)
    table, groupings = count_table(DATA / f"synthetic_{max(args.sizes)}.csv")
    on_counts = median_seconds(lambda: metric_frame_on_counts(table, groupings), args.repeats)
    closed = median_seconds(lambda: closed_forms_on_counts(table, groupings), args.repeats)
    print(
        f"\nMetrics and disparities of the {max(args.sizes):,}-row count table "
        f"({len(table.cells.counts)} cells, {sum(g.size for g in groupings)} groups in "
        f"{len(groupings)} groupings): fairlearn MetricFrame with sample_weight = counts "
        f"{on_counts:.3f} s; the engine's closed forms {closed:.4f} s."
    )


# -- Version 2: regression, multiclass, Parquet, the attributes join -------------------------------
CLASSES = ("approve", "refer", "decline", "review")


def _sensitive(rng: np.random.Generator, rows: int) -> tuple[dict[str, pa.Array], np.ndarray]:
    columns, shift = {}, np.zeros(rows)
    for name, levels in SENSITIVE.items():
        weights = np.linspace(2.0, 1.0, levels)
        codes = rng.choice(levels, size=rows, p=weights / weights.sum())
        shift += (codes - levels / 2) * 0.02
        labels = pa.array([f"{name[0]}{i}" for i in range(levels)])
        coded = pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), labels)
        columns[name] = coded.cast(pa.string())
    return columns, shift


def generate_v2(rows: int, kind: str, path: Path, seed: int = SEED) -> None:
    """Seeded files: ``regression`` and ``multiclass`` CSVs, the join's two files."""
    rng = np.random.default_rng(seed)
    columns, shift = _sensitive(rng, rows)
    if kind == "regression":
        y = rng.normal(50, 10, rows)
        columns["y_true"] = pa.array(y.round(2))
        columns["y_pred"] = pa.array((y + rng.normal(0, 5, rows) + shift * 20).round(2))
    elif kind == "multiclass":
        true = rng.choice(len(CLASSES), size=rows)
        pred = np.where(rng.random(rows) < 0.6 + shift, true, rng.choice(len(CLASSES), size=rows))
        labels = pa.array(list(CLASSES))
        for name, codes in (("y_true", true), ("y_pred", pred)):
            array = pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), labels)
            columns[name] = array.cast(pa.string())
    path.parent.mkdir(parents=True, exist_ok=True)
    pcsv.write_csv(pa.table(columns), path, pcsv.WriteOptions(quoting_style="none"))


def generate_join(rows: int, predictions: Path, attributes: Path, seed: int = SEED) -> None:
    """The binary file split in two: (id, y_true, y_pred) and (id, sensitive...), shuffled."""
    table = pcsv.read_csv(DATA / f"synthetic_{rows}.csv")
    ids = pa.array(np.arange(rows, dtype=np.int64) * 7 + 1000)
    pcsv.write_csv(
        pa.table({"id": ids, "y_true": table["y_true"], "y_pred": table["y_pred"]}), predictions
    )
    order = np.random.default_rng(seed).permutation(rows)
    attrs = pa.table({"id": ids, **{c: table[c] for c in SENSITIVE}}).take(pa.array(order))
    pcsv.write_csv(attrs, attributes, pcsv.WriteOptions(quoting_style="none"))


V2_MAPPINGS = {
    "binary": {"y_true": "y_true", "y_pred": "y_pred", "sensitive": list(SENSITIVE)},
    "regression": {"y_true": "y_true", "y_pred": "y_pred", "sensitive": list(SENSITIVE)},
    "multiclass": {"y_true": "y_true", "y_pred": "y_pred", "sensitive": list(SENSITIVE)},
    "join": {"y_true": "y_true", "y_pred": "y_pred", "sensitive": list(SENSITIVE), "id": "id"},
}


def _assess_v2(kind: str, path: Path, attributes: Path | None = None) -> object:
    from fairness import ColumnMapping, assess

    task = None if kind in ("binary", "join") else kind
    return assess(path, ColumnMapping(**V2_MAPPINGS[kind]), task=task, attributes=attributes)


def peak_v2(kind: str, path: Path, attributes: Path | None) -> float:
    """Peak RSS (MB) of a fresh interpreter running one ``assess`` of ``kind``."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import bench.fairness_engine as b\n"
        "from pathlib import Path\n"
        "b._assess_v2(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]) if sys.argv[4] != '-' else None)\n"
        "status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
        "print(int(status.split()[0]) / 1024)"
    )
    args = [str(ROOT), kind, str(path), str(attributes) if attributes else "-"]
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def polars_group_by(path: Path, columns: list[str]) -> None:
    import polars as pl

    scan = pl.scan_parquet(path) if path.suffix == ".parquet" else pl.scan_csv(path)
    scan.group_by(columns).len().collect()


def main_v2(rows: int, repeats: int) -> None:
    """Regression, multiclass and Parquet against the pyarrow floor and polars; the join."""
    import pyarrow.parquet as pq

    binary_csv = DATA / f"synthetic_{rows}.csv"
    if not binary_csv.exists():
        generate(rows, binary_csv)
    files = {
        "regression": DATA / f"regression_{rows}.csv",
        "multiclass": DATA / f"multiclass_{rows}.csv",
        "binary": DATA / f"synthetic_{rows}.parquet",
    }
    for kind, path in files.items():
        if path.exists():
            continue
        if kind == "binary":
            pq.write_table(pcsv.read_csv(binary_csv), path, row_group_size=1 << 20)
        else:
            generate_v2(rows, kind, path)
    predictions, attributes = DATA / f"join_pred_{rows}.csv", DATA / f"join_attr_{rows}.csv"
    if not predictions.exists() or not attributes.exists():
        generate_join(rows, predictions, attributes)
    columns = [*SENSITIVE, "y_true", "y_pred"]
    print(
        "| input | rows | file MB | floor s | polars group_by().len() s | assess s "
        "| assess / polars | assess peak RSS MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    binary_time = None
    for kind, path in (("binary CSV", binary_csv), *((k, v) for k, v in files.items())):
        task = "binary" if kind.startswith("binary") else kind
        label = "binary Parquet" if kind == "binary" else kind if kind != "binary CSV" else kind
        if path.suffix == ".parquet":
            floor = median_seconds(lambda path=path: pq.read_table(path), repeats)
        else:
            floor = median_seconds(lambda path=path: pcsv.read_csv(path), repeats)
        peer = median_seconds(lambda path=path: polars_group_by(path, columns), repeats)
        full = median_seconds(lambda task=task, path=path: _assess_v2(task, path), repeats)
        if kind == "binary CSV":
            binary_time = full
        memory = peak_v2(task, path, None)
        print(
            f"| {label} | {rows:,} | {path.stat().st_size / 2**20:.0f} | {floor:.2f} | {peer:.2f} "
            f"| {full:.2f} | {full / peer:.2f} | {memory:.0f} |",
            flush=True,
        )
    join = median_seconds(lambda: _assess_v2("join", predictions, attributes), repeats)
    memory = peak_v2("join", predictions, attributes)
    assert binary_time is not None
    print(
        f"\nJoin of {rows:,} predictions with {rows:,} attribute rows (shuffled): assess "
        f"{join:.2f} s, {join / binary_time:.1f}x the binary CSV ({binary_time:.2f} s); "
        f"peak RSS {memory:.0f} MB."
    )


if __name__ == "__main__":
    if "--v2" in sys.argv:
        rows = (
            int(sys.argv[sys.argv.index("--v2") + 1])
            if len(sys.argv) > sys.argv.index("--v2") + 1
            else 10_000_000
        )
        print(f"Machine: {machine()}")
        print(f"Command: {Path(sys.executable).name} {' '.join(sys.argv)}\n")
        main_v2(rows, 3)
    else:
        main()
