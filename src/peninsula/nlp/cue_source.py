"""Who a cue's source is: the rules that find its head in the parse, and the span around it.

`subject` climbs from a cue verb to the subject of the clause it continues; `rule_source` is
the rules' choice for any cue word (the learned model in `nlp.speaker_model` weighs it among its
features); `source_bounds` gives the source's words around its head.
"""

from __future__ import annotations

from spacy.tokens import Token

from peninsula.nlp.quotes import Paragraphs, QuoteIndex

_SUBJECTS = frozenset({"nsubj", "csubj"})
_PASSIVE_SUBJECTS = frozenset({"nsubjpass", "csubjpass"})
# A cue without a subject shares the subject of the clause it continues.
_CONTINUING = frozenset({"advcl", "conj", "xcomp"})
_MAX_CLIMB = 4
_SOURCE_BREAKS = frozenset({"-", "--", "—", "–", ":"})


def rule_source(token: Token, particles: list[Token], paragraphs: Paragraphs) -> Token | None:
    """The source the hand-written rules give a cue word: the object of "according to", the
    owner of a cue noun, the subject of a copula before a cue adjective, a verb's subject."""
    if token.dep_ == "prep" or token.pos_ == "ADP":
        if not particles:
            return None
        objects = [c for c in particles[-1].children if c.dep_ in ("pobj", "pcomp")]
        return objects[0] if objects else None
    if token.pos_ == "NOUN":
        holders = owners(token)
        return holders[0] if holders else None
    if token.dep_ == "acomp":
        return None if token.head.i == token.i else subject(token.head, paragraphs)
    if token.pos_ in ("VERB", "AUX"):
        return subject(token, paragraphs)
    return None


def owners(token: Token) -> list[Token]:
    owners = [c for c in token.children if c.dep_ == "poss"]
    if not owners:
        owners = [
            o
            for c in token.children
            if c.dep_ == "prep" and c.lower_ in ("by", "from")
            for o in c.children
            if o.dep_ == "pobj"
        ]
    return owners


def subject(verb: Token, paragraphs: Paragraphs) -> Token | None:
    """The head of the cue's source, in the cue's paragraph and outside quotations, or
    None."""
    found = _subject_anywhere(verb, paragraphs)
    quotes = paragraphs.quotes
    if found is not None and quotes.inside(found.idx) and not quotes.inside(verb.idx):
        found = _beside_quote(verb, quotes)  # a parse that took a quoted word for the subject
    if found is None or not paragraphs.same(found, verb) or not _wordy(found):
        return None
    return found


def _beside_quote(verb: Token, quotes: QuoteIndex) -> Token | None:
    """'"…," the deputy mayor said' / '"…," said Tomas Varga': the words between the
    quotation and the cue, or right after the cue up to the sentence's end."""
    doc = verb.doc
    before = []
    for i in range(verb.i - 1, verb.sent.start - 1, -1):
        if quotes.inside(doc[i].idx) or doc[i].is_quote:
            break
        before.append(i)
    words = [i for i in before if not doc[i].is_punct and doc[i].dep_ not in ("aux", "neg")]
    if not words:
        words = []
        for i in range(verb.i + 1, verb.sent.end):
            if doc[i].is_punct or quotes.inside(doc[i].idx):
                break
            words.append(i)
    if not words:
        return None
    span = doc[min(words) : max(words) + 1]
    root: Token = span.root
    return root if root.pos_ in ("PROPN", "NOUN", "PRON") else None


def _wordy(token: Token) -> bool:
    return any(ch.isalpha() for ch in token.text) and token.lower_ not in ("'s", "’s")


