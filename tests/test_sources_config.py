"""Watch-list validation: good files load, bad entries name the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sources.config import SourcesError, load_sources, parse_sources

REPO = Path(__file__).resolve().parents[1]


def test_shipped_sources_file_is_valid_and_covers_every_type():
    sources = load_sources(REPO / "sources.toml")
    types = {s.type for s in sources}
    assert types == {"rss", "page", "hackernews", "mastodon", "bluesky", "reddit", "x"} - {"page"}
    assert not any(s.allow_private for s in sources)
    assert all(not s.enabled for s in sources if s.type == "x")
    assert len({s.name for s in sources}) == len(sources)


def test_valid_entries_of_every_type():
    text = """
[[source]]
name = "f"
type = "rss"
url = "https://example.com/feed.xml"

[[source]]
name = "p"
type = "page"
url = "https://example.com/"
max_items = 5

[[source]]
name = "m"
type = "mastodon"
instance = "mastodon.social"
tag = "ai"

[[source]]
name = "b"
type = "bluesky"
actor = "someone.bsky.social"
api_base = "http://127.0.0.1:8080"
allow_private = true
enabled = false
"""
    got = parse_sources(text, "w.toml")
    assert [s.name for s in got] == ["f", "p", "m", "b"]
    assert got[1].max_items == 5 and got[3].allow_private and not got[3].enabled


@pytest.mark.parametrize("entry,needle", [
    ('name = "x"\ntype = "rss"', "needs `url`"),
    ('name = "x"\ntype = "rss"\nurl = "ftp://example.com/f"', "absolute http(s) URL"),
    ('name = "x"\ntype = "telegram"\nurl = "https://e.com"', "type"),
    ('name = "x"\ntype = "rss"\nurl = "https://e.com"\ncolour = "red"', "colour"),
    ('name = "x"\ntype = "mastodon"\ntag = "ai"', "instance"),
    ('name = "x"\ntype = "mastodon"\ninstance = "m.s"\ntag = "#ai"', "without '#'"),
    ('name = "x"\ntype = "bluesky"', "actor"),
    ('name = "bad name!"\ntype = "rss"\nurl = "https://e.com"', "name"),
    ('name = "x"\ntype = "rss"\nurl = "https://e.com"\nmax_items = 0', "max_items"),
])
def test_bad_entry_names_file_and_line(tmp_path: Path, entry: str, needle: str):
    good = '# watch list\n\n[[source]]\nname = "ok"\ntype = "rss"\nurl = "https://example.com/feed"\n\n'
    path = tmp_path / "sources.toml"
    path.write_text(good + "[[source]]\n" + entry + "\n", encoding="utf-8")
    with pytest.raises(SourcesError) as err:
        load_sources(path)
    message = str(err.value)
    assert message.startswith(f"{path}:8: ")  # the second [[source]] header is on line 8
    assert needle in message


def test_duplicate_names_and_invalid_toml(tmp_path: Path):
    dup = '[[source]]\nname = "a"\ntype = "rss"\nurl = "https://e.com"\n[[source]]\nname = "a"\ntype = "page"\nurl = "https://e.com"\n'
    with pytest.raises(SourcesError, match=r"w.toml:5: duplicate source name 'a'"):
        parse_sources(dup, "w.toml")
    with pytest.raises(SourcesError, match="invalid TOML"):
        parse_sources("[[source]\nname=", "w.toml")
    with pytest.raises(SourcesError, match="cannot read"):
        load_sources(tmp_path / "missing.toml")
    with pytest.raises(SourcesError, match="unknown top-level"):
        parse_sources('[sources]\nname = "a"\n', "w.toml")
