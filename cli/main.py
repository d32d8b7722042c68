"""``coidesk``: serve, ingest, search, reindex, stats, backup, restore. Long work shows a progress bar."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cli import accounts, backups
from cli.common import progress_bar
from config.settings import get_settings
from config.sources import source_name
from ingest.pipeline import count_files, ingest_corpus
from services.context import AppContext
from services.search import SearchParams, build_query
from store.index.errors import IndexBusy, SearchError
from store.index.query import FILTER_FIELDS

app = typer.Typer(help="coidesk — recherche COI et jurisprudence / COI and case-law search", no_args_is_help=True)
app.add_typer(accounts.users, name="users")
app.add_typer(accounts.audit, name="audit")
app.command("backup")(backups.backup_command)
app.command("restore")(backups.restore_command)
console = Console()
err = Console(stderr=True)


def _setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def _drain(ctx: AppContext) -> None:
    """Index what is queued; if the server holds the writer, wait for it to catch up."""
    pending = ctx.store.pending_count()
    if not pending:
        return
    with progress_bar() as progress:
        task = progress.add_task("Indexation", total=pending)
        try:
            ctx.indexer.drain(progress=lambda n: progress.advance(task, n))
        except IndexBusy:
            progress.update(task, description="Indexation (par le serveur)")
            deadline = time.monotonic() + 600
            while (left := ctx.store.pending_count()) and time.monotonic() < deadline:
                progress.update(task, completed=pending - left)
                time.sleep(0.3)
            progress.update(task, completed=pending - ctx.store.pending_count())


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (recursive), or corpus folders")],
    user: Annotated[str, typer.Option(help="Recorded as who brought the files")] = "cli",
) -> None:
    """Ingest files (any supported format, like ``upload``) and corpus records (a folder with a manifest.json:
    publisher JSON records, CPIN HTML, State Department markdown)."""
    _setup_logging()
    ctx = AppContext.open(get_settings())
    try:
        missing = [p for p in paths if not p.exists()]
        if missing:
            err.print(f"[red]Introuvable / not found:[/red] {', '.join(map(str, missing))}")
            raise typer.Exit(2)
        files = [p for p in paths if not _is_corpus(p)]
        if files:
            from ingest.uploads import JobOptions, UploadFields

            _upload_files(ctx, files, UploadFields(), JobOptions(), user)
        paths = [p for p in paths if _is_corpus(p)]
        if not paths:
            return
        total = count_files(paths)
        with progress_bar() as progress:
            task = progress.add_task("Import", total=total)
            report = ingest_corpus(ctx.store, paths, user, progress=lambda _name: progress.advance(task))
        _drain(ctx)
        console.print(
            f"créés/created {report.created} · mis à jour/updated {report.updated} · "
            f"inchangés/unchanged {report.unchanged} · échecs/failed {len(report.failed)}"
        )
        for path, why in report.failed:
            err.print(f"[yellow]échec / failed[/yellow] {path}: {why}")
    finally:
        ctx.close()


@app.command()
def upload(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (recursive): PDF, DOCX, HTML, text, .eml")],
    kind: Annotated[str, typer.Option(help="coi | decision")] = "coi",
    countries: Annotated[str, typer.Option(help="ISO alpha-3, comma-separated")] = "",
    ocr: Annotated[bool, typer.Option("--ocr/--no-ocr", help="OCR scans and images")] = True,
    ocr_lang: Annotated[str, typer.Option(help="Tesseract languages: fra,eng,ara")] = "fra,eng",
    nlp: Annotated[bool, typer.Option("--nlp/--no-nlp", help="NLP enrichment of these files")] = True,
    user: Annotated[str, typer.Option(help="Recorded as who brought the files")] = "cli",
) -> None:
    """Ingest files as uploads: archive each original, extract it in the sandbox, store and index it."""
    from ingest.uploads import JobOptions, UploadFields

    options = JobOptions.model_validate({"ocr": ocr, "ocr_languages": ocr_lang.split(","), "nlp": nlp})

    _setup_logging()
    fields = UploadFields.model_validate({"kind": kind, "countries": [c for c in countries.split(",") if c]})
    ctx = AppContext.open(get_settings())
    try:
        _upload_files(ctx, paths, fields, options, user)
    finally:
        ctx.close()


def _upload_files(ctx: AppContext, paths: list[Path], fields: Any, options: Any, user: str) -> None:
    """Archive every file, then run the jobs (and any a killed run left behind), with progress bars."""
    from ingest.uploads import run_queued, submit

    files = sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file())
    requeued = ctx.jobs.recover(older_than_s=ctx.settings.job_stale_seconds)
    if requeued:  # a previous run was killed mid-batch: its unfinished files are picked up again
        console.print(f"repris / picked up again: {requeued}")
    ids = []
    with progress_bar() as progress:
        task = progress.add_task("Archivage / archiving", total=len(files))
        for f in files:
            ids.append(submit(ctx.store, ctx.jobs, f.read_bytes(), f.name, user, fields, options=options))
            progress.advance(task)
        total = ctx.jobs.pending()
        task = progress.add_task("Extraction", total=total)
        while run_queued(ctx.store, ctx.jobs, limit=1):
            progress.update(task, completed=total - ctx.jobs.pending())
    _drain(ctx)
    jobs = [j for i in ids if (j := ctx.jobs.get(i))]
    failed = [j for j in jobs if j.status == "failed"]
    console.print(f"stockés/stored {len(jobs) - len(failed)} · échecs/failed {len(failed)}")
    for j in failed:
        err.print(f"[yellow]échec / failed[/yellow] {j.filename}: {j.error}")


@app.command()
def crawl(
    sources: Annotated[
        list[str] | None, typer.Argument(help="Source ids from the registry (see `coidesk sources`)")
    ] = None,
    all_sources: Annotated[bool, typer.Option("--all", help="Every source that has crawl settings")] = False,
    since: Annotated[str | None, typer.Option(help="Skip documents published before this date (YYYY-MM-DD)")] = None,
    base_url: Annotated[
        str | None, typer.Option(help="Fetch from this site instead of the source's (a mirror, a test site)")
    ] = None,
) -> None:
    """Crawl sources: new documents and new versions go through ingest; unchanged pages add nothing."""
    import datetime as dt

    from crawlers.runner import UnknownSource, resolve, run_crawls

    _setup_logging()
    logging.getLogger("scrapy").setLevel(logging.WARNING)
    if not sources and not all_sources:
        err.print("Indiquez une source ou --all / give a source or --all")
        raise typer.Exit(2)
    try:
        chosen = resolve(sources or [], all_sources)
        since_date = dt.date.fromisoformat(since) if since else None
    except UnknownSource as exc:
        err.print(f"[red]Source inconnue ou sans collecte / unknown or not crawlable:[/red] {exc}")
        raise typer.Exit(2) from exc
    except ValueError as exc:
        err.print(f"[red]Date invalide / invalid date:[/red] {since}")
        raise typer.Exit(2) from exc
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        err.print("[red]--base-url: http(s) seulement / only[/red]")
        raise typer.Exit(2)
    ctx = AppContext.open(get_settings())
    try:
        with Progress(
            TextColumn("[bold]{task.description}"),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
            console=err,
        ) as progress:
            tasks = {s.id: progress.add_task(s.id, total=None, status="pages 0 · documents 0") for s in chosen}
            counts = {s.id: [0, 0] for s in chosen}

            def on_event(source_id: str, what: str) -> None:
                counts[source_id][0 if what == "page" else 1] += 1
                pages, items = counts[source_id]
                progress.update(tasks[source_id], status=f"pages {pages} · documents {items}")

            run_ids = run_crawls(ctx, chosen, base_url=base_url, since=since_date, on_event=on_event)
        _drain(ctx)
        table = Table(
            "source",
            "statut/status",
            "pages",
            "nouveaux/new",
            "mis à jour/updated",
            "inchangés/unchanged",
            "échecs/failed",
        )
        failed_any = False
        for run_id in run_ids:
            run = ctx.crawls.get(run_id)
            if run is None:
                continue
            failed_any = failed_any or run.status != "finished"
            table.add_row(
                run.source,
                run.status,
                str(run.pages),
                str(run.new),
                str(run.updated),
                str(run.unchanged),
                str(run.failed),
            )
            for e in run.errors[:10]:
                err.print(f"[yellow]{run.source}[/yellow] {e['kind']} {e['url']}: {e['message']}")
        console.print(table)
        if failed_any:
            raise typer.Exit(1)
    finally:
        ctx.close()


@app.command()
def decisions() -> None:
    """Read the structure of every decision (new or changed ones only) so the decision pages, precedent
    search and harmonisation answer at once."""
    from services.decisions import Selection

    _setup_logging()
    ctx = AppContext.open(get_settings())
    try:
        with progress_bar() as progress:
            task = progress.add_task("Structure des décisions / decision structure", total=None)
            h = ctx.decisions.harmonisation(Selection())
            progress.update(task, total=h["total"], completed=h["total"])
        table = Table("issue/outcome", "nombre/count")
        for outcome, v in h["outcomes"].items():
            table.add_row(outcome, str(v["count"]))
        console.print(table)
    finally:
        ctx.close()


def _is_corpus(path: Path) -> bool:
    """A folder of publisher records as the lead provides them (a manifest.json in it or above it)."""
    root = path if path.is_dir() else path.parent
    return any((c / "manifest.json").exists() for c in (root, *root.parents))


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Query (same syntax as the web page)")] = "",
    filter_: Annotated[
        list[str] | None, typer.Option("--filter", "-f", help="field=value, e.g. country=SDN or kind=-coi")
    ] = None,
    sort: str = "relevance",
    size: int = 10,
) -> None:
    """Search and print a table of hits."""
    _setup_logging()
    ctx = AppContext.open(get_settings())
    try:
        filters: dict[str, list[str]] = {}
        for f in filter_ or []:
            name, _, value = f.partition("=")
            if name not in FILTER_FIELDS or not value:
                err.print(f"[red]Filtre invalide / bad filter:[/red] {f} (fields: {', '.join(FILTER_FIELDS)})")
                raise typer.Exit(2)
            filters.setdefault(name, []).append(value)
        try:
            result = ctx.index.search(
                build_query(SearchParams(q=query, filters=filters, sort=sort, size=size), ctx.settings, highlight=False)
            )
        except SearchError as exc:
            code = getattr(exc, "code", str(exc))
            err.print(f"[red]Requête refusée / query refused:[/red] {code}")
            raise typer.Exit(2) from exc
        table = Table(title=f"{result.total} résultat(s)")
        for col in ("id", "kind", "source", "countries", "published", "title"):
            table.add_column(col)
        for h in result.hits:
            table.add_row(
                h.id,
                h.kind,
                source_name(h.source),
                ",".join(h.countries),
                h.published.isoformat() if h.published else "",
                h.title[:80],
            )
        console.print(table)
    finally:
        ctx.close()


@app.command()
def enrich(
    all_: Annotated[bool, typer.Option("--all", help="Re-enrich every document, even unchanged ones")] = False,
    workers: Annotated[int, typer.Option(help="spaCy processes")] = 2,
) -> None:
    """NLP enrichment (language, countries, places, actors, dates, topics) of documents that need it."""
    from analyzers.enricher import Enricher
    from ingest.enrich import enrich_documents

    _setup_logging()
    ctx = AppContext.open(get_settings())
    try:
        with progress_bar() as progress:
            task = progress.add_task("Enrichissement", total=None)
            report = enrich_documents(
                ctx.store,
                Enricher(n_process=workers),
                force=all_,
                total=lambda n: progress.update(task, total=n),
                progress=lambda n: progress.advance(task, n),
            )
        _drain(ctx)
        console.print(
            f"enrichis/enriched {report.enriched} · inchangés/unchanged {report.skipped} · "
            f"échecs/failed {report.failed}"
        )
    finally:
        ctx.close()


@app.command()
def reindex() -> None:
    """Rebuild the search index from the store; search keeps answering meanwhile."""
    _setup_logging()
    ctx = AppContext.open(get_settings())
    try:
        total = ctx.store.count()
        with progress_bar() as progress:
            task = progress.add_task("Réindexation", total=total)
            try:
                n = ctx.indexer.reindex(progress=lambda k: progress.advance(task, k))
            except IndexBusy as exc:
                err.print("[red]Un autre processus écrit l'index (serveur ?) / another process holds the writer.[/red]")
                raise typer.Exit(1) from exc
        console.print(f"{n} documents réindexés / reindexed")
    finally:
        ctx.close()


@app.command()
def stats() -> None:
    """Counts by kind, source and country, and the index size."""
    ctx = AppContext.open(get_settings())
    try:
        console.print(f"Documents: {ctx.store.count()} · en attente d'indexation / queued: {ctx.store.pending_count()}")
        for title, counts in (
            ("kind", ctx.store.counts_by("kind")),
            ("source", ctx.store.counts_by("source")),
            ("country", ctx.store.counts_by_country()),
        ):
            table = Table(title=title)
            table.add_column(title)
            table.add_column("n", justify="right")
            for k, v in counts.items():
                table.add_row(source_name(k) if title == "source" else k, str(v))
            console.print(table)
        console.print(f"Index: {ctx.index.health()}")
    finally:
        ctx.close()


@app.command()
def check() -> None:
    """Verify that store and index agree; repair the index from the store when they do not."""
    _setup_logging()
    ctx = AppContext.open(get_settings())
    try:
        _drain(ctx)
        stored, indexed = ctx.store.all_ids(), ctx.index.ids()
        missing, extra = stored - indexed, indexed - stored
        console.print(
            f"stockés/stored {len(stored)} · indexés/indexed {len(indexed)} · "
            f"manquants/missing {len(missing)} · en trop/extra {len(extra)}"
        )
        if missing or extra:
            if extra:
                ctx.index.delete(sorted(extra))
            if missing:
                ctx.index.upsert([d for batch in ctx.store.iter_indexed() for d in batch if d.id in missing])
            console.print("[green]Index réparé / index repaired[/green]")
    finally:
        ctx.close()


@app.command()
def embed() -> None:
    """Dense embedding of the passages of new and changed documents (hybrid search); the server does it
    in the background too."""
    from ingest.embed import MODEL, embed_pending

    _setup_logging()
    ctx = AppContext.open(get_settings())
    try:
        pending = ctx.dense.passages.pending_count(MODEL)
        done = 0
        with progress_bar() as progress:
            task = progress.add_task("Plongements / embeddings (documents)", total=pending)
            while n := embed_pending(ctx.store, ctx.dense.passages, ctx.dense.embedder, limit=4):
                done += n
                progress.advance(task, n)
        console.print(f"documents: {done} · passages: {ctx.dense.index.size()}")
    finally:
        ctx.close()


def cap_memory(megabytes: int) -> None:
    """Bound the process's data segment (heap and anonymous mappings; mapped index files do not count).
    Past it an allocation fails (a MemoryError in Python, an error for the request) instead of the
    machine running out; the query budget keeps ordinary searches far below it."""
    if megabytes <= 0:
        return
    import resource

    limit = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


@app.command()
def serve(
    host: Annotated[str | None, typer.Option()] = None, port: Annotated[int | None, typer.Option()] = None
) -> None:
    """Serve the web pages and the API (and run the index writer)."""
    import uvicorn

    from search_api.app import create_app

    _setup_logging()
    settings = get_settings()
    cap_memory(settings.max_memory_mb)
    # no uvicorn access log: its lines carry paths and query strings (case ids, search terms);
    # search_api.request_log writes one line per request with the route template instead
    uvicorn.run(
        create_app(settings), host=host or settings.host, port=port or settings.port, log_level="info", access_log=False
    )


if __name__ == "__main__":
    app()
