"""Load test: the real server (``coidesk serve`` on 127.0.0.1) under N concurrent virtual users, bounded
in time, with the audit trail checked afterwards.

    .venv/bin/python bench/load_bench.py [--users 32] [--seconds 60] [--port 0] [--enrich]

Setup (in a temporary data dir, through the project's own services, no hand-written SQL): the demo
corpus is ingested and indexed (NLP enrichment only with ``--enrich``); accounts are created for a
research assistant, protection officers, a head of division, two secretaries (who register the cases),
an admin and a data-protection officer, each with an API token; cases are registered and assigned, each
with two case documents (ingest jobs run in place) and one stored fact verification.

Then ``coidesk serve --host 127.0.0.1`` runs as a subprocess with ``COIDESK_DATA_DIR`` set to that dir
(if the CLI does not register ``serve``, the same ``cli.main.serve`` function is called directly and a
warning printed), and ``--users`` threads, each with its own keep-alive ``httpx.Client``, loop until the
deadline over a weighted mix:

- ``search``: ``GET /api/search``, French and English queries, some with filters and facets, by the
  research assistant or an officer (an officer's hits may include the case documents of their cases);
- ``case_view`` / ``case_documents`` / ``case_verifications``: ``GET /api/cases/{id}``,
  ``.../documents``, ``.../verifications`` by an officer who may see the case (its assigned officer, or
  the head of its division);
- ``upload``: ``POST /api/documents`` with a small text file, by the research assistant, at most
  ``--upload-rate`` per second overall (a draw over the rate becomes a search);
- ``audit``: ``GET /api/audit`` (latest records, by case, by user) by the admin or the DPO.

Every request has a timeout (30 s); a status >= 400 or an exception is an error of its kind. The
server's peak memory is its ``VmHWM`` (and the highest sampled ``VmRSS`` of it and its children) from
``/proc``.

Audit check. In ``services/cases.py`` each successful case read appends exactly one record, before the
data is returned: ``CaseService.get`` -> ``case.view``, ``CaseService.documents`` ->
``case.documents.view``, ``CaseService.verifications`` -> ``case.verification.list`` (a refused or
missing case appends one record of the same action with another outcome instead; the document list
embedded in ``case.view`` adds nothing). So after the run, the records of those three actions with outcome ``ok`` written since the
server started must equal the successful case-read requests, action by action. Searches add
``search.hit`` records (one per case document shown), uploads of non-case documents and audit reads add
none; these are printed for information. After the server is stopped (SIGTERM: a graceful uvicorn shutdown,
which then re-raises the signal, so -15 is a clean exit), ``coidesk audit verify`` must exit 0. Exit
status 1 on any request error, a broken chain, a count mismatch or an unclean shutdown. A warning is
printed if project files change during the run (results would mix code versions).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from config.settings import Settings  # noqa: E402
from ingest.pipeline import ingest_corpus  # noqa: E402
from ingest.uploads import run_queued  # noqa: E402
from services.case_inputs import ApplicantIn, CaseIn, InterviewIn, NoteIn  # noqa: E402
from services.context import AppContext  # noqa: E402
from services.verify import VerifyIn  # noqa: E402

CORPUS = ROOT / "demo" / "corpus"
COIDESK = ROOT / ".venv" / "bin" / "coidesk"
PASSWORD = "load-bench-password-1234"
TIMEOUT_S = 30.0
CASE_READS = {
    "case_view": "case.view",
    "case_documents": "case.documents.view",
    "case_verifications": "case.verification.list",
}
KINDS = ("search", "case_view", "case_documents", "case_verifications", "upload", "audit")
WEIGHTS = (0.60, 0.12, 0.10, 0.08, 0.05, 0.05)

# username: (roles, division, heads division)
STAFF: dict[str, tuple[list[str], str | None, bool]] = {
    "ra": (["research_assistant"], None, False),
    "head_africa": (["protection_officer"], "africa", True),
    "officer_a1": (["protection_officer"], "africa", False),
    "officer_a2": (["protection_officer"], "africa", False),
    "officer_s1": (["protection_officer"], "asia", False),
    "officer_s2": (["protection_officer"], "asia", False),
    "sec_africa": (["secretary"], "africa", False),
    "sec_asia": (["secretary"], "asia", False),
    "admin": (["admin"], None, False),
    "dpo": (["data_protection"], None, False),
}
OFFICERS = ("head_africa", "officer_a1", "officer_a2", "officer_s1", "officer_s2")
# division, assigned officer, nationality, statements checked against COI, case document texts
CASES = [
    (
        "africa",
        "officer_a1",
        "SDN",
        "En juin 2023, j'ai été arrêté par les Forces de soutien rapide à El Geneina, au Darfour occidental.",
        [
            "Compte rendu d'entretien : le demandeur déclare avoir été détenu à El Geneina par les RSF.",
            "Certificat médical : cicatrices compatibles avec des mauvais traitements en détention.",
        ],
    ),
    (
        "africa",
        "officer_a2",
        "ERI",
        "I deserted from national service in 2019 and crossed the border to Sudan near Tesseney.",
        [
            "Interview record: the applicant describes indefinite national service and desertion.",
            "Copie de la convocation militaire et traduction certifiée.",
        ],
    ),
    (
        "africa",
        "officer_a1",
        "GIN",
        "En septembre 2009, j'étais au stade de Conakry lors de la répression de la manifestation.",
        [
            "Entretien : la demanderesse relate les événements du 28 septembre 2009 à Conakry.",
            "Attestation d'une association de victimes, Conakry.",
        ],
    ),
    (
        "africa",
        "officer_a2",
        "COD",
        "In 2022 armed groups attacked my village near Goma in North Kivu and my husband disappeared.",
        [
            "Interview record: attack on a village in North Kivu, disappearance of the spouse.",
            "Avis de recherche et photographies.",
        ],
    ),
    (
        "africa",
        "officer_a1",
        "SOM",
        "Al-Shabaab forced my brother to join them in Mogadishu in 2020.",
        [
            "Interview record: forced recruitment by Al-Shabaab in Mogadishu.",
            "Déclaration écrite du demandeur, traduite du somali.",
        ],
    ),
    (
        "africa",
        "officer_a2",
        "CMR",
        "En 2018, l'armée a incendié mon village dans la région du Nord-Ouest anglophone.",
        [
            "Entretien : crise anglophone, village incendié dans le Nord-Ouest.",
            "Carte de membre d'une association et lettre de soutien.",
        ],
    ),
    (
        "asia",
        "officer_s1",
        "AFG",
        "After the Taliban took Kabul in August 2021, I was threatened because I worked for a foreign NGO.",
        [
            "Interview record: employment with a foreign NGO in Kabul, threats by the Taliban.",
            "Contrat de travail et lettre de l'employeur.",
        ],
    ),
    (
        "asia",
        "officer_s2",
        "PAK",
        "In 2021 I was accused of blasphemy in Lahore and a mob attacked our house.",
        [
            "Interview record: blasphemy accusation in Lahore, First Information Report.",
            "Copie du FIR et traduction.",
        ],
    ),
]


# ---- setup ---------------------------------------------------------------------------------------
@dataclass
class Fixture:
    tokens: dict[str, str]
    readers: list[tuple[str, str]]  # (officer, case id) pairs the officer may see in full
    case_ids: list[str]


def setup(data_dir: Path, enrich: bool) -> Fixture:
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    ctx = AppContext.open(settings)
    try:
        t0 = time.perf_counter()
        report = ingest_corpus(ctx.store, [CORPUS], received_by="load-bench")
        if report.failed:
            raise SystemExit(f"demo corpus: {len(report.failed)} records failed: {report.failed[:3]}")
        ctx.indexer.drain()
        print(
            f"setup: demo corpus {ctx.store.count()} documents ingested and indexed ({time.perf_counter() - t0:.1f} s)"
        )
        if enrich:
            from analyzers.enricher import Enricher
            from ingest.enrich import enrich_documents

            t0 = time.perf_counter()
            er = enrich_documents(ctx.store, Enricher(n_process=1))
            ctx.indexer.drain()
            print(f"setup: enriched {er.enriched}, failed {er.failed} ({time.perf_counter() - t0:.1f} s)")

        principals = {}
        tokens = {}
        for name, (roles, division, head) in STAFF.items():
            principals[name] = ctx.accounts.create_user(name, PASSWORD, roles, name, division, head)
            tokens[name] = ctx.accounts.create_token(principals[name].user_id, "load-bench")[1]

        t0 = time.perf_counter()
        verifier = ctx.verifier()
        readers: list[tuple[str, str]] = []
        case_ids = []
        for n, (division, officer, nationality, statements, documents) in enumerate(CASES, 1):
            case = ctx.cases.create(
                principals[f"sec_{division}"],
                CaseIn(
                    reference=f"LOAD-2026-{n:04d}",
                    registered_on=dt.date.today() - dt.timedelta(days=30 * n),
                    division=division,
                    applicants=[ApplicantIn(full_name=f"Demandeur fictif {n}", nationality=nationality)],
                    assigned_officer=officer,
                ),
            )
            cid = case["id"]
            case_ids.append(cid)
            p = principals[officer]
            ctx.cases.add_interview(p, cid, InterviewIn(held_on=dt.date.today(), transcript=statements))
            ctx.cases.add_note(p, cid, NoteIn(text="Récit cohérent, à vérifier / consistent account, to check."))
            for i, text in enumerate(documents, 1):
                ctx.cases.add_document(p, cid, f"Pièce {i}", text.encode(), f"piece-{i}.txt")
            run_queued(ctx.store, ctx.jobs)  # the server's job loop does this
            data = VerifyIn(statements=statements, country=nationality, case_id=cid)
            ctx.cases.check_verify(p, cid)
            ctx.cases.save_verification(p, cid, data.model_dump(mode="json"), verifier.verify(data))
            readers.append((officer, cid))
            if division == "africa":
                readers.append(("head_africa", cid))
        ctx.indexer.drain()
        print(
            f"setup: {len(STAFF)} accounts with tokens, {len(CASES)} cases with 2 documents and 1 verification "
            f"each ({time.perf_counter() - t0:.1f} s)"
        )
        return Fixture(tokens, readers, case_ids)
    finally:
        ctx.close()


# ---- the server ----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(data_dir: Path, enrich: bool) -> dict[str, str]:
    return {
        **os.environ,
        "COIDESK_DATA_DIR": str(data_dir),
        "COIDESK_HOST": "127.0.0.1",
        "COIDESK_ENRICH_IN_SERVER": "true" if enrich else "false",
        "COIDESK_CRAWL_SCHEDULE": "false",
        "COIDESK_COOKIE_SECURE": "true",  # tokens only here; cookies keep their production setting
        "COLUMNS": "200",  # rich output of `coidesk audit verify` on one line
    }


def serve_argv(port: int) -> list[str]:
    """``coidesk serve``; if this checkout's CLI does not register ``serve``, the same ``cli.main.serve``
    function (memory cap, logging, uvicorn without access log) called directly, and a warning."""
    from cli.main import app

    commands = {
        (c.name or (c.callback.__name__ if c.callback else "")).replace("_", "-") for c in app.registered_commands
    }
    if "serve" in commands:
        return [str(COIDESK), "serve", "--host", "127.0.0.1", "--port", str(port)]
    print("WARNING: `coidesk serve` is not a registered command in cli/main.py; calling cli.main.serve() directly")
    code = "import sys; from cli.main import serve; serve(host=sys.argv[1], port=int(sys.argv[2]))"
    return [str(COIDESK.parent / "python"), "-c", code, "127.0.0.1", str(port)]


def start_server(data_dir: Path, port: int, enrich: bool, log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    log = log_path.open("wb")
    proc = subprocess.Popen(  # noqa: S603 - our own console script, fixed argv
        serve_argv(port),
        cwd=data_dir,  # no .env from the checkout
        env=server_env(data_dir, enrich),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log_path.read_text(errors='replace')[-4000:]}")
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError("server did not answer /api/health within 120 s")


def stop_server(proc: subprocess.Popen[bytes]) -> int:
    """SIGTERM (uvicorn shuts down gracefully: lifespan stops the writer and job loops), then SIGKILL."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    return int(proc.returncode)


