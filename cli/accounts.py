"""``coidesk users ...`` and ``coidesk audit ...``: accounts, API tokens and the audit trail from the shell.

There is no default account: the first admin is created with ``coidesk users create NAME --admin``.
Passwords are read from a prompt (or standard input with ``--password-stdin``), never from arguments.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli import demo_archives, demo_desk
from cli.common import operator
from config.settings import get_settings
from services.auth import Principal
from services.case_inputs import ApplicantIn, CaseIn, LocationIn, MovementIn
from services.context import AppContext
from services.errors import Forbidden, InvalidInput
from store.accounts import ROLES, User

users = typer.Typer(help="Comptes et jetons / accounts and tokens", no_args_is_help=True)
audit = typer.Typer(help="Journal d'audit / audit trail", no_args_is_help=True)
console = Console()
err = Console(stderr=True)
SYSTEM = Principal(0, "system", frozenset({"admin"}), None, False)  # the shell operator acts as admin


@contextmanager
def _context() -> Iterator[AppContext]:
    """The application context for one command; a refused input exits with status 2 and its reason."""
    ctx = AppContext.open(get_settings())
    try:
        yield ctx
    except (InvalidInput, Forbidden) as exc:
        err.print(f"[red]Refusé / refused:[/red] {exc.code} {getattr(exc, 'params', '') or ''}")
        raise typer.Exit(2) from exc
    finally:
        ctx.close()


def _user(ctx: AppContext, username: str) -> User:
    u = ctx.accounts.user_by_name(username)
    if u is None:
        raise InvalidInput("unknown_user")
    return u


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Mot de passe / password", hide_input=True, confirmation_prompt=True))


@users.command("create")
def create(
    username: str,
    role: Annotated[list[str] | None, typer.Option("--role", help=f"one of: {', '.join(ROLES)}")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="give the admin role")] = False,
    division: Annotated[str | None, typer.Option()] = None,
    head: Annotated[bool, typer.Option("--head", help="heads the division")] = False,
    full_name: Annotated[str, typer.Option()] = "",
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
) -> None:
    """Create an account (the first admin: ``coidesk users create alice --admin``)."""
    roles = list(role or []) + (["admin"] if admin else [])
    with _context() as ctx:
        ctx.accounts.create_user(username, _password(password_stdin), roles, full_name, division, head, operator())
        console.print(f"[green]Compte créé / account created:[/green] {username} ({', '.join(roles)})")


@users.command("list")
def list_users() -> None:
    with _context() as ctx:
        table = Table("id", "username", "roles", "division", "head", "active")
        for u in ctx.accounts.list_users():
            table.add_row(
                str(u.id),
                u.username,
                ", ".join(u.roles),
                u.division or "",
                "yes" if u.heads_division else "",
                "yes" if u.active else "no",
            )
        console.print(table)


@users.command("roles")
def set_roles(
    username: str,
    role: Annotated[list[str], typer.Option("--role")],
    division: Annotated[str | None, typer.Option()] = None,
    head: Annotated[bool, typer.Option("--head")] = False,
) -> None:
    """Replace an account's roles (effective on its next request)."""
    with _context() as ctx:
        ctx.accounts.set_roles(SYSTEM, _user(ctx, username).id, role, division, head)
        console.print(f"{username}: {', '.join(role)}")


@users.command("disable")
def disable(username: str) -> None:
    """Disable an account: its sessions and tokens stop working at once."""
    with _context() as ctx:
        ctx.accounts.set_active(SYSTEM, _user(ctx, username).id, False)
        console.print(f"{username}: désactivé / disabled")


@users.command("unlock")
def unlock(username: str) -> None:
    """Forget an account's failed logins (after checking with its owner that the attempts were theirs)."""
    with _context() as ctx:
        _user(ctx, username)
        n = ctx.accounts.unlock(operator(), username)
        console.print(f"{username}: {n} échec(s) effacé(s) / failure(s) cleared")