def _subject_anywhere(verb: Token, paragraphs: Paragraphs) -> Token | None:
    current = verb
    for _ in range(_MAX_CLIMB):
        children = list(current.children)
        for child in children:
            if child.dep_ == "agent":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0]
        subjects = [c for c in children if c.dep_ in _SUBJECTS]
        # a parse run over a paragraph break may give two subjects: the one in the cue's
        # paragraph, nearest the verb
        subjects.sort(key=lambda c: (not paragraphs.same(c, verb), abs(c.i - current.i)))
        for child in subjects[:1]:
            if child.pos_ == "PRON" and child.lower_ in ("it", "there") and _expletive(child):
                return None
            return child
        if any(c.dep_ in _PASSIVE_SUBJECTS for c in children):
            return None  # "is expected to", "was told": no source in the clause
        if (
            current.dep_ == "acl"
            and current.tag_ == "VBG"
            and current.head.pos_ in ("NOUN", "PROPN")
        ):
            return current.head  # "a statement saying", "reports claiming"
        head = current.head
        if current.dep_ == "xcomp":
            objects = [c for c in head.children if c.dep_ == "dobj" and c.i < current.i]
            if objects:
                return objects[0]  # "left the farmers feeling that", "urged Seoul to"
        if current.dep_ == "pcomp" and head.dep_ == "prep":
            quoted = _quoted_as(head)
            if quoted is not None:
                return quoted  # "quoted the envoy as saying", "the envoy was quoted as saying"
            head = head.head  # "by saying", "after telling"
        elif current.dep_ not in _CONTINUING:
            return None
        if head.i == current.i or not paragraphs.same(head, verb):
            return None
        if paragraphs.quotes.inside(head.idx) and not paragraphs.quotes.inside(verb.idx):
            return None  # the quoted words are not the clause the cue continues
        current = head
    return None


def _quoted_as(preposition: Token) -> Token | None:
    """ "quoted the envoy as saying", "the envoy was cited as saying": the one whose words the
    verb carries, its object or its passive subject."""
    verb = preposition.head
    if preposition.lower_ != "as" or verb.i == preposition.i or verb.pos_ not in ("VERB", "AUX"):
        return None
    for dep in ("dobj", "nsubjpass"):
        found = [c for c in verb.children if c.dep_ == dep and c.i < preposition.i]
        if found:
            return found[0]
    return None


def _expletive(pronoun: Token) -> bool:
    """ "it is said that": an `it` subject with a clausal complement after a form of be."""
    verb = pronoun.head
    return verb.lemma_ == "be" or any(c.dep_ == "auxpass" for c in verb.children)


def span_tokens(head: Token, cue: Token) -> list[int]:
    """The source's tokens: the head's subtree without any part that holds the cue."""
    left, right = source_bounds(head, cue)
    return list(range(left, right))


def source_bounds(
    head: Token, cue: Token, other_cues: frozenset[int] = frozenset()
) -> tuple[int, int]:
    """The source's tokens: the head's subtree, in the head's paragraph, without the part that
    holds the cue, a clause set off by a comma that reports something itself ("The mayor, who
    stressed that…, said") or is a participle ("The envoy, speaking to farmers, said"), a
    finite verb the parser hung on the name, and anything before a dash ("LIMA - Trade
    ministers")."""
    excluded: set[int] = set()
    doc = head.doc
    for child in head.children:
        subtree = {t.i for t in child.subtree}
        first = min(subtree)
        set_off = first > 0 and doc[first - 1].text == ","
        reports = child.dep_ in ("relcl", "acl") and not other_cues.isdisjoint(subtree)
        participle = set_off and child.dep_ == "acl" and child.tag_ in ("VBG", "VBN")
        # "Trump called Seoul a “machine” and said": a finite verb parsed as the name's clause
        finite = child.dep_ == "acl" and child.tag_ in ("VBD", "VBZ", "VBP") and child.i > head.i
        if cue.i in subtree or reports or participle or finite:
            excluded |= subtree
    members = {t.i for t in head.subtree} - excluded
    left = right = head.i
    while left - 1 in members and "\n" not in doc[left - 1].text_with_ws:
        left -= 1
    while right + 1 in members and "\n" not in doc[right].text_with_ws:
        right += 1
    for i in range(head.i - 1, left - 1, -1):
        if doc[i].text in _SOURCE_BREAKS and (doc[i].text != "-" or doc[i].whitespace_):
            left = i + 1
            break
    while left < right and (doc[left].is_punct or doc[left].dep_ in ("cc", "preconj")):
        left += 1
    while right > left and (doc[right].is_punct or doc[right].dep_ == "cc"):
        right -= 1
    return left, right + 1