def _status_kib(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (and its waited-for children), from /proc/<pid>/stat."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    kids = [int(x) for x in f.read().split()]
                out.extend(kids)
                todo.extend(kids)
        except OSError:
            continue
    return out


class MemoryProbe(threading.Thread):
    """Samples the server's VmRSS (and its children's) every 200 ms; VmHWM is the kernel's own peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss_kib = 0
        self.peak_tree_kib = 0
        self.hwm_kib = 0
        self.cpu_start = _cpu_seconds(pid)
        self.cpu_end = self.cpu_start
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(0.2)

    def sample(self) -> None:
        rss = _status_kib(self.pid, "VmRSS")
        tree = rss + sum(_status_kib(c, "VmRSS") for c in _descendants(self.pid))
        self.peak_rss_kib = max(self.peak_rss_kib, rss)
        self.peak_tree_kib = max(self.peak_tree_kib, tree)
        self.hwm_kib = max(self.hwm_kib, _status_kib(self.pid, "VmHWM"))
        self.cpu_end = max(self.cpu_end, _cpu_seconds(self.pid))

    def stop(self) -> None:
        self.sample()
        self._stop_event.set()
        self.join(timeout=5)


# ---- the virtual users ---------------------------------------------------------------------------
SEARCHES: list[tuple[str, list[tuple[str, str]]]] = [
    ("Darfour", []),
    ("asile", []),
    ("detention conditions", []),
    ("Taliban", [("country", "AFG")]),
    ("réfugiés", [("language", "fr")]),
    ("torture", [("facets", "country,source,doc_type,language,kind,year")]),
    ('"groupe social"', [("kind", "decision")]),
    ('"armed conflict"', [("facets", "country,year")]),
    ("droit d'asile", [("kind", "decision"), ("language", "fr")]),
    ('"security forces"', [("source", "-usdos")]),
    ("violences sexuelles Darfour", [("country", "SDN")]),
    ("détention arbitraire", [("facets", "country,source,kind")]),
    ("recrutement forcé d'enfants", []),
    ("forced marriage", [("country", "AFG"), ("country", "PAK")]),
    ("traite des êtres humains", [("sort", "published")]),
    ("journalists arrested", [("published_from", "2020-01-01"), ("facets", "country,year")]),
    ("persécution orientation sexuelle", [("kind", "decision"), ("facets", "source,year")]),
    ("prison overcrowding ill-treatment", [("kind", "coi"), ("language", "en")]),
    ("service national Érythrée", [("country", "ERI")]),
    ("blasphemy", [("sort", "published"), ("size", "50")]),
    ("protection subsidiaire violence aveugle", [("kind", "decision"), ("highlight", "false")]),
    ("freedom of expression", [("facets", "none"), ("size", "10")]),
]
# officers also look for their own case documents (hits are filtered to the cases they may see)
CASE_SEARCHES: list[tuple[str, list[tuple[str, str]]]] = [
    ("entretien", [("kind", "case_document")]),
    ("interview record", [("kind", "case_document")]),
    ("détenu", []),
    ("Kabul NGO", []),
]


@dataclass
class Stats:
    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    ok: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, ms: float, error: str | None) -> None:
        with self.lock:
            self.ms[kind].append(ms)
            if error is None:
                self.ok[kind] += 1
            else:
                self.errors[kind] += 1
                if len(self.samples) < 20:
                    self.samples.append(f"{kind}: {error}")


class UploadLimiter:
    """At most ``rate`` uploads per second over all users (a token bucket of one)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else float("inf")
        self.next_at = time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            now = time.monotonic()
            if now < self.next_at:
                return False
            self.next_at = now + self.interval
            return True


def virtual_user(
    n: int, base: str, fx: Fixture, deadline: float, stats: Stats, uploads: UploadLimiter, think_s: float
) -> None:
    rng = random.Random(n)
    auth = {name: {"Authorization": f"Bearer {t}"} for name, t in fx.tokens.items()}
    with httpx.Client(base_url=base, timeout=TIMEOUT_S) as client:
        while time.monotonic() < deadline:
            kind = rng.choices(KINDS, WEIGHTS)[0]
            if kind == "upload" and not uploads.take():
                kind = "search"
            t = time.perf_counter()
            error = None
            try:
                r = request(client, rng, kind, fx, auth)
                if r.status_code >= 400:
                    error = f"{r.status_code} {r.request.method} {r.request.url.path} {r.text[:200]!r}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            stats.record(kind, (time.perf_counter() - t) * 1000, error)
            if think_s:
                time.sleep(rng.uniform(0, 2 * think_s))


def request(
    client: httpx.Client, rng: random.Random, kind: str, fx: Fixture, auth: dict[str, dict[str, str]]
) -> httpx.Response:
    if kind == "search":
        if rng.random() < 0.5:
            who, (q, extra) = "ra", rng.choice(SEARCHES)
        else:
            who, (q, extra) = rng.choice(OFFICERS), rng.choice(SEARCHES + CASE_SEARCHES)
        params = [("q", q), *extra]
        if not any(k == "size" for k, _ in params):
            params.append(("size", "20"))
        return client.get("/api/search", params=params, headers=auth[who])
    if kind in CASE_READS:
        officer, cid = rng.choice(fx.readers)
        path = {"case_view": "", "case_documents": "/documents", "case_verifications": "/verifications"}[kind]
        return client.get(f"/api/cases/{cid}{path}", headers=auth[officer])
    if kind == "upload":
        marker = uuid.uuid4().hex
        body = (
            f"Note de recherche {marker}. Situation sécuritaire au Darfour : détentions arbitraires, "
            f"déplacements de population et violences contre les civils. Research note {marker}: "
            "humanitarian access remains restricted.\n"
        ).encode()
        return client.post(
            "/api/documents",
            files={"files": (f"note-{marker[:8]}.txt", body, "text/plain")},
            data={"kind": "coi", "countries": "SDN", "title": f"Note {marker[:8]}", "nlp": "false"},
            headers=auth["ra"],
        )
    # audit
    who = rng.choice(("admin", "dpo"))
    choice = rng.random()
    if choice < 0.4:
        params: dict[str, str | int] = {"limit": 100}
    elif choice < 0.8:
        params = {"case_id": rng.choice(fx.case_ids), "limit": 200}
    else:
        params = {"user": rng.choice(OFFICERS), "limit": 50}
    return client.get("/api/audit", params=params, headers=auth[who])


# ---- audit check ---------------------------------------------------------------------------------
def audit_since(ctx: AppContext, after_id: int) -> Counter[tuple[str, str]]:
    """(action, outcome) counts of the records with id > after_id, paged newest first."""
    counts: Counter[tuple[str, str]] = Counter()
    before: int | None = None
    while True:
        rows = ctx.audit.query(limit=5000, before_id=before)
        fresh = [r for r in rows if r.id > after_id]
        counts.update((r.action, r.outcome) for r in fresh)
        if len(fresh) < len(rows) or not rows:
            return counts
        before = rows[-1].id


def last_audit_id(ctx: AppContext) -> int:
    rows = ctx.audit.query(limit=1)
    return rows[0].id if rows else 0


def source_snapshot() -> dict[str, int]:
    """Modification times of the project's Python files (the code may be edited while the bench runs)."""
    out = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in (".venv", "bench", "tests") or "__pycache__" in rel.parts:
            continue
        try:
            out[str(rel)] = path.stat().st_mtime_ns
        except OSError:
            continue
    return out


# ---- report --------------------------------------------------------------------------------------
def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def print_table(stats: Stats, elapsed: float) -> None:
    head = f"{'kind':<20} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}"
    print(head)
    print("-" * len(head))
    everything: list[float] = []
    for kind in KINDS:
        ms = stats.ms.get(kind, [])
        everything += ms
        if not ms:
            print(f"{kind:<20} {0:>9} {0:>8.1f} {'-':>8} {'-':>8} {'-':>8} {'-':>8} {stats.errors[kind]:>7}")
            continue
        print(
            f"{kind:<20} {len(ms):>9} {len(ms) / elapsed:>8.1f} {statistics.median(ms):>8.1f} {pct(ms, 95):>8.1f} "
            f"{pct(ms, 99):>8.1f} {max(ms):>8.1f} {stats.errors[kind]:>7}"
        )
    print("-" * len(head))
    if everything:
        print(
            f"{'total':<20} {len(everything):>9} {len(everything) / elapsed:>8.1f} {statistics.median(everything):>8.1f} "
            f"{pct(everything, 95):>8.1f} {pct(everything, 99):>8.1f} {max(everything):>8.1f} "
            f"{sum(stats.errors.values()):>7}"
        )


def server_tracebacks(log_path: Path, limit: int = 4) -> list[str]:
    """The server's tracebacks (from its stderr), the first few in full."""
    lines = log_path.read_text(errors="replace").splitlines()
    blocks: list[str] = []
    i = 0
    while i < len(lines) and len(blocks) < limit:
        if lines[i].startswith("Traceback") or " ERROR " in lines[i]:
            j = i + 1
            while j < len(lines) and (lines[j].startswith((" ", "Traceback", "During", "The above")) or not lines[j]):
                j += 1
            if j < len(lines):
                j += 1  # the exception line
            blocks.append("\n".join(lines[i:j]))
            i = j
        else:
            i += 1
    return blocks


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--port", type=int, default=0, help="0: a free port")
    ap.add_argument("--enrich", action="store_true", help="NLP enrichment of the corpus (and in the server)")
    ap.add_argument("--upload-rate", type=float, default=2.0, help="uploads per second at most, all users")
    ap.add_argument("--think-ms", type=float, default=0.0, help="mean pause between a user's requests")
    ap.add_argument("--server-log", type=Path, help="copy the server's stderr here")
    args = ap.parse_args()
    if not COIDESK.exists():
        raise SystemExit(f"{COIDESK} not found: install the project in .venv")

    sources = source_snapshot()
    with tempfile.TemporaryDirectory(prefix="coidesk-load-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        log_path = Path(tmp) / "server.log"
        fx = setup(data_dir, args.enrich)
        ctx = AppContext.open(Settings(data_dir=data_dir, _env_file=None))  # type: ignore[call-arg]
        baseline = last_audit_id(ctx)
        ctx.close()

        port = args.port or free_port()
        proc, base = start_server(data_dir, port, args.enrich, log_path)
        print(f"server: pid {proc.pid} on {base}; {args.users} users for {args.seconds:g} s")
        probe = MemoryProbe(proc.pid)
        probe.start()
        load_before = os.getloadavg()[0]
        stats = Stats()
        uploads = UploadLimiter(args.upload_rate)
        t0 = time.monotonic()
        deadline = t0 + args.seconds
        users = [
            threading.Thread(
                target=virtual_user,
                args=(n, base, fx, deadline, stats, uploads, args.think_ms / 1000),
                daemon=True,
            )
            for n in range(args.users)
        ]
        for u in users:
            u.start()
        for u in users:
            u.join(timeout=max(0.0, deadline + TIMEOUT_S + 10 - time.monotonic()))
        elapsed = time.monotonic() - t0
        stuck = sum(u.is_alive() for u in users)
        probe.sample()
        server_cpu = probe.cpu_end - probe.cpu_start
        load_after = os.getloadavg()[0]

        jobs: Counter[str] = Counter()
        try:
            r = httpx.get(base + "/api/jobs", headers={"Authorization": f"Bearer {fx.tokens['ra']}"}, timeout=TIMEOUT_S)
            if r.status_code == 200:
                jobs.update(j["status"] for j in r.json())
        except (httpx.HTTPError, ValueError):
            pass
        probe.stop()
        code = stop_server(proc)
        # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal: -15 is a clean exit too
        clean = code in (0, -signal.SIGTERM) and "Application shutdown complete" in log_path.read_text(errors="replace")
        if args.server_log:
            args.server_log.write_bytes(log_path.read_bytes())

        verify = subprocess.run(  # noqa: S603 - our own console script
            [str(COIDESK), "audit", "verify"],
            cwd=data_dir,
            env=server_env(data_dir, args.enrich),
            capture_output=True,
            text=True,
            timeout=600,
        )
        ctx = AppContext.open(Settings(data_dir=data_dir, _env_file=None))  # type: ignore[call-arg]
        written = audit_since(ctx, baseline)
        ctx.close()

        print()
        print_table(stats, elapsed)
        print()
        print(f"run: {elapsed:.1f} s wall, {args.users} users" + (f", {stuck} users still waiting" if stuck else ""))
        print(
            f"server CPU: {server_cpu:.1f} s in {elapsed:.1f} s ({server_cpu / elapsed:.2f} cores of {os.cpu_count()}); "
            f"load average {load_before:.1f} -> {load_after:.1f}"
        )
        print(f"server stop: exit status {code}, {'clean shutdown' if clean else 'NOT a clean shutdown'}")
        print(
            f"peak server memory: VmHWM {probe.hwm_kib / 1024:.0f} MiB, sampled VmRSS {probe.peak_rss_kib / 1024:.0f} MiB "
            f"(with children {probe.peak_tree_kib / 1024:.0f} MiB)"
        )
        print(f"upload jobs: {dict(jobs) or 'n/a'}" + (" (enriching: stored and indexed, NLP off)" if jobs else ""))
        chain_ok = verify.returncode == 0
        print(f"audit verify: exit {verify.returncode} — {(verify.stdout + verify.stderr).strip()}")
        match = True
        for kind, action in CASE_READS.items():
            n_ok = stats.ok[kind]
            n_audit = written[(action, "ok")]
            refused = sum(n for (a, o), n in written.items() if a == action and o != "ok")
            same = n_ok == n_audit and not refused
            match &= same
            print(
                f"audit {action:<24} {n_audit:>7} records  vs {n_ok:>7} successful {kind:<18} "
                f"{'match' if same else 'MISMATCH'}" + (f" ({refused} refused or missing)" if refused else "")
            )
        total_reads = sum(stats.ok[k] for k in CASE_READS)
        total_audit = sum(written[(a, "ok")] for a in CASE_READS.values())
        print(
            f"{'audit case reads, total':<30} {total_audit:>7} records  vs {total_reads:>7} successful case reads  "
            f"{'match' if match else 'MISMATCH'}"
        )
        others = {f"{a}/{o}": n for (a, o), n in sorted(written.items()) if a not in CASE_READS.values()}
        print(f"other audit records during the run: {others or 'none'}")
        if stats.samples:
            print("\nfirst errors:")
            for s in stats.samples:
                print("  " + s)
        tbs = server_tracebacks(log_path)
        if tbs:
            print("\nserver errors (stderr):")
            for tb in tbs:
                print(tb)
                print("  ...")
        changed = sorted(k for k, v in source_snapshot().items() if sources.get(k) != v)
        if changed:
            print(f"\nWARNING: project files changed during the run, results mix code versions: {', '.join(changed)}")
        failed = sum(stats.errors.values()) > 0 or not chain_ok or not match or stuck > 0 or not clean
        print(f"\nresult: {'FAIL' if failed else 'OK'}")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
