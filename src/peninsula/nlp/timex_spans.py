"""Rules for spans and relative units: "last year", "the past three years", "two weeks ago",
durations, sets ("every week", "twice a year"), clock times and reference words ("now"). Each
normaliser turns a match into a `Value`, or None to reject it; the patterns are in `timex_rules`.
"""

from __future__ import annotations

import re
from datetime import timedelta

from peninsula.nlp.calendar import (
    FUTURE,
    IN_YEARS,
    PAST,
    SMALLER,
    add_months,
    duration,
    iso_week,
    number,
    shifted_value,
    unknown,
)
from peninsula.nlp.timex_context import (
    BLOCK,
    Context,
    Value,
    after_name,
    dmod,
    month_number,
    qmod,
    unit_code,
)
from peninsula.records import PartialDate

# Units relative to the anchor: "last year", "this week", "the past three years", "two days ago".


def relative_unit(m: re.Match[str], ctx: Context) -> Value | None:
    unit = unit_code(m["unit"], ctx.words)
    rel = (m["rel"] or "").lower()
    if m["num"] or m["unit"].lower() in ctx.words.plurals:
        # "the past three years", "the coming weeks", "recent years": a span of time.
        if not rel or rel in ("this", "current") or rel in ctx.words.anaphoric_words:
            return None
        if rel == "last" and not m["the"] and m["num"]:
            return None  # "the drills last 11 days": the verb
        count = number(m["num"], ctx.words) if m["num"] else None
        return Value("DURATION", duration(count, unit), qmod(m, ctx))
    if rel == "recent":
        return None
    if not rel and not m["dmod"]:
        return None  # "the year" alone; "the end of the year" has a modifier
    if (
        m["the"]
        and rel in ("last", "past", "first", "final")
        and re.match(r"\s+of\b", ctx.after(m.end()))
    ):
        return None  # "the last month of the war"
    if unit in ("S", "MIN", "H", "D"):
        return None  # "the next day" is the anaphoric_day rule's
    if m["the"] and ctx.word_before(m.start()) in ctx.words.span_prepositions:
        # "within the following decade", "for the past year": a span, however it is counted.
        return Value("DURATION", duration(1, unit), qmod(m, ctx))
    if rel in ctx.words.anaphoric_words and (m["the"] or rel == "that"):
        # "the following year", "that month": counted from the last date mentioned.
        shift = (unit, ctx.words.anaphoric_words[rel])
        return Value("DATE", unknown(unit), dmod(m, ctx), anchored=True, shift=shift)
    if rel in ctx.words.anaphoric_words and rel not in ctx.words.relative_words:
        return None  # "same year" without "the"
    offset = ctx.words.relative_words.get(rel, 0)
    if m["the"] and offset > 0 and not m["dmod"]:
        # "the next decade", "the coming year": the span from now on, not a calendar unit.
        return Value("DURATION", duration(1, unit), qmod(m, ctx))
    mod = dmod(m, ctx)
    if not rel and mod:
        offset = _unit_part_offset(ctx, unit, mod, ctx.tense(m.start(), m.end()))
    return shifted(ctx.anchor, unit, offset, mod)


_PART_BOUNDS = {"START": (0.0, 1 / 3), "MID": (1 / 3, 2 / 3), "END": (2 / 3, 1.0)}


def _unit_part_offset(ctx: Context, unit: str, mod: str, tense: int) -> int:
    """ "was finished by the end of the year", said in March, is last year's end: a past event
    cannot be in a part of the current year still to come, nor a future one in a part gone."""
    anchor = ctx.anchor
    if mod not in _PART_BOUNDS or anchor is None or anchor.month is None:
        return 0
    if unit == "Y":
        elapsed = (anchor.month - 0.5) / 12
    elif unit == "M" and anchor.day is not None:
        elapsed = (anchor.day - 0.5) / 31
    else:
        return 0
    low, high = _PART_BOUNDS[mod]
    if tense == PAST and elapsed < low:
        return -1
    if tense == FUTURE and elapsed > high:
        return 1
    return 0


