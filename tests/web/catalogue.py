"""The pages' messages as Babel extracts them, and the Japanese catalogue they go into.

``extract()`` reads every ``_()``, ``ngettext()`` and ``N_()`` of ``web/*.py`` and every
``_()``, ``ngettext()`` and ``{% trans %}`` of the templates (``jinja2.ext.i18n``,
new-style). After wrapping a new string, bring the catalogue up to date with::

    PYTHONPATH=src python -m tests.web.catalogue

which adds the new messages (empty, or fuzzy when Babel finds a near one: translate them
and drop the fuzzy mark) and marks those no page uses any more as obsolete;
``tests/web/test_i18n.py`` fails until every message has its translation.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

WEB = Path(str(files("pledge.web")))
PO = WEB / "locale" / "ja" / "LC_MESSAGES" / "messages.po"
KEYWORDS: dict[str, tuple[int, ...] | None] = {"_": None, "gettext": None,
                                                 "ngettext": (1, 2), "N_": None}
JINJA = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true", "trimmed": "false"}
HEADER = "# Japanese translations of the pages of pledge.\n#"


def sources() -> list[tuple[Path, str]]:
    """The files the pages' words are in, each with Babel's extraction method."""
    return ([(p, "python") for p in sorted(WEB.glob("*.py"))]
            + [(p, "jinja2.ext:babel_extract") for p in sorted((WEB / "templates").glob("*.html"))])


def extract() -> Catalog:
    """Every message the pages may show, with where it is used."""
    template = Catalog(project="pledge", header_comment=HEADER)
    for path, method in sources():
        options = {} if method == "python" else JINJA
        for lineno, message, comments, context in extract_from_file(
                method, str(path), keywords=KEYWORDS, options=options):
            template.add(message, None, [(path.relative_to(WEB).as_posix(), lineno)],
                         auto_comments=comments, context=context)
    return template


def read() -> Catalog:
    with PO.open("rb") as fh:
        return read_po(fh, locale="ja")


def write(catalog: Catalog) -> None:
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100, no_location=True, sort_output=False,
                 ignore_obsolete=True)


def main() -> None:
    catalog = read()
    catalog.update(extract())
    write(catalog)


if __name__ == "__main__":
    main()
