"""Rules for calendar dates: days with a month, weekdays, day words, years, decades, centuries,
seasons, quarters and holidays. Each normaliser turns a match into a `Value`, or None to reject
it; the patterns are in `timex_rules`.
"""

from __future__ import annotations

import re
from datetime import timedelta

from peninsula.knowledge.time_words import SEASON_CODES
from peninsula.nlp.calendar import (
    iso_week,
    pick_year,
    pick_year_of_day,
    safe_date,
    season_index,
    weekday_day,
)
from peninsula.nlp.timex_context import (
    BLOCK,
    Context,
    Value,
    after_name,
    cued,
    day_number,
    dmod,
    month_number,
)
from peninsula.records import TimexType

# Dates with a month and a day.


def full_date(m: re.Match[str], ctx: Context) -> Value | None:
    month = month_number(m["mon"], ctx.words)
    day = day_number(m["day"])
    if m["year"]:
        found = safe_date(int(m["year"]), month, day)
        return Value("DATE", found.isoformat(), dmod(m, ctx)) if found else BLOCK
    return _yearless_day(m, ctx, month, day)


def _yearless_day(m: re.Match[str], ctx: Context, month: int, day: int) -> Value | None:
    if safe_date(2000, month, day) is None:  # 2000 is a leap year: Feb 29 stays possible
        return BLOCK  # "Feb 30": a date in form, no day in fact
    if _name_like(m, ctx):
        stated = _year_in_sentence(ctx, m.start(), m.end())
        if stated is None:
            return Value("DATE", f"XXXX-{month:02d}-{day:02d}", dmod(m, ctx))
        found = safe_date(stated, month, day)
        return Value("DATE", found.isoformat(), dmod(m, ctx)) if found else BLOCK
    anchor = ctx.day
    if anchor is None:
        year = ctx.year
        value = f"{year if year else 'XXXX'}-{month:02d}-{day:02d}"
        return Value("DATE", value, dmod(m, ctx), anchored=year is not None)
    tense = ctx.tense(m.start(), m.end())
    target = (month, day)
    current = (anchor.month, anchor.day)
    year = pick_year_of_day(target, current, anchor.year, tense)
    found = safe_date(year, month, day)
    return Value("DATE", found.isoformat(), dmod(m, ctx), anchored=True) if found else BLOCK


def _name_like(m: re.Match[str], ctx: Context) -> bool:
    """ "The Oct. 4 accord": a day after an article and before a word is the name of an event."""
    before = ctx.word_before(m.start()).replace("’", "'")
    if before not in ctx.words.name_determiners and not before.endswith("'s"):
        return False
    return re.match(r"\s+[A-Za-z]", ctx.after(m.end())) is not None and not m.groupdict().get(
        "year"
    )


_YEAR_IN_TEXT = re.compile(r"(?<![\w$#.,])(1[89]\d\d|20\d\d)(?![\w%]|[.,]\d)")


def _year_in_sentence(ctx: Context, start: int, end: int) -> int | None:
    s_start, s_end = ctx.sentence(start)
    for found in _YEAR_IN_TEXT.finditer(ctx.text, s_start, s_end):
        if not start <= found.start() < end:
            return int(found.group(1))
    return None


def iso_date(m: re.Match[str], ctx: Context) -> Value | None:
    found = safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return Value("DATE", found.isoformat()) if found else BLOCK


def numeric_date(m: re.Match[str], ctx: Context) -> Value | None:
    first, second, year = int(m["a"]), int(m["b"]), int(m["y"])
    if year < 100:
        year += 2000 if year < 50 else 1900
    month, day = (first, second) if first <= 12 else (second, first)  # US order unless impossible
    found = safe_date(year, month, day)
    return Value("DATE", found.isoformat()) if found else BLOCK


def month_year(m: re.Match[str], ctx: Context) -> Value | None:
    month = month_number(m["mon"], ctx.words)
    return Value("DATE", f"{int(m['year']):04d}-{month:02d}", dmod(m, ctx))


def month_relative_year(m: re.Match[str], ctx: Context) -> Value | None:
    """ "December last year", "August of next year"."""
    month = month_number(m["mon"], ctx.words)
    offset = ctx.words.relative_words[m["rel"].lower()]
    if ctx.year is None:
        return Value("DATE", f"XXXX-{month:02d}", dmod(m, ctx))
    year = ctx.year + offset
    if m["day"]:
        found = safe_date(year, month, day_number(m["day"]))
        return Value("DATE", found.isoformat(), dmod(m, ctx), True) if found else BLOCK
    return Value("DATE", f"{year}-{month:02d}", dmod(m, ctx), anchored=True)


def relative_month(m: re.Match[str], ctx: Context) -> Value | None:
    """ "last July": July of the year before the anchor's (news style names this year's July "in
    July", not "last July"); "next July" the first July after the anchor's month."""
    month = month_number(m["mon"], ctx.words)
    offset = ctx.words.relative_words[m["rel"].lower()]
    anchor = ctx.anchor
    if anchor is None or anchor.month is None:
        return Value("DATE", f"XXXX-{month:02d}", dmod(m, ctx))
    if offset < 0:
        year = anchor.year - 1
    elif offset > 0:
        year = anchor.year if month > anchor.month else anchor.year + 1
    else:
        year = anchor.year
    return Value("DATE", f"{year}-{month:02d}", dmod(m, ctx), anchored=True)


