"""``frontwatch gazetteer build``: the offline GeoNames index."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def gazetteer() -> None:
    """The offline GeoNames gazetteer index."""


@gazetteer.command(name="build")
@click.option(
    "--geonames",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="An official GeoNames dump (allCountries.zip, XX.zip or .txt) to index in full.",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Index file (default: the cache directory).",
)
@click.option(
    "--if-needed",
    is_flag=True,
    help="Only when the index is missing or was built from older data.",
)
def gazetteer_build(geonames: str | None, output: str | None, if_needed: bool) -> None:
    """Build the gazetteer index from the bundled GeoNames data (or a full dump)."""
    from ..gazetteer.build import build_gazetteer
    from ..gazetteer.index import default_index_path, is_current

    target = Path(output) if output else default_index_path()
    if if_needed and geonames is None and is_current(target):
        click.echo(str(target))
        return
    path = build_gazetteer(
        target,
        Path(geonames) if geonames else None,
        progress=lambda msg: click.echo(msg, err=True),
    )
    click.echo(str(path))
