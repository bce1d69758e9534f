"""RSS/Atom feeds: entries become articles; no entity is expanded and no reference breaks text."""

from __future__ import annotations

from pathlib import Path

import pytest

from peninsula.records import RawArticle, Skipped
from peninsula.sources import iter_articles
from peninsula.sources.feed import inert_feed

ITEM = "<item><title>{title}</title><description>{text}</description></item>"


def feed(*items: str, prolog: str = "") -> bytes:
    body = "".join(items)
    return (
        f'<?xml version="1.0"?>{prolog}<rss version="2.0"><channel><title>Wire</title>'
        f"{body}</channel></rss>"
    ).encode()


def read(tmp_path: Path, data: bytes) -> list[RawArticle | Skipped]:
    path = tmp_path / "feed.rss"
    path.write_bytes(data)
    return list(iter_articles([str(path)], 1_000_000, strict=True))


def test_billion_laughs_is_not_expanded_and_stores_nothing(tmp_path: Path) -> None:
    entities = ['<!ENTITY lol1 "lol">']
    entities += [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(2, 10)]
    prolog = "<!DOCTYPE lolz [\n" + "\n".join(entities) + "\n]>"
    items = read(tmp_path, feed(ITEM.format(title="x", text="&lol9;"), prolog=prolog))
    assert items == [Skipped(items[0].origin, "feed entry with no text")]


def test_entities_declared_on_one_line_are_not_expanded(tmp_path: Path) -> None:
    prolog = '<!DOCTYPE x [<!ENTITY a "Pyongyang fired a missile"><!ENTITY b "&a;&a;&a;">]>'
    items = read(tmp_path, feed(ITEM.format(title="x", text="&b; Seoul said."), prolog=prolog))
    [article] = items
    assert isinstance(article, RawArticle)
    assert "Pyongyang" not in article.text and "Seoul said." in article.text


def test_external_entities_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    prolog = f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
    items = read(tmp_path, feed(ITEM.format(title="x", text="&e; Seoul said."), prolog=prolog))
    assert not any("TOPSECRET" in getattr(i, "text", "") for i in items)


def test_a_doctype_with_brackets_inside_quotes_is_removed_whole() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "]><b>"><!ENTITY c "cc">]><rss/>'
    assert inert_feed(data) == b'<?xml version="1.0"?>\n<rss/>'
    assert inert_feed(b'<!DOCTYPE x [<!ENTITY a "never closed">') == b""


def test_impossible_character_references_become_replacement_characters(tmp_path: Path) -> None:
    text = "Lee said &#xD800;&#55296; &#x110000; &#0; &#99999999999; it."
    [article] = read(tmp_path, feed(ITEM.format(title="A &#xDFFF;", text=text)))
    assert isinstance(article, RawArticle)
    assert article.text.startswith("Lee said \ufffd\ufffd \ufffd \ufffd \ufffd it.")
    assert article.title == "A \ufffd"


def test_the_prolog_is_reshaped_for_linear_parsing() -> None:
    spaced = b'<?xml version="1.0"?>' + b"\n" * 10_000 + b"<!-- a -->\n\n<rss/>"
    assert inert_feed(spaced) == b'<?xml version="1.0"?>\n <!-- a --> <rss/>'
    unclosed = b'<?xml version="1.0" ' + b'encoding="a" ' * 100 + b"<rss/>"
    assert not inert_feed(unclosed).startswith(b"<?")


def test_real_character_references_are_kept() -> None:
    assert inert_feed(b"<a>&#xAC00;&#233;&#x10FFFF;</a>") == b"<a>&#xAC00;&#233;&#x10FFFF;</a>"


@pytest.mark.parametrize("name", [b"u\xf7f-8", b"ut\x00-8", b"utf 8", b""])
def test_an_impossible_encoding_name_is_refused(tmp_path: Path, name: bytes) -> None:
    data = b'<?xml version="1.0" encoding="' + name + b'"?><rss version="2.0"></rss>'
    [skipped] = read(tmp_path, data)
    assert skipped == Skipped(
        str((tmp_path / "feed.rss").resolve()), "feed declares an encoding with an impossible name"
    )


@pytest.mark.parametrize("junk", [b"\n x", b"\xa0", b"\xed\xa0\x80"])
def test_a_namespace_uri_keeps_only_visible_ascii(tmp_path: Path, junk: bytes) -> None:
    data = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom' + junk + b'">'
        b"<title>W</title><entry><title>T</title><content>Seoul said so.</content></entry></feed>"
    )
    [article] = read(tmp_path, data)
    assert isinstance(article, RawArticle) and article.text == "Seoul said so."


def test_entries_are_isolated(tmp_path: Path) -> None:
    items = read(
        tmp_path,
        feed(
            ITEM.format(title="a", text="First entry text."),
            ITEM.format(title="b", text="&undefined;"),
            ITEM.format(title="c", text="Third entry text."),
        ),
    )
    assert [type(i).__name__ for i in items] == ["RawArticle", "Skipped", "RawArticle"]
    assert items[1].origin.endswith("#entry2")
