"""What every command group shares: the progress bar of long work and who ran a command (for the audit)."""

from __future__ import annotations

import getpass

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

err = Console(stderr=True)


def progress_bar() -> Progress:
    """A bar on standard error (standard output stays for results), kept on screen when done."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )


def operator() -> str:
    """Who ran the command, for the audit trail (the operating-system account)."""
    return f"cli:{getpass.getuser()}"[:64]