def shifted(anchor: PartialDate | None, unit: str, offset: int, mod: str | None) -> Value:
    """The anchor's year, month, week, day, quarter, decade or century, moved `offset` units;
    unknown ("XXXX-XX") when the anchor is not precise enough for the unit."""
    found = shifted_value(anchor, unit, offset)
    if found is None:
        return Value("DATE", unknown(unit), mod)
    return Value("DATE", found, mod, anchored=True)


def ago(m: re.Match[str], ctx: Context) -> Value | None:
    """ "two weeks ago" -> the week two weeks before the anchor; "years ago" -> PAST_REF."""
    unit = unit_code(m["unit"], ctx.words)
    count = number(m["num"], ctx.words) if m["num"] else None
    mod = qmod(m, ctx)
    if count is None:
        return Value("DATE", "PAST_REF", mod, anchored=True)
    if unit == "FORTNIGHT":
        count, unit = count * 2, "W"
    if unit in IN_YEARS:
        count, unit = count * IN_YEARS[unit], "Y"
    while count != int(count) and unit in SMALLER:
        factor, unit = SMALLER[unit]
        count *= factor
    return _ago_value(ctx, int(count), unit, mod)


def _ago_value(ctx: Context, count: int, unit: str, mod: str | None) -> Value | None:
    year, month = ctx.year, ctx.month
    if unit == "Y" and year is not None:
        return Value("DATE", f"{year - count}", mod, True)
    if unit in ("M", "Q") and year is not None and month is not None:
        y, mo = add_months(year, month, -count * (3 if unit == "Q" else 1))
        return Value("DATE", f"{y}-{mo:02d}", mod, True)
    day = ctx.day
    if day is None:
        return Value("DATE", "PAST_REF", mod)
    if unit == "W":
        return Value("DATE", iso_week(day - timedelta(weeks=count)), mod, True)
    if unit == "D":
        return Value("DATE", (day - timedelta(days=count)).isoformat(), mod, True)
    return Value("DATE", day.isoformat(), mod, True)  # hours and minutes ago: that same day


def duration_rule(m: re.Match[str], ctx: Context) -> Value | None:
    if m.groupdict().get("the") and m["unit"].lower() not in ctx.words.plurals:
        return None  # "the 70 years since", but not "the 1,000-day plan"
    unit = unit_code(m["unit"], ctx.words)
    count = number(m["num"], ctx.words)
    if count is not None and (m["half"] or m["half2"]):
        count += 0.5
    if m["num"].lower() in ("a", "an") and _is_rate(ctx, m.start()):
        return Value("SET", duration(1, unit))  # "$100 a year", "5 percent a year"
    return Value("DURATION", duration(count, unit), qmod(m, ctx))


def range_start(m: re.Match[str], ctx: Context) -> Value | None:
    """ "between 6 and 9 weeks": the first number takes the unit of the second."""
    if m["num"].lower() in ("a", "an") or re.fullmatch(r"(1\d|20)\d\d", m["num"]):
        return None
    return duration_rule(m, ctx)


def year_range_end(m: re.Match[str], ctx: Context) -> Value | None:
    """ "1998-99", "the 2018-19 season": the second year of the range."""
    first = int(ctx.text[m.start() - 5 : m.start() - 1])
    second = first // 100 * 100 + int(m["yy"])
    if not first < second <= first + 10:
        return None
    return Value("DATE", str(second))


def _is_rate(ctx: Context, start: int) -> bool:
    before = ctx.text[max(0, start - 40) : start]
    return re.search(r"(\d[\d,.]*\s*(%|[a-zA-Z]+)?|percent|per\s+cent)\s+$", before) is not None


def lasting(m: re.Match[str], ctx: Context) -> Value | None:
    """ "a day-long meeting", "weeks-long talks"."""
    word = m["unit"].lower()
    count = None if word in ctx.words.plurals else 1.0
    return Value("DURATION", duration(count, unit_code(word, ctx.words)))


def half_duration(m: re.Match[str], ctx: Context) -> Value | None:
    return Value("DURATION", duration(0.5, unit_code(m["unit"], ctx.words)), qmod(m, ctx))


