"""Atom feeds (RFC 4287): the record's accepted changes for feed readers and newsrooms.

Pure: the services hand over the feed's entries; this module writes the XML (with the
standard library's ElementTree, which escapes every text and attribute it writes).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pledge.exports.table import utc_text

__all__ = ["ATOM_MEDIA_TYPE", "ATOM_NS", "FeedEntry", "atom_feed", "atom_time"]

ATOM_MEDIA_TYPE = "application/atom+xml; charset=utf-8"
ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One change: a stable id (a URI), a one-line title, when it was recorded, a
    sentence or two of summary, the address of what changed (or None) and its category
    (what kind of change)."""

    id: str
    title: str
    updated: datetime
    summary: str
    link: str | None
    category: str


def atom_time(value: datetime) -> str:
    """An RFC 3339 time in UTC (a time stored without its zone is UTC)."""
    return utc_text(value)


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    node.text = text
    return node


def atom_feed(*, feed_id: str, title: str, author: str, updated: datetime,
              entries: Sequence[FeedEntry], self_url: str | None = None,
              alternate: str | None = None) -> bytes:
    """The feed as UTF-8 XML, entries in the order given (newest first, by convention).
    ``updated`` is when the newest entry was recorded (or when the feed's subject last
    changed), so that an unchanged record gives the same feed."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    _text(feed, "updated", atom_time(updated))
    author_node = ET.SubElement(feed, f"{{{ATOM_NS}}}author")
    _text(author_node, "name", author)
    if self_url:
        ET.SubElement(feed, f"{{{ATOM_NS}}}link", {"rel": "self", "href": self_url,
                                                   "type": "application/atom+xml"})
    if alternate:
        ET.SubElement(feed, f"{{{ATOM_NS}}}link", {"rel": "alternate", "href": alternate})
    for e in entries:
        node = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
        _text(node, "id", e.id)
        _text(node, "title", e.title)
        _text(node, "updated", atom_time(e.updated))
        ET.SubElement(node, f"{{{ATOM_NS}}}category", {"term": e.category})
        if e.link:
            ET.SubElement(node, f"{{{ATOM_NS}}}link", {"rel": "alternate", "href": e.link})
        _text(node, "summary", e.summary)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body
