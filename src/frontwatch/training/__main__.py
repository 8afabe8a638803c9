"""``python -m frontwatch.training``: train the learned coder and write its model card.

python -m frontwatch.training --gold ../shared/gold            # corpus + case2021 + plover
python -m frontwatch.training --gold ../shared/gold --gold-sets case2021,plover,seed
python -m frontwatch.training --extra reviews.jsonl --out /tmp/my-coder   # your own labels
python -m frontwatch.training --check                           # validate the corpus only
python -m frontwatch.training --gold ../shared/gold --pipeline-cv   # + the honest CV figures

``frontwatch train`` runs the same.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from pathlib import Path

from ..coder.model import MODEL_DIR
from ..errors import FrontwatchError
from .corpus import CORPUS_DIR, corpus_files, corpus_problems
from .examples import GOLD_SETS
from .train import FEATURE_SETS, HEADS, TrainConfig, train

PROG = "frontwatch train"


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=PROG, description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="folder of corpus *.jsonl")
    ap.add_argument("--extra", type=Path, nargs="*", default=[], help="more corpus files")
    ap.add_argument("--gold", type=Path, help="folder of the dev gold sets (read, never copied)")
    ap.add_argument(
        "--gold-sets", default="case2021,plover", help=f"comma-separated, of {','.join(GOLD_SETS)}"
    )
    ap.add_argument("--heads", default=",".join(HEADS))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("-C", dest="c", type=float, default=10.0, help="inverse L2 strength")
    ap.add_argument("--gold-weight", type=float, default=1.0)
    ap.add_argument("--min-df", type=int, default=2)
    ap.add_argument("--out", type=Path, default=MODEL_DIR, help="where the model files go")
    ap.add_argument("--no-cv", action="store_true", help="skip cross-validation (no scores)")
    ap.add_argument("--plot", type=Path, help="write the reliability diagram (SVG) here")
    ap.add_argument("--check", action="store_true", help="validate the corpus and stop")
    ap.add_argument(
        "--features",
        default=",".join(FEATURE_SETS),
        help="what the model reads besides the text: rules, abstract (comma-separated; "
        "empty: the text only)",
    )
    ap.add_argument(
        "--pipeline-cv",
        action="store_true",
        help="cross-validate through the whole pipeline on the gold sets (needs --gold)",
    )
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    files = [*corpus_files(args.corpus), *args.extra]
    problems = corpus_problems(files)
    for line in problems:
        print(line, file=sys.stderr)
    if args.check or problems:
        print(f"{len(files)} files, {len(problems)} problems")
        return 1 if problems else 0
    sets = [s for s in args.gold_sets.split(",") if s]
    unknown = set(sets) - set(GOLD_SETS)
    if unknown:
        print(f"unknown gold sets: {sorted(unknown)}", file=sys.stderr)
        return 2
    config = TrainConfig(
        corpus_dir=args.corpus,
        extra=list(args.extra),
        gold_dir=args.gold,
        gold_sets=sets,
        heads=[h for h in args.heads.split(",") if h],
        folds=args.folds,
        seed=args.seed,
        c=args.c,
        gold_weight=args.gold_weight,
        min_df=args.min_df,
        out=args.out,
        cv=not args.no_cv,
        command=f"{PROG} {shlex.join(argv or sys.argv[1:])}".strip(),
        features=[f for f in args.features.split(",") if f],
    )
    unknown = set(config.features) - set(FEATURE_SETS)
    if unknown:
        print(f"unknown feature sets: {sorted(unknown)}", file=sys.stderr)
        return 2
    if args.pipeline_cv and args.gold is None:
        print("--pipeline-cv needs --gold", file=sys.stderr)
        return 2
    from .card import model_card, reliability_svg
    from .pipeline_cv import pipeline_cv

    try:
        honest = pipeline_cv(config, progress=print) if args.pipeline_cv else None
        held_out = (honest.heads, honest.temperatures) if honest else None
        result = train(config, progress=print, held_out=held_out)
    except FrontwatchError as err:
        print(err, file=sys.stderr)
        return 1
    if honest is not None:
        result.coder.meta["pipeline_cv"] = honest.figures()
        result.pipeline = honest
    result.coder.save(config.out)
    size = sum((config.out / n).stat().st_size for n in ("coder.json", "coder.npz"))
    (config.out / "MODEL_CARD.md").write_text(model_card(result, size), encoding="utf-8")
    if args.plot:
        args.plot.write_text(reliability_svg(result), encoding="utf-8")
    print(f"model written to {config.out} ({size / 1e6:.1f} MB) in {result.seconds} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
