"""The model card (``MODEL_CARD.md`` beside the model) and the reliability plot (SVG)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from .cv import LabelScore
from .train import TrainResult

HEAD_TITLES = {
    "case": "CASE 2021 label (30 labels and NONE)",
    "plover": "PLOVER type (and NONE)",
    "mode": "PLOVER mode (TYPE/mode)",
    "modality": "modality",
}


def _fmt(value: float) -> str:
    return f"{value:.3f}"


def _label_table(scores: list[LabelScore]) -> list[str]:
    lines = ["| label | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    for s in sorted(scores, key=lambda s: (s.f1, s.label)):
        lines.append(
            f"| `{s.label}` | {_fmt(s.precision)} | {_fmt(s.recall)} | {_fmt(s.f1)} | {s.support} |"
        )
    return lines


def pipeline_section(figures: dict[str, Any] | None) -> list[str]:
    """The card's table of the pipeline cross-validation (``coder.json`` ``pipeline_cv``)."""
    if not figures:
        return []
    out = [
        "",
        "## Pipeline cross-validation",
        "",
        f"Each gold document extracted by the whole pipeline with the model of the fold "
        f"({figures['folds']} folds) that did not train on it, scored by `frontwatch eval`'s "
        "scorer; `corpus_only`: the model trained on the written corpus alone. These are the "
        "figures to quote for the gold sets the model was trained on. The pipeline ran with "
        f'`coder_fields = "{figures.get("coder_fields", "all")}"` (docs/settings.md).',
        "",
        "| set | score | value |",
        "|---|---|---:|",
    ]
    rows = [(k, v) for k, v in figures.items() if isinstance(v, dict) and k != "corpus_only"]
    rows += [(f"{k} (corpus only)", v) for k, v in figures.get("corpus_only", {}).items()]
    for name, scores in rows:
        out += [f"| {name} | {score} | {_fmt(value)} |" for score, value in scores.items()]
    return out


def model_card(result: TrainResult, model_bytes: int) -> str:
    meta = result.coder.meta
    training = meta["training"]
    out = [
        "# Model card: frontwatch's learned event coder",
        "",
        "Written by `python -m frontwatch.training` (docs/coding.md); do not edit by hand.",
        "",
        "## Model",
        "",
        "Multinomial logistic regression per head over word (1-2) and character (3-5) n-grams "
        "of the text (tf-idf, sublinear), int8 weights in `coder.npz`, classes and "
        "temperatures in `coder.json`; applied with numpy only (`frontwatch.coder`). "
        f"Files: {model_bytes / 1e6:.1f} MB. Vocabulary: {result.coder.vocabulary.size:,} "
        "features.",
        "",
        "| head | classes | training examples | temperature |",
        "|---|---:|---:|---:|",
    ]
    counts: Counter[str] = Counter()
    for head in result.coder.heads:
        counts[head] = sum(
            1
            for e in result.examples
            if (head == "case" and e.label)
            or (head == "plover" and e.plover)
            or (head == "mode" and e.plover and e.mode)
            or (head == "modality" and e.modality)
        )
    for name, linear in result.coder.heads.items():
        out.append(f"| {name} | {len(linear.classes)} | {counts[name]} | {linear.temperature} |")
    out += [
        "",
        "## Training data",
        "",
        f"Trained {training['date']} with `{training['command']}`: "
        f"{training['examples']} examples, C = {training['c']}, gold weight "
        f"{training['gold_weight']}, features seen in at least {training['min_df']} texts, "
        f"{training['folds']}-fold cross-validation with seed {training['seed']}.",
        "",
        "| file | sha256 | examples |",
        "|---|---|---:|",
    ]
    for path, digest, n in result.files:
        out.append(f"| `{Path(path).name}` | `{digest}` | {n} |")
    gold = training["gold_sets"]
    out += [
        "",
        "**Gold sets in the training data: "
        + (", ".join(f"`{g}`" for g in gold) if gold else "none")
        + ".** `frontwatch eval` must not report scores of this model on them: the figures "
        "below, from held-out folds, are the ones to quote.",
        "",
        "## Cross-validated scores",
        "",
        "Each example is scored by the model of the fold that did not train on it (folds by "
        "document; the variants of one corpus scene in one fold). Confidence is the top "
        "probability after temperature scaling; ECE over 10 bins, with each fold's temperature "
        "fitted on the other folds.",
        "",
        "| head | set | accuracy | weighted F1 | ECE |",
        "|---|---|---:|---:|---:|",
    ]
    for name, report in result.reports.items():
        for source in report.per_label:
            s = report.scores
            out.append(
                f"| {name} | {source} | {_fmt(s[f'{source}.accuracy'])} | "
                f"{_fmt(s[f'{source}.weighted_f1'])} | {_fmt(s[f'{source}.ece'])} |"
            )
    if result.corpus_only:
        out += [
            "",
            "Trained on the written corpus alone (no gold), CASE 2021 dev: weighted F1 "
            f"{_fmt(result.corpus_only['case2021.weighted_f1'])}, accuracy "
            f"{_fmt(result.corpus_only['case2021.accuracy'])}.",
        ]
    out += pipeline_section(meta.get("pipeline_cv"))
    out += ["", "## Per label", ""]
    for name, report in result.reports.items():
        for source, scores in report.per_label.items():
            if name == "mode" or (name == "modality" and source != "corpus"):
                continue
            out += [f"### {HEAD_TITLES.get(name, name)}: {source}", "", *_label_table(scores), ""]
    if result.corpus_only:
        out += [
            "### CASE 2021 label, trained on the corpus alone: case2021",
            "",
            *_label_table(result.corpus_only["per_label"]),
            "",
        ]
    out += ["## Calibration", ""]
    for name, report in result.reports.items():
        out += [
            f"{HEAD_TITLES.get(name, name)}: temperature {report.temperature}, held-out ECE "
            f"{_fmt(report.scores.get('calibration.ece', 0.0))}.",
            "",
            "| mean confidence | accuracy | examples |",
            "|---:|---:|---:|",
            *(f"| {_fmt(c)} | {_fmt(a)} | {n} |" for c, a, n in report.reliability),
            "",
        ]
    if result.seed_check:
        hits = sum(e == p for e, p, _, _ in result.seed_check)
        out += [
            "## Held-out check: the seed article's sentences",
            "",
            "The seed article (`seed.gold.jsonl`) is not in the training data: each gold "
            "event's sentence and each negative's, coded alone by the `case` head "
            f"({hits} of {len(result.seed_check)} as annotated).",
            "",
            "| expected | predicted | probability | sentence |",
            "|---|---|---:|---|",
        ]
        for expected, predicted, text, p in result.seed_check:
            short = text if len(text) <= 90 else text[:87] + "..."
            short = short.replace("|", "/").replace("\n", " ")
            out.append(f"| `{expected}` | `{predicted}` | {p:.2f} | {short} |")
        out.append("")
    out += [
        "## Speed",
        "",
        f"{result.speed:,.0f} texts a second on one core (features and every head; the "
        "gold texts, 1-4 sentences), measured by the trainer. Cold start: one `np.load` of "
        "`coder.npz`. Weights are stored as int8 (one scale per class): that changes "
        f"{result.quantised_changes} top labels (texts x heads) of the gold texts against the "
        "float weights the scores above were measured with.",
        "",
    ]
    return "\n".join(out)


