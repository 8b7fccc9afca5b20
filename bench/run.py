"""Run every benchmark and print one table; `--write` also saves BENCHMARKS.md with machine details.

    python -m bench.run [--write] [--only adversarial_attacks]
"""
from __future__ import annotations

import argparse
import importlib
import os
import platform
import pkgutil
import time
import traceback
from pathlib import Path

import torch

import bench
from bench.common import ROOT, Row

HEADER = ["area", "what", "time", "ratio to fwd+bwd", "target"]


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    return (f"{cpu}; {os.cpu_count()} cores; torch {torch.__version__} "
            f"({torch.get_num_threads()} threads); Python {platform.python_version()}")


def table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r.cells()) + " |" for r in rows]
    return "\n".join(lines)


def write_rows(rows: list[Row], area: str, command: str | None = None) -> None:
    """Replace the rows of BENCHMARKS.md whose area starts with `area` by `rows` (the others stay, with
    their own date), and say when and where these were measured."""
    path = ROOT / "BENCHMARKS.md"
    note = f"Rows `{area}…` measured with `{command or f'python -m bench.bench_{area} --write'}` on {time.strftime('%Y-%m-%d')}: {machine()}."
    body = [line for line in path.read_text().splitlines()
            if not line.startswith((f"| {area}", f"Rows `{area}…`"))]
    end = max(i for i, line in enumerate(body) if line.startswith("|")) + 1  # after the table's last row
    body[end:end] = table(rows).splitlines()[2:]
    body.insert(next(i for i, line in enumerate(body) if line.startswith("Machine:")) + 1, note)
    path.write_text("\n".join(body) + "\n")


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="save BENCHMARKS.md")
    parser.add_argument("--only", help="run only bench/bench_<ONLY>.py")
    args = parser.parse_args(argv)
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    if args.only:
        names = [n for n in names if n == f"bench_{args.only}"]
    rows: list[Row] = []
    start = time.time()
    failed = []
    for name in names:  # one broken benchmark must not cost the others' numbers
        try:
            rows += importlib.import_module(f"bench.{name}").run()
        except Exception as err:  # noqa: BLE001  (reported below, and the exit status says so)
            traceback.print_exc()
            failed.append(f"{name}: {type(err).__name__}: {err}")
    text = table(rows)
    print(text)
    print(f"\n{machine()}; total {time.time() - start:.0f} s")
    missing = "".join(f"\nNot measured (the benchmark failed): {f}.\n" for f in failed)
    if failed:
        print(missing)
    if args.write and args.only:  # one benchmark: its own rows replaced, the rest of the file kept
        write_rows(rows, args.only, f"python -m bench.run --only {args.only} --write")
    elif args.write:
        Path("BENCHMARKS.md").write_text(
            f"# Benchmarks\n\nMeasured with `python -m bench.run --write` on {time.strftime('%Y-%m-%d')}.\n"
            f"Machine: {machine()}.\n\n{text}\n{missing}")
    if failed:
        raise SystemExit(1)
    return rows


if __name__ == "__main__":
    main()
