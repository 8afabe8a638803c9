"""``frontwatch train``: train the learned event coder (:mod:`frontwatch.training`)."""

from __future__ import annotations

import click


@click.command(
    name="train",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def train(ctx: click.Context, args: tuple[str, ...]) -> None:
    """Train the learned event coder on the written corpus (and, with --gold DIR, the dev gold
    sets read at run time), cross-validate it, and write the model files and their card.
    Needs the train extra (scikit-learn). Options: `frontwatch train --help`, docs/coding.md.
    """
    from ..training.__main__ import main

    ctx.exit(main(list(args)))