def reliability_svg(result: TrainResult, heads: tuple[str, ...] = ("case", "plover")) -> str:
    """A reliability diagram: accuracy against mean confidence per bin, one line per head."""
    size, pad = 320, 40
    colours = {"case": "#1f77b4", "plover": "#d62728", "mode": "#2ca02c", "modality": "#9467bd"}

    def xy(c: float, a: float) -> tuple[float, float]:
        return pad + c * (size - 2 * pad), size - pad - a * (size - 2 * pad)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'font-family="sans-serif" font-size="10">',
        f'<rect width="{size}" height="{size}" fill="white"/>',
        f'<line x1="{pad}" y1="{size - pad}" x2="{size - pad}" y2="{pad}" stroke="#999" '
        'stroke-dasharray="4 3"/>',
        f'<rect x="{pad}" y="{pad}" width="{size - 2 * pad}" height="{size - 2 * pad}" '
        'fill="none" stroke="#333"/>',
        f'<text x="{size / 2}" y="{size - 10}" text-anchor="middle">confidence</text>',
        f'<text x="12" y="{size / 2}" transform="rotate(-90 12 {size / 2})" '
        'text-anchor="middle">accuracy</text>',
    ]
    for tick in (0.0, 0.5, 1.0):
        x, y = xy(tick, tick)
        parts.append(f'<text x="{x}" y="{size - pad + 12}" text-anchor="middle">{tick}</text>')
        parts.append(f'<text x="{pad - 4}" y="{y + 3}" text-anchor="end">{tick}</text>')
    legend_y = pad + 12
    for name in heads:
        report = result.reports.get(name)
        if report is None or not report.reliability:
            continue
        points = " ".join("{:.1f},{:.1f}".format(*xy(c, a)) for c, a, _ in report.reliability)
        colour = colours.get(name, "#000")
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}"/>')
        for c, a, n in report.reliability:
            x, y = xy(c, a)
            r = 1.5 + min(4.0, n**0.5 / 4)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}"/>')
        ece = report.scores.get("calibration.ece", 0.0)
        parts.append(
            f'<text x="{pad + 6}" y="{legend_y}" fill="{colour}">{name} (ECE {ece:.3f})</text>'
        )
        legend_y += 12
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
