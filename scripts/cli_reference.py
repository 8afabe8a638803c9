"""Generate the command reference of docs/cli.md from the click commands.

Every section ``## `frontwatch COMMAND` `` of docs/cli.md holds a block between the markers

    <!-- reference: frontwatch COMMAND -->
    ...
    <!-- end reference -->

made of the command's usage line and a table of its options (names and metavars, default,
help text), all read from :data:`frontwatch.cli.cli`; the prose around the blocks is written by
hand. So an option's name, default and description live in one place, the code, and the page
cannot drift from it (``tests/test_docs.py`` fails when a block is stale).

Usage: python scripts/cli_reference.py [--check]   (--check: exit 1 if docs/cli.md is stale)
"""

from __future__ import annotations

import argparse
import enum
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from frontwatch.cli import cli
from frontwatch.cli.group import all_commands

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
BLOCK = re.compile(
    r"(<!-- reference: (?P<path>[^>]+?) -->\n)(?P<body>.*?)(<!-- end reference -->)", re.DOTALL
)


def commands(group: click.Group, prefix: str = "frontwatch") -> Iterator[tuple[str, click.Command]]:
    """Every command under ``group`` with its full name (``frontwatch gazetteer build``)."""
    for name, command in sorted(all_commands(group).items()):
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from commands(command, path)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _names(option: click.Option, ctx: click.Context) -> str:
    if option.is_flag or option.count:
        names = [f"`{n}`" for n in option.opts]
        if option.secondary_opts:
            return " / ".join([", ".join(names), *(f"`{n}`" for n in option.secondary_opts)])
        return ", ".join(names)
    metavar = option.make_metavar(ctx)
    if option.multiple and metavar.endswith("..."):
        metavar = metavar[:-3]
    return ", ".join(f"`{n} {metavar}`" for n in option.opts)


def _default(option: click.Option, ctx: click.Context) -> str:
    if isinstance(option.show_default, str):
        return option.show_default
    if option.required:
        return "required"
    if option.is_flag and option.secondary_opts:
        if option.default is None:
            return "none"
        return f"`{option.opts[0] if option.default else option.secondary_opts[0]}`"
    if option.is_flag or option.count:
        return "off"
    default = option.get_default(ctx, call=False)
    unset = isinstance(default, enum.Enum) and default.name == "UNSET"  # click 8.3's sentinel
    if default is None or default == () or unset:
        return "none"
    return f"`{default}`"


def reference(path: str, command: click.Command) -> str:
    """The usage line and the option table of ``command``."""
    ctx = click.Context(command, info_name=path)
    usage = " ".join([path, *command.collect_usage_pieces(ctx)])
    lines = ["```", usage, "```", ""]
    options = [p for p in command.params if isinstance(p, click.Option) and p.name != "help"]
    if options:
        lines += ["| option | default | meaning |", "|---|---|---|"]
        for option in options:
            cells = [_names(option, ctx), _default(option, ctx), _cell(option.help or "")]
            cells = [cell.replace("|", "\\|") for cell in cells[:2]] + cells[2:]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def render(text: str) -> str:
    """``text`` (docs/cli.md) with every reference block regenerated."""
    known = dict(commands(cli))
    known["frontwatch"] = cli

    def block(match: re.Match[str]) -> str:
        path = match["path"]
        if path not in known:
            raise SystemExit(f"docs/cli.md: no command {path!r}")
        return match.group(1) + reference(path, known[path]) + match.group(4)

    return BLOCK.sub(block, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/cli.md is stale")
    args = parser.parse_args(argv)
    text = DOC.read_text(encoding="utf-8")
    new = render(text)
    if args.check:
        if new != text:
            print("docs/cli.md is stale: run python scripts/cli_reference.py", file=sys.stderr)
            return 1
        return 0
    if new != text:
        DOC.write_text(new, encoding="utf-8")
        print("docs/cli.md updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
