"""``frontwatch eval``: scores on a gold file."""

from __future__ import annotations

import json

import click

from .options import loading_line, progress_bar, progress_option, settings


@click.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--predictions-out",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Also write the predictions, one DocumentResult a line (JSON Lines), to look at the "
    "errors.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the scores as JSON instead of a table."
)
@progress_option
@click.pass_context
def eval_(
    ctx: click.Context, gold: str, predictions_out: str | None, as_json: bool, progress: bool | None
) -> None:
    """Score extraction on a GOLD file (format: docs/gold-format.md)."""
    from ..eval.runner import evaluate_extractor
    from ..pipeline import Extractor

    loading_line(progress)
    extractor = Extractor(settings(ctx))
    with progress_bar(progress, "eval", "doc") as bar:

        def tick(done: int, total: int) -> None:
            bar.total = total
            bar.update(1)

        report = evaluate_extractor(extractor, gold, predictions_out=predictions_out, progress=tick)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        click.echo(report.to_table())
