"""``coidesk backup DEST --keys KEYS`` (``--verify`` to check one) and ``coidesk restore SRC --keys KEYS``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli.common import operator, progress_bar
from config.settings import get_settings
from services.context import AppContext
from store.audit import AuditEntry
from store.backup import BackupError, backup, count_files, restore, verify

console = Console()
err = Console(stderr=True)

KeysOption = Annotated[
    Path | None,
    typer.Option("--keys", help="Dossier des clés, gardé à part de la sauvegarde / the keys' folder, kept apart"),
]


def backup_command(
    dest: Annotated[Path, typer.Argument(help="Nouveau dossier de sauvegarde / a new backup folder")],
    keys: KeysOption = None,
    check: Annotated[bool, typer.Option("--verify", help="Vérifier une sauvegarde existante / check a backup")] = False,
) -> None:
    """Sauvegarde cohérente pendant que le serveur tourne / a consistent backup while the server runs."""
    try:
        if check:
            with progress_bar() as progress:
                task = progress.add_task("Vérification / checking", total=None)
                report = verify(dest, keys, progress=lambda n: progress.advance(task, n))
            for problem in report.problems:
                err.print(f"[red]{problem}[/red]")
            if report.problems:
                raise typer.Exit(1)
            console.print(f"{report.files} fichiers vérifiés / files checked, {report.documents} documents: OK")
            return
        if keys is None:
            err.print("[red]--keys DOSSIER est requis : les clés sont gardées à part / the keys are kept apart[/red]")
            raise typer.Exit(2)
        settings = get_settings()
        with progress_bar() as progress:
            task = progress.add_task("Sauvegarde / backup", total=count_files(settings))
            report = backup(settings, dest, keys, progress=lambda n: progress.advance(task, n))
    except BackupError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    ctx = AppContext.open(settings)
    try:  # a backup copies every case: the audit trail says who took one
        ctx.audit.append([AuditEntry(actor=operator(), action="backup.made", subject=dest.resolve().name[:64])])
    finally:
        ctx.close()
    console.print(
        f"{report.documents} documents, {report.files} fichiers / files, {report.bytes / 1e6:.1f} Mo "
        f"en / in {report.seconds:.1f} s → {dest} (clés / keys → {keys})"
    )


def restore_command(
    src: Annotated[Path, typer.Argument(help="Dossier de sauvegarde / the backup folder")],
    keys: KeysOption = None,
) -> None:
    """Restaurer dans un dossier de données vide, puis reconstruire l'index / restore, then rebuild the index."""
    if keys is None:
        err.print("[red]--keys DOSSIER est requis / --keys FOLDER is required[/red]")
        raise typer.Exit(2)
    settings = get_settings()
    try:
        with progress_bar() as progress:
            task = progress.add_task("Vérification / checking", total=None)
            report = restore(src, keys, settings, progress=lambda n: progress.advance(task, n))
    except BackupError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    ctx = AppContext.open(settings)
    try:
        with progress_bar() as progress:
            task = progress.add_task("Réindexation", total=ctx.store.count())
            n = ctx.indexer.reindex(progress=lambda k: progress.advance(task, k))
        chain = ctx.audit.verify()
        ctx.audit.append([AuditEntry(actor=operator(), action="backup.restored", subject=src.resolve().name[:64])])
    finally:
        ctx.close()
    if not chain.ok:
        err.print(f"[red]Journal d'audit non valide après restauration / audit chain broken: {chain.reason}[/red]")
        raise typer.Exit(1)
    console.print(
        f"{report.documents} documents restaurés / restored, {n} réindexés / reindexed, "
        f"journal d'audit vérifié / audit chain verified ({chain.checked} records)"
    )
