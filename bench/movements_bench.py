"""Physical file movements at the scale of years: a history of 1 million movements, then the operations
archivists do all day, through the real case service (access checks and audit records included).

    python bench/movements_bench.py [--movements 1000000] [--cases 50000] [--ops 500]

Setup loads the history in bulk (SQL executemany, as a migration would); the timed operations go through
``CaseService``: record a movement (check-out / check-in), "where is file X", a file's history, overdue list.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402

from config.settings import Settings  # noqa: E402
from services.case_inputs import LocationIn, MovementIn  # noqa: E402
from services.context import AppContext  # noqa: E402
from store.cases import Case, Movement  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def timed(fn, n: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t) * 1000)
    return out


def report(name: str, ms: list[float]) -> None:
    print(
        f"{name:<38} n={len(ms):>5}  p50 {statistics.median(ms):7.2f} ms  p95 {pct(ms, 95):7.2f} ms  max {max(ms):7.2f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--movements", type=int, default=1_000_000)
    ap.add_argument("--cases", type=int, default=50_000)
    ap.add_argument("--ops", type=int, default=500)
    args = ap.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        ctx = AppContext.open(Settings(data_dir=Path(tmp), _env_file=None))  # type: ignore[call-arg]
        archivist = ctx.accounts.create_user("arch", "benchmark-password", ["archivist"])
        for i in range(20):
            ctx.cases.add_location(archivist, LocationIn(code=f"S{i}", name=f"Magasin {i}", kind="store"))
        for i in range(40):
            ctx.cases.add_location(archivist, LocationIn(code=f"O{i}", name=f"Bureau {i}", kind="office"))
        with ctx.db.session() as s:
            loc_ids = [r[0] for r in s.execute(text("SELECT id FROM locations ORDER BY id"))]
        t0 = time.perf_counter()
        case_ids = [secrets.token_hex(16) for _ in range(args.cases)]
        today = dt.date.today()
        with ctx.db.session() as s:
            s.execute(
                insert(Case),
                [
                    {
                        "id": cid,
                        "reference": f"B-{n:07d}",
                        "registered_on": today - dt.timedelta(days=rng.randint(0, 3650)),
                        "procedure": "normal",
                        "division": "africa",
                        "status": "registered",
                        "location_id": rng.choice(loc_ids),
                        "due_back": today - dt.timedelta(days=rng.randint(-30, 30)) if rng.random() < 0.05 else None,
                        "created_by": "bench",
                    }
                    for n, cid in enumerate(case_ids)
                ],
            )
        start = dt.datetime(2016, 1, 1)
        batch = 50_000
        for b in range(0, args.movements, batch):
            rows = [
                {
                    "case_id": rng.choice(case_ids),
                    "from_location_id": rng.choice(loc_ids),
                    "to_location_id": rng.choice(loc_ids),
                    "moved_by": "bench",
                    "moved_at": start + dt.timedelta(minutes=5 * (b + i)),
                    "reason": "historique",
                }
                for i in range(min(batch, args.movements - b))
            ]
            with ctx.db.session() as s:
                s.execute(insert(Movement), rows)
        load_s = time.perf_counter() - t0
        db_mb = (Path(tmp) / "coidesk.sqlite3").stat().st_size / 1e6
        print(
            f"history: {args.movements:,} movements over {args.cases:,} files loaded in {load_s:.1f} s ({db_mb:.0f} MB)"
        )

        with ctx.db.session() as s:
            codes = {lid: code for lid, code in s.execute(text("SELECT id, code FROM locations"))}
        store_codes = [c for c in codes.values() if c.startswith("S")]
        office_codes = [c for c in codes.values() if c.startswith("O")]
        report(
            "record a movement (check-out/in)",
            timed(
                lambda i: ctx.cases.move(
                    archivist,
                    rng.choice(case_ids),
                    MovementIn(to_location=rng.choice(office_codes if i % 2 else store_codes), reason="bench"),
                ),
                args.ops,
            ),
        )
        report("where is file X", timed(lambda i: ctx.cases.where_is(archivist, rng.choice(case_ids)), args.ops * 2))
        report(
            "history of file X (all movements)",
            timed(lambda i: ctx.cases.movements(archivist, rng.choice(case_ids)), args.ops),
        )
        report("overdue files (first 500)", timed(lambda i: ctx.cases.overdue(archivist), 20))
        v = ctx.audit.verify()
        print(f"audit: {v.checked:,} records, chain ok={v.ok}")
        with ctx.db.session() as s:
            n = s.execute(text("SELECT count(*) FROM movements")).scalar()
        print(f"movements now: {n:,}")
        ctx.close()


if __name__ == "__main__":
    main()