@users.command("token")
def token(username: str, name: Annotated[str, typer.Option()] = "script") -> None:
    """Create an API token for scripts; printed once, only its hash is kept."""
    with _context() as ctx:
        _, secret = ctx.accounts.create_token(_user(ctx, username).id, name)
        typer.echo(secret)


@users.command("demo")
def demo() -> None:
    """For the demo only: one account per role with random passwords, two locations, two fictitious cases."""
    creds = get_settings().data_dir / "demo-accounts.txt"
    with _context() as ctx:
        if ctx.accounts.list_users():
            console.print(f"Comptes déjà présents / accounts exist — voir / see {creds}")
            return
        lines = []
        spec = [
            ("admin", ["admin"], None, False),
            ("recherche", ["research_assistant"], None, False),
            ("chef.recherche", ["research_assistant"], None, True),  # reviews and publishes the desk's reports
            ("officier", ["protection_officer"], "africa", False),
            ("chef.afrique", ["protection_officer"], "africa", True),
            ("juriste", ["legal_consultant"], None, False),
            ("secretariat", ["secretary"], "africa", False),
            ("archives", ["archivist"], None, False),
            ("etat.civil", ["civil_registrar"], None, False),
            ("interprete", ["interpreter"], None, False),
            ("chercheur", ["researcher"], None, False),
            ("dpo", ["data_protection"], None, False),
        ]
        principals = {}
        for name, roles, division, head in spec:
            pw = secrets.token_urlsafe(12)
            principals[name] = ctx.accounts.create_user(name, pw, roles, name, division, head)
            lines.append(f"{name}\t{pw}\t{','.join(roles)}")
        fd = os.open(creds, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(
                "# comptes de démonstration / demo accounts (username, password, roles)\n" + "\n".join(lines) + "\n"
            )
        archives = principals["archives"]
        ctx.cases.add_location(archives, LocationIn(code="MAG-A", name="Magasin A", kind="store"))
        ctx.cases.add_location(archives, LocationIn(code="BUR-AFR", name="Bureau division Afrique", kind="office"))
        sec = principals["secretariat"]
        for ref, name, nat in (
            ("DEMO-2026-0001", "Demandeur fictif A", "SDN"),
            ("DEMO-2026-0002", "Demandeuse fictive B", "ERI"),
        ):
            case = ctx.cases.create(
                sec,
                CaseIn(
                    reference=ref,
                    registered_on=dt.date.today(),
                    division="africa",
                    applicants=[ApplicantIn(full_name=name, nationality=nat)],
                    assigned_officer="officier",
                ),
            )
            ctx.cases.move(archives, case["id"], MovementIn(to_location="MAG-A", reason="enregistrement"))
        demo_desk.seed(ctx, principals)
        demo_archives.seed(ctx, principals)
        table = Table("compte / account", "mot de passe / password", "rôles / roles")
        for line in lines:
            table.add_row(*line.split("\t"))
        console.print(table)
        console.print(f"(aussi dans / also in {creds}, mode 600)")


@audit.command("verify")
def verify() -> None:
    """Check the audit chain: exit 1 if any record was altered, removed or inserted."""
    with _context() as ctx:
        v = ctx.audit.verify()
        if v.ok:
            console.print(f"[green]Chaîne intègre / chain intact[/green]: {v.checked} enregistrements / records")
        else:
            err.print(f"[red]Chaîne rompue / chain broken[/red] à / at #{v.first_bad_id}: {v.reason}")
            raise typer.Exit(1)


@audit.command("query")
def query(
    case: Annotated[str | None, typer.Option("--case", help="case id")] = None,
    user: Annotated[str | None, typer.Option("--user")] = None,
    limit: Annotated[int, typer.Option()] = 100,
) -> None:
    """Who saw case X (``--case``), what did user Y open (``--user``)."""
    with _context() as ctx:
        table = Table("#", "UTC", "user", "action", "case", "document", "outcome")
        for r in ctx.audit.query(case, user, limit):
            table.add_row(
                str(r.id),
                r.at.isoformat(timespec="seconds"),
                r.actor,
                r.action,
                r.case_id or "",
                r.document_id or "",
                r.outcome,
            )
        console.print(table)
