"""Generate the mixed benchmark stream: about 80% unrelated news, 20% conflict news.

Run: ``.venv/bin/python bench/corpus/make_corpus.py`` (writes ``bench/corpus/mixed.jsonl``).
Short articles (a headline and four to seven sentences) are drawn from the templates and word
lists below, written for the project; a fixed seed makes the file reproducible. Each line is a
JSON object ``{"id", "published", "topic", "text"}``, readable by ``frontwatch ingest``.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

OUT = Path(__file__).parent / "mixed.jsonl"
SEED = 7
ARTICLES = 500
CONFLICT_SHARE = 0.2

TEAMS = [
    "Northbridge United",
    "Port Alma",
    "Riverside Rovers",
    "Eastfield Athletic",
    "Kestrel City",
    "Valemont",
    "Harbour Town",
    "Copperhill Wanderers",
]
PLAYERS = [
    "Tomas Reyes",
    "Anna Lindqvist",
    "Kofi Mensah",
    "Lena Hartmann",
    "Ravi Menon",
    "Sofia Marchetti",
    "Daniel Okafor",
    "Mei Tanaka",
]
COMPANIES = [
    "Aldgate Foods",
    "Brightline Energy",
    "Corvid Systems",
    "Delta Textiles",
    "Everpine Retail",
    "Fenwick Motors",
    "Granite Telecom",
    "Halcyon Pharma",
]
PRODUCTS = [
    "electric van",
    "budget phone",
    "frozen meal range",
    "solar panel",
    "running shoe",
    "streaming service",
    "coffee machine",
    "savings account",
]
FIELDS = [
    "astronomers",
    "marine biologists",
    "chemists",
    "geologists",
    "ecologists",
    "physicists",
    "botanists",
    "neuroscientists",
]
FINDINGS = [
    "a faint ring around a distant planet",
    "a new species of deep-sea snail",
    "a cheaper catalyst for making hydrogen",
    "traces of an ancient lake bed",
    "a link between sleep and memory in bees",
    "a fern that thrives in salty soil",
    "an unusually bright pulsar",
    "a gene that helps coral tolerate heat",
]
ARTISTS = [
    "the painter Ines Duarte",
    "the novelist Samuel Achebe-Ward",
    "the cellist Yuna Park",
    "the director Marco Bellini",
    "the poet Hana Novak",
    "the photographer Leo Brandt",
]
VENUES = [
    "the city gallery",
    "the national theatre",
    "the old opera house",
    "the riverside festival",
    "the modern art museum",
    "the public library",
]
TOWNS = ["Ashford", "Belmonte", "Carrow", "Dunmore", "Elsworth", "Fairhaven", "Glenrock", "Halden"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

SPORT = [
    "{team1} edged {team2} {g1}-{g2} on {day}, with {player} scoring the winner late on.",
    "The result lifts {team1} to {rank} place in the table with {n} games left.",
    "{player} said the squad had worked hard in training all week.",
    "A crowd of {big} watched the match in warm sunshine.",
    "{team2} coach praised his young side despite the result.",
    "The teams meet again in the cup semi-final next month.",
    "{player} has now scored {n} goals this season, a club record.",
    "Tickets for the final went on sale on {day} and sold out within hours.",
]
BUSINESS = [
    "{company} reported a {pct}% rise in quarterly revenue on {day}.",
    "The company said demand for its {product} had grown faster than expected.",
    "Its shares rose {pct}% in early trading.",
    "Analysts had forecast slower growth because of higher costs.",
    "{company} plans to open {n} new stores next year.",
    "The chief executive said prices would stay stable through the winter.",
    "The firm employs about {big} people in {n} countries.",
    "{company} will launch a cheaper {product} in the spring.",
]
SCIENCE = [
    "A team of {field} has found {finding}, according to a study published on {day}.",
    "The researchers used data collected over {n} years.",
    "They said the result could change how textbooks describe the process.",
    "Further observations are planned for next year.",
    "The work was funded by a university grant of {big} euros.",
    "Other scientists called the study careful and promising.",
    "The team shared its data so that others can check the findings.",
]
CULTURE = [
    "A retrospective of {artist} opens at {venue} on {day}.",
    "The show brings together {n} works from private collections.",
    "Critics have called it the most ambitious exhibition of the year.",
    "Entry is free for students and visitors under {n}.",
    "{artist} will give a talk about the early years of the work.",
    "Last season {venue} welcomed about {big} visitors.",
    "The programme also includes concerts and film screenings.",
]
WEATHER = [
    "Forecasters expect {mm} millimetres of rain in {town} by {day}.",
    "Temperatures will climb to {temp} degrees in the afternoon.",
    "A cold front moving in from the west will bring strong winds.",
    "Drivers were advised to allow extra time on the coast road.",
    "The weekend should be drier, with sunny spells in the south.",
    "Farmers welcomed the rain after a dry month.",
]
UNRELATED = {
    "sport": SPORT,
    "business": BUSINESS,
    "science": SCIENCE,
    "culture": CULTURE,
    "weather": WEATHER,
}
HEADLINES = {
    "sport": "{team1} beat {team2} in a tight match",
    "business": "{company} revenue up {pct}%",
    "science": "{field} report {finding}",
    "culture": "{artist} retrospective opens at {venue}",
    "weather": "Rain and wind expected in {town}",
}

ARMED = [
    "government troops",
    "rebel fighters",
    "militants",
    "gunmen",
    "army units",
    "militia members",
    "security forces",
    "insurgents",
]
PLACES = [
    "Kidal",
    "Gao",
    "Mopti",
    "Maiduguri",
    "Bunia",
    "Idlib",
    "Marib",
    "Kherson",
    "Bakhmut",
    "Goma",
]
CONFLICT = [
    "{armed1} attacked a checkpoint near {place} on {day}, killing {k} soldiers.",
    "Witnesses said {armed1} fired on a market in {place}.",
    "{armed2} clashed with {armed1} on the outskirts of {place} for several hours.",
    "A roadside bomb struck a military convoy near {place}, wounding {k} people.",
    "{armed1} seized the town of {place} after the garrison withdrew.",
    "Residents said {k} civilians were killed in the shelling.",
    "The army said it had recaptured two villages north of {place}.",
    "{k} aid workers were abducted on the road to {place}, officials said.",
    "Hundreds of people protested in {place} against the rising violence.",
    "Police fired tear gas to disperse the protesters.",
    "The governor said the situation was now under control.",
    "Talks between the two sides are expected to resume next week.",
]
CONFLICT_HEADLINE = "Fighting near {place} leaves {k} dead"


def _fill(template: str, rng: random.Random, slots: dict[str, str]) -> str:
    return template.format(**slots)


def _slots(rng: random.Random) -> dict[str, str]:
    team1, team2 = rng.sample(TEAMS, 2)
    armed1, armed2 = rng.sample(ARMED, 2)
    return {
        "team1": team1,
        "team2": team2,
        "player": rng.choice(PLAYERS),
        "g1": str(rng.randint(1, 4)),
        "g2": str(rng.randint(0, 1)),
        "rank": rng.choice(["second", "third", "fourth", "fifth"]),
        "n": str(rng.randint(3, 19)),
        "big": f"{rng.randint(2, 60)},{rng.randint(100, 999)}",
        "day": rng.choice(DAYS),
        "company": rng.choice(COMPANIES),
        "product": rng.choice(PRODUCTS),
        "pct": str(rng.randint(2, 18)),
        "field": rng.choice(FIELDS),
        "finding": rng.choice(FINDINGS),
        "artist": rng.choice(ARTISTS),
        "venue": rng.choice(VENUES),
        "town": rng.choice(TOWNS),
        "mm": str(rng.randint(10, 80)),
        "temp": str(rng.randint(8, 31)),
        "armed1": armed1,
        "armed2": armed2,
        "place": rng.choice(PLACES),
        "k": str(rng.randint(2, 40)),
    }


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def article(rng: random.Random, topic: str) -> str:
    slots = _slots(rng)
    pool = CONFLICT if topic == "conflict" else UNRELATED[topic]
    headline = CONFLICT_HEADLINE if topic == "conflict" else HEADLINES[topic]
    body = rng.sample(pool, rng.randint(4, min(7, len(pool))))
    sentences = [_capital(_fill(s, rng, slots)) for s in body]
    return _capital(_fill(headline, rng, slots)) + "\n\n" + " ".join(sentences) + "\n"


def main() -> int:
    rng = random.Random(SEED)
    lines = []
    for i in range(ARTICLES):
        topic = "conflict" if rng.random() < CONFLICT_SHARE else rng.choice(sorted(UNRELATED))
        published = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        row = {
            "id": f"mixed-{i:04d}",
            "published": published,
            "topic": topic,
            "text": article(rng, topic),
        }
        lines.append(json.dumps(row, ensure_ascii=False))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines)} articles", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
