"""`havenwatch audit`: verify the tamper-evident log, sign checkpoints of it, read it."""

from __future__ import annotations

from pathlib import Path

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from havenwatch.access.scope import Scope
from havenwatch.commands.common import (
    FORMAT_OPTION,
    cli_actor,
    open_db,
    print_json,
    print_table,
    settings_of,
)
from havenwatch.core.clock import utcnow
from havenwatch.core.errors import HavenwatchError
from havenwatch.operations.audit_checkpoint import (
    key_needs_passphrase,
    load_public_key,
    load_signing_key,
    private_key_pem,
    public_key_text,
    read_checkpoint,
    write_private_file,
)
from havenwatch.operations.audit_trail import create_checkpoint, list_entries, verify
from havenwatch.operations.audit_verified import (
    VerifiedHead,
    read_verified,
    verified_length_file,
    write_verified,
)

FILE = click.Path(dir_okay=False, path_type=Path)


def _outside_data_dir(ctx: click.Context, path: Path, what: str) -> Path:
    """Keys and checkpoints must not travel with the data they vouch for."""
    if path.absolute().is_relative_to(settings_of(ctx).data_dir):
        raise HavenwatchError(f"the {what} must be kept outside the data directory")
    return path


@click.group()
def audit() -> None:
    """The tamper-evident audit log: verify it, sign checkpoints, list entries."""


@audit.command("verify")
@click.option(
    "--checkpoint",
    "checkpoint_files",
    type=FILE,
    multiple=True,
    help="A signed checkpoint file (repeatable); catches truncation and rollback.",
)
@click.option(
    "--public-key",
    "public_key_files",
    type=FILE,
    multiple=True,
    help="Trust only checkpoints signed by this key (the .pub file from keygen).",
)
@click.option(
    "--accept-shorter",
    is_flag=True,
    help="After restoring a backup on purpose: record the log's current length instead of "
    "failing because it is shorter than the length verified before.",
)
@click.pass_context
def audit_verify(
    ctx: click.Context,
    checkpoint_files: tuple[Path, ...],
    public_key_files: tuple[Path, ...],
    accept_shorter: bool,
) -> None:
    """Check every entry of the chain; exit 1 naming the first broken one.

    The head seen by each successful run is recorded beside the key file; a later run fails
    when the log has become shorter than that.
    """
    checkpoints = [read_checkpoint(path) for path in checkpoint_files]
    trusted = [load_public_key(path) for path in public_key_files]
    length_file = verified_length_file(settings_of(ctx).key_file)
    before = None if accept_shorter else read_verified(length_file)
    result = verify(open_db(ctx, need_keys=False), checkpoints, trusted, before)
    click.echo(f"audit log {result.message()}")
    if not result.ok:
        ctx.exit(1)
    write_verified(length_file, VerifiedHead(result.head_seq, result.head_hash, utcnow()))
    if result.unanchored:
        click.echo(
            "warning: no signed checkpoint to verify against: a log whose newest entries were "
            "deleted since the last verification, or a database restored from an older copy "
            "before it, would look the same; sign one with `havenwatch audit checkpoint` and "
            "pass it with --checkpoint",
            err=True,
        )
    elif not trusted:
        click.echo(
            "note: checkpoint signatures were checked against the keys inside them; "
            "pass --public-key to pin the admin's key",
            err=True,
        )


@audit.command("keygen")
@click.option("--output", required=True, type=FILE, help="Private key file to create (PEM).")
@click.option("--passphrase/--no-passphrase", default=False, help="Encrypt the private key.")
@click.pass_context
def audit_keygen(ctx: click.Context, output: Path, passphrase: bool) -> None:
    """Create the admin's Ed25519 signing key, and OUTPUT.pub beside it."""
    _outside_data_dir(ctx, output, "signing key")
    secret = (
        click.prompt("Passphrase", hide_input=True, confirmation_prompt=True).encode()
        if passphrase
        else None
    )
    key = Ed25519PrivateKey.generate()
    public = output.with_name(output.name + ".pub")
    write_private_file(output, private_key_pem(key, secret))
    public.write_text(public_key_text(key.public_key()) + "\n", "utf-8")
    click.echo(f"private key: {output} (keep it off the server)\npublic key: {public}")


@audit.command("checkpoint")
@click.option("--signing-key", required=True, type=FILE, help="The admin's private key.")
@click.option("--output", required=True, type=FILE, help="Checkpoint file to write.")
@click.pass_context
def audit_checkpoint(ctx: click.Context, signing_key: Path, output: Path) -> None:
    """Sign the head of the (verified) log; keep the file away from the server."""
    _outside_data_dir(ctx, signing_key, "signing key")
    _outside_data_dir(ctx, output, "checkpoint")
    secret = (
        click.prompt("Passphrase", hide_input=True).encode()
        if key_needs_passphrase(signing_key)
        else None
    )
    key = load_signing_key(signing_key, secret)
    checkpoint = create_checkpoint(open_db(ctx, need_keys=False), key, actor=cli_actor())
    write_private_file(output, checkpoint.to_json().encode())
    click.echo(f"checkpoint at entry {checkpoint.seq} written to {output}; copy it off the server")


@audit.command("list")
@click.option("--actor", help="Only entries by this actor, e.g. cli:alice or a user name.")
@click.option("--case", "case_id", help="Only entries about this case id.")
@click.option("--action", help="Only this action, e.g. person.read_identity.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 1000))
@click.option("--offset", default=0, show_default=True, type=click.IntRange(min=0))
@FORMAT_OPTION
@click.pass_context
def audit_list(
    ctx: click.Context,
    actor: str | None,
    case_id: str | None,
    action: str | None,
    limit: int,
    offset: int,
    output_format: str,
) -> None:
    """List entries, newest first."""
    entries = list_entries(
        open_db(ctx, need_keys=False),
        actor=actor,
        case_id=case_id,
        action=action,
        limit=limit,
        offset=offset,
        scope=Scope.everything(),
    )
    if output_format == "json":
        print_json(entries)
        return
    print_table(
        ["seq", "at (UTC)", "actor", "action", "target", "case"],
        [
            (
                e.seq,
                e.at.isoformat(timespec="seconds"),
                e.actor,
                e.action,
                f"{e.target_type}:{e.target_id}" if e.target_type else "",
                e.case_id,
            )
            for e in entries
        ],
    )


COMMANDS = [audit]