def bare_plural(m: re.Match[str], ctx: Context) -> Value | None:
    """ "for years", "decades of conflict", "within hours": an unspecified number of units."""
    before = ctx.word_before(m.start())
    after = ctx.after(m.end(), 12).lower()
    if before in ("the", "these", "those", "this", "that") or before in ctx.words.possessives:
        return None
    if ctx.word_before(m.start(), 2).startswith("the "):
        return None  # "in the final hours of the talks"
    if re.match(r"\s*(-\s*)?old\b", after):
        return None
    lasting = re.match(r"\s+(of|on end|-long|before|after|later|earlier)\b", after)
    if not (before in ctx.words.span_cues or m["qmod"] or lasting):
        return None
    return Value("DURATION", duration(None, unit_code(m["unit"], ctx.words)), qmod(m, ctx))


def every(m: re.Match[str], ctx: Context) -> Value | None:
    """ "every week", "each year", "every two years", "every other day"."""
    unit = unit_code(m["unit"], ctx.words)
    amount = m["num"]
    if amount and amount.lower() == "other":
        return Value("SET", duration(2, unit))
    count = number(amount, ctx.words) if amount else 1.0
    return Value("SET", duration(count, unit))


def frequency(m: re.Match[str], ctx: Context) -> Value | None:
    """ "twice a year", "three times a week"."""
    return Value("SET", duration(1, unit_code(m["unit"], ctx.words)))


def frequency_word(m: re.Match[str], ctx: Context) -> Value | None:
    word = m.group()
    if word[0].isupper() and after_name(ctx, m):
        return None  # "JoongAng Daily"
    if word[0].isupper() and re.match(r"\s+[A-Z]", ctx.after(m.end())):
        return None  # "Daily Mail"
    return Value("SET", ctx.words.frequency_words[word.lower()])


def weekday_set(m: re.Match[str], ctx: Context) -> Value | None:
    weekday = ctx.words.weekdays[(m["wd"] or m["wds"]).lower()]
    return Value("SET", f"XXXX-WXX-{weekday}")


def every_part(m: re.Match[str], ctx: Context) -> Value | None:
    """ "every morning", "every summer", "every August"."""
    if m["pod"]:
        return Value("SET", f"XXXX-XX-XXT{ctx.words.parts_of_day[m['pod'].lower()]}")
    if m["season"]:
        return Value("SET", f"XXXX-{ctx.words.seasons[m['season'].lower()]}")
    return Value("SET", f"XXXX-{month_number(m['mon'], ctx.words):02d}")


def clock(m: re.Match[str], ctx: Context) -> Value | None:
    hour = int(m["h"])
    minute = int(m["min"] or 0)
    marker = (m["ampm"] or "").lower().replace(".", "").replace("’", "'")
    if marker and not 1 <= hour <= 12:
        return None  # "2 o'clock" stays 02:00: nothing tells morning from afternoon
    if marker == "pm" and hour != 12:
        hour += 12
    elif marker == "am" and hour == 12:
        hour = 0
    if not marker and not (m["zone"] or ctx.word_before(m.start()) in ("at", "by", "until")):
        return None  # "2:1" is a score; a bare 24-hour time needs "at" or a zone
    return Value("TIME", f"T{hour:02d}:{minute:02d}", needs_day=True)


def clock_word(m: re.Match[str], ctx: Context) -> Value | None:
    return Value("TIME", "T" + ctx.words.clock_words[m["cw"].lower()], needs_day=True)


def reference(m: re.Match[str], ctx: Context) -> Value | None:
    word = " ".join(m.group().lower().split())
    prepositions = ctx.words.reference_prepositions
    if word.startswith("the ") and ctx.word_before(m.start()) not in prepositions:
        return None  # "the future of the alliance" is a topic; "in the future" is a time
    if word == "now" and re.match(r"\s*-\s*\w", ctx.after(m.end())):
        return None  # "now-defunct"
    return Value("DATE", ctx.words.reference_words[word])


def block(m: re.Match[str], ctx: Context) -> Value | None:
    return BLOCK