def bare_month(m: re.Match[str], ctx: Context) -> Value | None:
    """ "in August": which August by tense; only after a cue word or a modifier ("late")."""
    if not m["dmod"] and not cued(ctx, m.start()):
        return None
    month = month_number(m["mon"], ctx.words)
    anchor = ctx.anchor
    if anchor is None:
        return Value("DATE", f"XXXX-{month:02d}", dmod(m, ctx))
    if anchor.month is None:
        return Value("DATE", f"{anchor.year}-{month:02d}", dmod(m, ctx), anchored=True)
    tense = ctx.tense(m.start(), m.end())
    year = pick_year(month, anchor.month, anchor.year, tense, 12)
    return Value("DATE", f"{year}-{month:02d}", dmod(m, ctx), anchored=True)


def weekday(m: re.Match[str], ctx: Context) -> Value | None:
    if ctx.word_before(m.start()) == "the" and re.match(r"\s+[A-Z]", ctx.after(m.end())):
        return None  # "the Sunday Times"
    weekday = ctx.words.weekdays[m["wd"].lower()]
    pod = ctx.words.parts_of_day[m["pod"].lower()] if m["pod"] else None
    kind: TimexType = "TIME" if pod else "DATE"
    suffix = f"T{pod}" if pod else ""
    anchor = ctx.day
    if anchor is None:
        return Value(kind, f"XXXX-WXX-{weekday}{suffix}", dmod(m, ctx))
    offset = ctx.words.relative_words[m["rel"].lower()] if m["rel"] else None
    day = weekday_day(anchor, weekday, ctx.tense(m.start(), m.end()), offset)
    return Value(kind, day.isoformat() + suffix, dmod(m, ctx), anchored=True)


def day_word(m: re.Match[str], ctx: Context) -> Value | None:
    """ "today", "yesterday morning", "tonight", "last night", "this morning"."""
    word = " ".join(m["dw"].lower().split())
    if word[0].isalpha() and m["dw"][0].isupper() and m.start() > 0 and after_name(ctx, m):
        return None  # "USA Today"
    pod = ctx.words.parts_of_day.get(m["pod"].lower()) if m["pod"] else None
    offset = {"tonight": 0, "last": -1, "this": 0}.get(word)
    if offset is None:
        offset = ctx.words.day_words[word]
    if word == "tonight":
        pod = ctx.words.parts_of_day.get("night")
    elif word in ("last", "this") and pod is None:
        return None
    kind: TimexType = "TIME" if pod else "DATE"
    suffix = f"T{pod}" if pod else ""
    anchor = ctx.day
    if anchor is None:
        return Value(kind, "XXXX-XX-XX" + suffix, dmod(m, ctx))
    day = anchor + timedelta(days=offset)
    return Value(kind, day.isoformat() + suffix, dmod(m, ctx), anchored=True)


def anaphoric_day(m: re.Match[str], ctx: Context) -> Value | None:
    """ "the next day", "the day before": a day from the last day mentioned."""
    word = (m["rel"] or m["rel2"] or "same").lower()
    shift = {"next": 1, "following": 1, "after": 1, "previous": -1, "preceding": -1}.get(word, 0)
    if word == "before":
        shift = -1
    return Value("DATE", "XXXX-XX-XX", anchored=True, shift=("D", shift))


def weekend(m: re.Match[str], ctx: Context) -> Value | None:
    anchor = ctx.day
    if anchor is None:
        return Value("DATE", "XXXX-WXX-WE")
    offset = ctx.words.relative_words[m["rel"].lower()] if m["rel"] else None
    saturday = weekday_day(anchor, 6, ctx.tense(m.start(), m.end()), offset)
    return Value("DATE", iso_week(saturday) + "-WE", anchored=True)


def year(m: re.Match[str], ctx: Context) -> Value | None:
    year = int(m["year"])
    if not _looks_like_year(m, ctx, year):
        return None
    return Value("DATE", f"{year:04d}", dmod(m, ctx))


def _looks_like_year(m: re.Match[str], ctx: Context, year: int) -> bool:
    before = ctx.word_before(m.start())
    if before in ctx.words.number_nouns:
        return False  # "Resolution 2087"
    if m["dmod"] or before in ctx.words.date_cues:
        return 1000 <= year <= 2199
    latest = (ctx.year or 2030) + 30
    if not 1900 <= year <= latest:
        return False
    return not _counts_a_plural(m, ctx)


def _counts_a_plural(m: re.Match[str], ctx: Context) -> bool:
    """ "2000 troops": a number before a plural noun is a count, not a year."""
    if ctx.doc is not None:
        span = ctx.doc.char_span(m.start("year"), m.end("year"), alignment_mode="expand")
        if span is not None and len(span) == 1:
            token = span[0]
            return token.dep_ == "nummod" and token.head.tag_ in ("NNS", "NNPS")
    return re.match(r"\s+[a-z]+[^s']s\b", ctx.after(m.end())) is not None


