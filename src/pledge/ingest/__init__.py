"""News in: an article's text becomes facts, each with the sentence it came from.

Rule-based and offline (no network, no model): gazetteers shipped as TOML in
``pledge/data/news/`` and the core's amount parser. This package reads; it
stores nothing and changes nothing. ``pledge.services.news`` turns what is read
into proposed changes that a person accepts or rejects.

It may import the standard library, ``pledge.domain``, ``charset_normalizer`` and
``ahocorasick_rs`` only (``tests/test_import_graph.py`` checks this).

Modules, in the order an article passes through them:

``clean``        HTML to text; scraper noise (paywalls, sign-ups, menus, copyright) out
``text``         normalising (NFKC), language by script, sentences (``.`` ``。`` ``다.``)
``amounts``      money mentions, each read by ``pledge.domain.money.parse_amount``
``gazetteer``    organisations, sectors, states and sites, facility types, cue words
``phrases``      many phrases found in one pass (a trie-shaped regular expression; all
                 the matchers an article is read with in one Aho-Corasick scan)
``match``        which known project a passage is about
``reading``      every matcher run once; each sentence's hits; negated status words out
``cuts``         a sentence listing several facilities cut into one part each
``attribution``  what each amount refers to; the pledging country
``statuses``     status words tied to projects, one status per project
``claims``       companies' roles in a project, tranches, a framework's terms as stated,
                 links between projects, the officials named with their office
``facts``        the facts and the article's ``Extraction`` (its JSON contract)
``extract``      all of it together: :func:`extract.extract` gives an ``Extraction``
``fingerprint``  exact hash and near-copy signatures of the cleaned text
``dates``        the article's publication date (page metadata, else a dateline)
``decode``       an article's bytes as text (byte-order mark, UTF-8, declared charset,
                 else ``charset_normalizer``)
``proposals``    the changes an article suggests against the records (planning only;
                 ``claim_proposals``: sponsors, tranches, links, term claims)
``passages``     an article's text in paragraphs, the sentences facts came from marked

The contract object (``pledge ingest --dry-run --json``, one per article)::

    {"source": str, "language": "en" | "ja" | "ko" | "zh",
     "pledging_country": str,                  # "Japan", "South Korea", ...; "" if none
     "amounts": [{"text", "low", "high", "currency"}],   # low/high: decimal text or null
     "companies": [canonical names],           # kind "company" only; see institutions
     "sectors": [canonical sector keys],
     "us_locations": [US state names, then site names],  # see "sites" below
     "status_signals": [{"project", "status"}],          # status: a lifecycle stage
     "matched_projects": [project ids],
     # extras
     "title", "published",                     # "YYYY-MM-DD" or null (ingest.dates)
     "framework", "institutions",
     "officials": [{"name", "office", "country"}],     # office as the article gives it
     "subsidiaries": [{"name", "parent"}],     # "companies" lists the parent in its place
     "sites": [{"name", "states"}],
     "facts": {...every fact with its sentence and confidence...}}

Conventions:

* ``us_locations`` lists the US *state names* the article gives, then the
  named US places that are not states (the Gulf of Mexico, Brazoria County,
  Philly Shipyard): *sites*, also reported under ``"sites"`` with the states
  they may lie in. A site within one state adds that state too; the Gulf of
  Mexico borders five, so "a terminal in the Gulf of Mexico" gives the site
  and no state.
* "Washington" alone is the capital, not the state.
* An amount's ``low``/``high`` follow the parser: "up to $25bn" has no low,
  "more than $37bn" no high; a single amount has low == high. A percentage, a
  count or a duration is never money: a candidate must name a currency.
* Amounts are listed once per distinct (low, high, currency); ``facts.amounts``
  keeps every mention with what it refers to (``project``, ``tranche``,
  ``programme`` or ``other``), whether it is a bracketed conversion of the
  amount before it, and whether it is a flow ("$20bn a year").
* ``matched_projects`` uses the database's ids; without a database, the
  shipped project list numbered in file order (the ids ``pledge init`` gives).
"""

from pledge.ingest import compiled as _compiled

# The compiled modules, when a build matches these sources, are found before them.
_compiled.activate(__path__)
