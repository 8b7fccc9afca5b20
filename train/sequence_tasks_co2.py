"""Extract the Mauna Loa CO2 series once, at build time, into a small committed CSV of monthly means.

Source: statsmodels' `datasets/co2/co2.csv` (weekly flask/in-situ means, Scripps Institution of
Oceanography, Mauna Loa, March 1958 – December 2001; public domain, as statsmodels states). The wheel
is needed only here: `pip download statsmodels==0.14.5 --no-deps` and pass its path (or any co2.csv).
Weekly values are averaged by calendar month; the few months with no reading are filled by linear
interpolation between their neighbours, and the CSV marks them (`filled` = 1).

    python -m train.sequence_tasks_co2 --source statsmodels-0.14.5-...whl
"""
from __future__ import annotations

import argparse
import csv
import io
import zipfile
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "models" / "results" / "sequence_tasks_co2.csv"
MEMBER = "statsmodels/datasets/co2/co2.csv"


def read_weekly(source: Path) -> list[tuple[str, float]]:
    """(yyyymmdd, ppm) rows from the wheel (zip) or a plain co2.csv; empty readings skipped."""
    text = (zipfile.ZipFile(source).read(MEMBER).decode() if source.suffix == ".whl" else source.read_text())
    rows = csv.DictReader(io.StringIO(text))
    return [(r["date"], float(r["co2"])) for r in rows if r["co2"].strip()]


def monthly(weekly: list[tuple[str, float]]) -> list[tuple[str, float, int]]:
    """Calendar-month means, gaps filled linearly: [(YYYY-MM, ppm, filled)]."""
    sums: dict[tuple[int, int], list[float]] = defaultdict(list)
    for date, value in weekly:
        sums[(int(date[:4]), int(date[4:6]))].append(value)
    first, last = min(sums), max(sums)
    months, (y, m) = [], first
    while (y, m) <= last:
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    values = [sum(sums[k]) / len(sums[k]) if k in sums else None for k in months]
    out = []
    for i, (k, v) in enumerate(zip(months, values)):
        if v is None:  # linear between the nearest months with readings
            lo = max(j for j in range(i) if values[j] is not None)
            hi = min(j for j in range(i + 1, len(values)) if values[j] is not None)
            v = values[lo] + (values[hi] - values[lo]) * (i - lo) / (hi - lo)
        out.append((f"{k[0]:04d}-{k[1]:02d}", round(v, 3), int(k not in sums)))
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--source", type=Path, help="statsmodels wheel or co2.csv (default: an installed statsmodels)")
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--dry-run", action="store_true", help="parse and print, write nothing")
    # (--seed and --epochs are accepted for the house's uniform interface; nothing here is random)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=0)
    args = p.parse_args(argv)
    if args.source is None:
        import importlib.util
        spec = importlib.util.find_spec("statsmodels")
        args.source = Path(spec.origin).parent / "datasets" / "co2" / "co2.csv" if spec else None
    if args.source is None or not args.source.exists():
        if args.dry_run:  # nothing to read here: check that the committed file parses instead
            with open(OUT) as f:
                n = sum(1 for line in f if line[:1].isdigit())
            print(f"no statsmodels source; the committed {OUT.name} holds {n} months")
            return
        p.error("give --source (statsmodels is not installed)")
    rows = monthly(read_weekly(args.source))
    print(f"{len(rows)} months {rows[0][0]} .. {rows[-1][0]}, {sum(r[2] for r in rows)} filled")
    if args.dry_run:
        return
    with open(args.out, "w", newline="") as f:
        f.write("# Mauna Loa CO2, monthly means of statsmodels' weekly co2.csv (Scripps/CDIAC; public domain).\n")
        f.write("# Made by: python -m train.sequence_tasks_co2 --source statsmodels-0.14.5 wheel\n")
        w = csv.writer(f)
        w.writerow(["month", "ppm", "filled"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