def decade(m: re.Match[str], ctx: Context) -> Value | None:
    if m["dec4"]:
        return Value("DATE", m["dec4"], dmod(m, ctx))
    if ctx.word_before(m.start()) in ctx.words.possessives:
        return None  # "in his 50s" is an age
    digit = int(m["dec2"])
    anchor_year = ctx.year or 2000
    century = anchor_year // 100
    if digit * 10 > anchor_year % 100:
        century -= 1  # "the 90s" read in 2026 are the 1990s
    return Value("DATE", f"{century:02d}{digit}", dmod(m, ctx))


def century(m: re.Match[str], ctx: Context) -> Value | None:
    if m["ord"]:
        number = ctx.words.ordinals.get(m["ord"].lower().replace(" ", "-"), 0)
    else:
        number = int(m["cnum"])
    if not 1 <= number <= 30:
        return None
    return Value("DATE", f"{number - 1:02d}", dmod(m, ctx))


def season(m: re.Match[str], ctx: Context) -> Value | None:
    word = m["season"]
    code = ctx.words.seasons[word.lower()]
    if not _season_is_date(m, ctx):
        return None
    if m["year"]:
        return Value("DATE", f"{int(m['year'])}-{code}", dmod(m, ctx))
    current = season_index(ctx.anchor, ctx.words)
    if current is None:
        year = ctx.year
        value = f"{year}-{code}" if year else f"XXXX-{code}"
        return Value("DATE", value, dmod(m, ctx), anchored=year is not None)
    target = SEASON_CODES.index(code)
    year, index = current
    if m["rel"]:
        offset = ctx.words.relative_words[m["rel"].lower()]
        if offset < 0:
            year = year if target < index else year - 1
        elif offset > 0:
            year = year if target > index else year + 1
    else:
        year = pick_year(target, index, year, ctx.tense(m.start(), m.end()), 4)
    return Value("DATE", f"{year}-{code}", dmod(m, ctx), anchored=True)


def _season_is_date(m: re.Match[str], ctx: Context) -> bool:
    word = m["season"]
    if m["year"] or m["rel"]:
        return True
    if word[0].isupper() and m.start("season") > 0 and not m["the"] and not m["dmod"]:
        before = ctx.text[max(0, m.start("season") - 3) : m.start("season")]
        if not re.search(r"[.!?\n]\s*$", before):
            return False  # "Arab Spring"
    if re.match(r"\s+of\b", ctx.after(m.end())):
        return False  # "the fall of Saigon"
    if word[0].isupper() and re.match(r"\s+[A-Z]", ctx.after(m.end())):
        return False  # "the Spring Festival", "Summer Davos"
    if word.lower() == "fall":
        return bool(m["the"]) and ctx.word_before(m.start()) in ("in", "into", "until", "by")
    return bool(m["dmod"]) or cued(ctx, m.start())


def quarter(m: re.Match[str], ctx: Context) -> Value | None:
    """ "the first quarter of 2013", "Q3", "the second half of last year"."""
    part = (m["part"] or ("half" if m["h"] else "quarter")).lower()
    number = int(m["q"] or m["h"] or 0) or ctx.words.ordinals.get((m["ord"] or "").lower(), 0)
    count = 4 if part == "quarter" else 2
    if number == -1:
        number = count
    if not 1 <= number <= count:
        return None
    letter = "Q" if part == "quarter" else "H"
    year = _quarter_year(m, ctx, number, count)
    if year is None:
        if part == "half":
            return None  # "the second half" alone is as likely a match as a year
        return Value("DATE", f"XXXX-{letter}{number}")
    value, anchored = year
    return Value("DATE", f"{value}-{letter}{number}", anchored=anchored)


def _quarter_year(
    m: re.Match[str], ctx: Context, number: int, count: int
) -> tuple[int, bool] | None:
    if m["year"] or m["year2"]:
        return int(m["year"] or m["year2"]), False
    anchor = ctx.anchor
    if anchor is None:
        return None
    if m["rel"]:
        return anchor.year + ctx.words.relative_words[m["rel"].lower()], True
    if m["theyear"]:
        return anchor.year, True
    if m["part"] and m["part"].lower() == "half":
        return None
    if anchor.month is None:
        return anchor.year, True
    current = (anchor.month - 1) * count // 12 + 1
    return pick_year(number, current, anchor.year, ctx.tense(m.start(), m.end()), count), True


def holiday(m: re.Match[str], ctx: Context) -> Value | None:
    if not m.group()[0].isupper():
        return None
    month, day = ctx.words.holidays[" ".join(m["name"].lower().replace("’", "'").split())]
    if m["year"]:
        found = safe_date(int(m["year"]), month, day)
        return Value("DATE", found.isoformat()) if found else BLOCK
    return _yearless_day(m, ctx, month, day)
