"""Registration desk and civil status at scale (issue 18): one command, prints numbers.

    .venv/bin/python -m bench.office_desk_bench [--applications 150000] [--acts 1000] [--clients 16]

1. Fills a new SQLite store with N applications in the mail register (bulk insert, the year's volume), then
   times the desk's operations through the services (need-to-know and audit included): register, checklist
   update, original with receipt, register page, incomplete-only page, one entry; prints p50/p95 in ms.
2. Issues A acts from C parallel clients (threads on the same store, as the server's worker threads do) and
   counts duplicates and gaps in the register numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from config.settings import Settings
from services.case_inputs import ApplicantIn, CaseIn, GrantIn
from services.civil_status import ActIn, PersonIn
from services.context import AppContext
from services.registration_desk import ChecklistIn, MailIn, OriginalIn
from store.registration import DeskCounter, MailEntry

PASSWORD = "correct horse battery staple"
ITEMS = ["form_signed", "asylum_certificate", "photographs", "identity_documents", "account_in_french"]


def timed(fn: Callable[[], object], n: int) -> tuple[float, float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    out.sort()
    return statistics.median(out), out[int(len(out) * 0.95) - 1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--applications", type=int, default=150_000)
    ap.add_argument("--acts", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--samples", type=int, default=200)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="office-desk-bench-"))
    ctx = AppContext.open(Settings(data_dir=tmp, _env_file=None))  # type: ignore[call-arg]
    sec = ctx.accounts.create_user("sec", PASSWORD, ["secretary"], "sec", "africa", False)
    head = ctx.accounts.create_user("head", PASSWORD, ["protection_officer"], "head", "africa", True)
    reg = ctx.accounts.create_user("reg", PASSWORD, ["civil_registrar"], "reg", None, False)
    case = ctx.cases.create(
        sec,
        CaseIn(reference="BENCH-1", registered_on=dt.date(2026, 1, 2), division="africa",
               applicants=[ApplicantIn(full_name="Bench Applicant")]),
    )  # fmt: skip
    rnd = random.Random(18)
    t0 = time.perf_counter()
    start = dt.date(2026, 1, 1)
    chunk = 10_000
    with ctx.db.session() as s:
        for base in range(0, args.applications, chunk):
            rows = []
            for i in range(base, min(base + chunk, args.applications)):
                present = {k: rnd.random() < 0.8 for k in ITEMS}
                rows.append(
                    MailEntry(
                        reference=f"COU-2026-{i + 1:06d}",
                        received_on=start + dt.timedelta(days=i * 365 // args.applications),
                        sender=f"Expéditeur {i}",
                        channel=rnd.choice(["post", "hand", "email"]),
                        kind="application",
                        procedure="normal",
                        division=rnd.choice(["africa", "asia", "americas_maghreb", "europe_middle_east"]),
                        case_id=None,
                        checklist=present,
                        missing_count=sum(1 for v in present.values() if not v),
                        registered_by="bench",
                    )
                )
            s.add_all(rows)
            s.flush()
        s.add(DeskCounter(register="mail", year=2026, n=args.applications))
    print(f"filled {args.applications} applications in {time.perf_counter() - t0:.1f} s ({tmp})")  # noqa: T201
    desk = ctx.office.registration
    entry = desk.register(sec, MailIn(received_on=dt.date(2026, 6, 1), sender="Bench", case_reference="BENCH-1"))
    flip = [0]

    def checklist() -> None:
        flip[0] += 1
        desk.set_checklist(sec, entry.id, ChecklistIn(present=ITEMS[: flip[0] % 5]))

    ops: dict[str, Callable[[], object]] = {
        "register an application": lambda: desk.register(
            sec, MailIn(received_on=dt.date(2026, 6, 2), sender="Bench", present=["form_signed"])
        ),
        "update its checklist": checklist,
        "record an original (receipt)": lambda: desk.add_original(
            sec, entry.id, OriginalIn(description="Passeport", location="Magasin A", received_on=dt.date(2026, 6, 2))
        ),
        "register page (50 latest)": lambda: desk.page(sec, False, 50, 0),
        "incomplete only (50)": lambda: desk.page(sec, True, 50, 0),
        "one entry with checklist": lambda: desk.get(sec, entry.id),
    }
    print(f"{'operation':34} {'p50 ms':>8} {'p95 ms':>8}")  # noqa: T201
    for name, fn in ops.items():
        p50, p95 = timed(fn, args.samples)
        print(f"{name:34} {p50:8.1f} {p95:8.1f}")  # noqa: T201

    ctx.cases.grant(head, case["id"], GrantIn(username="reg", reason="bench"))
    pp = ctx.office.civil.open_person(
        reg, PersonIn(case_id=case["id"], protection="refugee", granted_on=dt.date(2026, 1, 2))
    )
    numbers: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()
    per = [args.acts // args.clients + (1 if i < args.acts % args.clients else 0) for i in range(args.clients)]
    barrier = threading.Barrier(args.clients)

    def client(n: int) -> None:
        barrier.wait()
        for _ in range(n):
            try:
                a = ctx.office.civil.draw_up(reg, pp.id, ActIn(act_type="birth"))
            except Exception as exc:
                errors.append(type(exc).__name__)
                continue
            with lock:
                numbers.append(a.number)

    threads = [threading.Thread(target=client, args=(n,)) for n in per]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - t0
    dupes = len(numbers) - len(set(numbers))
    gaps = (max(numbers) - len(set(numbers))) if numbers else 0
    print(  # noqa: T201
        f"issued {len(numbers)} acts from {args.clients} parallel clients in {took:.1f} s "
        f"({len(numbers) / took:.0f}/s): duplicates {dupes}, gaps {gaps}, errors {len(errors)}"
    )
    ctx.close()


if __name__ == "__main__":
    main()
