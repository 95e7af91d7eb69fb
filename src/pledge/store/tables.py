"""The tables. Money is stored as integer hundredths (``Cents``), never as float.

The schema itself is built by the Alembic migrations in ``migrations/versions``;
these definitions are what queries are written against, and a test checks that
the migrated schema matches them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from pledge.domain.money import from_minor_units, to_minor_units


class Cents(TypeDecorator[Decimal]):
    """A Decimal amount stored as an integer number of hundredths."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        return None if value is None else to_minor_units(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else from_minor_units(int(value))


class DecimalText(TypeDecorator[Decimal]):
    """An exact Decimal stored as text (FX rates, shares)."""

    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else format(value, "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

frameworks = Table(
    "frameworks", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("partner", String(80), nullable=False),
    Column("partner_currency", String(3), nullable=False),
)

framework_terms = Table(
    "framework_terms", metadata,
    Column("id", Integer, primary_key=True),
    Column("framework_id", ForeignKey("frameworks.id"), nullable=False, index=True),
    Column("effective_from", Date, nullable=False),
    Column("settings", JSON, nullable=False),
    Column("sources", JSON, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(120), nullable=False),
    UniqueConstraint("framework_id", "effective_from"),
)

projects = Table(
    "projects", metadata,
    Column("id", Integer, primary_key=True),
    Column("framework_id", ForeignKey("frameworks.id"), nullable=False, index=True),
    Column("component", String(40), nullable=True),
    Column("name", String(300), nullable=False),
    Column("sector", String(40), nullable=False),
    Column("sector_detail", String(200), nullable=False, default=""),
    Column("location", String(300), nullable=False, default=""),
    Column("states", JSON, nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("reported_status", String(40), nullable=True),
    Column("funding_date", Date, nullable=True),
    Column("window_meaning", String(20), nullable=True),
    Column("extension_until", Date, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("economics", JSON, nullable=True),
    # The capital structure's settings (domain.capital_settings.SETTINGS) set for the project.
    Column("capital", JSON, nullable=True),
    # The name as compared (domain.text.name_key); case-folding can triple a character.
    Column("name_key", String(900), nullable=False),
    UniqueConstraint("framework_id", "name"),
    Index("uq_projects_framework_id_name_key", "framework_id", "name_key", unique=True),
)

sponsors = Table(
    "sponsors", metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", ForeignKey("projects.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("note", String(300), nullable=False, default=""),
)

estimates = Table(
    "estimates", metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", ForeignKey("projects.id"), nullable=False, index=True),
    Column("low", Cents, nullable=True),
    Column("high", Cents, nullable=True),
    Column("currency", String(3), nullable=False),
    Column("usd_low", Cents, nullable=True),
    Column("usd_high", Cents, nullable=True),
    Column("text", Text, nullable=False, default=""),
    Column("source", Text, nullable=False, default=""),
    Column("as_of", Date, nullable=True),
    Column("is_primary", Boolean, nullable=False, default=False),
    # when pledge recorded it (migration 0018 gave older rows their project's creation time)
    Column("recorded_at", DateTime(timezone=True), nullable=True),
)

# Sites reported for a project besides its recorded location (news, filings): kept with
# their source, never written over the project's location.
site_reports = Table(
    "site_reports", metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", ForeignKey("projects.id"), nullable=False, index=True),
    Column("location", Text, nullable=False),        # as reported
    Column("states", JSON, nullable=False),          # the US states it lies in
    Column("source", Text, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(120), nullable=False),
)

# Stages sources report for a project (news: "selected", "among the finalists"), kept
# with their source beside the lifecycle, which only the named roles move.
status_reports = Table(
    "status_reports", metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", ForeignKey("projects.id"), nullable=False, index=True),
    Column("stage", String(20), nullable=False),
    Column("wording", Text, nullable=False),         # as the source put it
    Column("source", Text, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(120), nullable=False),
)

transitions = Table(
    "transitions", metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", ForeignKey("projects.id"), nullable=False, index=True),
    Column("from_stage", String(20), nullable=True),
    Column("to_stage", String(20), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("role", String(20), nullable=False),
    Column("on", Date, nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("sources", JSON, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

consultations = Table(
    "consultations", metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", ForeignKey("projects.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("role", String(20), nullable=False),
    Column("on", Date, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("sources", JSON, nullable=False),
)

extensions = Table(
    "extensions", metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", ForeignKey("projects.id"), nullable=False, index=True),
    Column("until", Date, nullable=False),
    Column("actor", String(120), nullable=False),
    Column("role", String(20), nullable=False),
    Column("on", Date, nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("sources", JSON, nullable=False),
)

# Links between project rows (domain/relations.py): the same project reported twice, a
# later tranche, a part of an umbrella programme, or otherwise related, each with its
# source. "project_id is kind of other_id". Nothing is deleted: unlinking records who
# withdrew the link, when and why.
project_links = Table(
    "project_links", metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", ForeignKey("projects.id"), nullable=False, index=True),
    Column("other_id", ForeignKey("projects.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("source", Text, nullable=False),
    Column("on", Date, nullable=False),                 # the date the source gives it
    Column("note", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(120), nullable=False),
    Column("role", String(20), nullable=False),
    Column("withdrawn_at", DateTime(timezone=True), nullable=True),
    Column("withdrawn_by", String(120), nullable=True),
    Column("withdrawn_role", String(20), nullable=True),
    Column("withdrawn_reason", Text, nullable=True),
)

# Tranches (phases) sources give, of a project or, with no project, of the programme.
tranches = Table(
    "tranches", metadata,
    Column("id", Integer, primary_key=True),
    Column("framework_id", ForeignKey("frameworks.id"), nullable=False, index=True),
    Column("project_id", ForeignKey("projects.id"), nullable=True, index=True),
    Column("label", String(200), nullable=False),       # as the source names it
    Column("ordinal", Integer, nullable=True),          # 1 for the first; NULL: not given
    Column("low", Cents, nullable=True),
    Column("high", Cents, nullable=True),
    Column("currency", String(3), nullable=True),       # NULL: no amount given
    Column("text", Text, nullable=False),               # the amount as written
    Column("source", Text, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(120), nullable=False),
)

# What sources say a framework's terms are, kept beside the terms: never an amendment.
term_claims = Table(
    "term_claims", metadata,
    Column("id", Integer, primary_key=True),
    Column("framework_id", ForeignKey("frameworks.id"), nullable=False, index=True),
    Column("settings", JSON, nullable=False),           # setting -> value, as claimed
    Column("written", Text, nullable=False),            # the words the claim was read from
    Column("evidence", Text, nullable=False),           # the sentence
    Column("source", Text, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(120), nullable=False),
)

ledger_entries = Table(
    "ledger_entries", metadata,
    Column("id", Integer, primary_key=True),
    Column("framework_id", ForeignKey("frameworks.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("on", Date, nullable=False),
    Column("memo", Text, nullable=False, default=""),
    Column("actor", String(120), nullable=False),
    Column("role", String(20), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    # the hash chain over the framework's entries and their postings (domain/chain.py)
    Column("hash", String(64), nullable=True),
    Column("prev_hash", String(64), nullable=True),
)

postings = Table(
    "postings", metadata,
    Column("id", Integer, primary_key=True),
    Column("entry_id", ForeignKey("ledger_entries.id"), nullable=False, index=True),
    Column("framework_id", ForeignKey("frameworks.id"), nullable=False, index=True),
    Column("account", String(80), nullable=False, index=True),
    Column("amount", Cents, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("on", Date, nullable=False),
    Column("project_id", ForeignKey("projects.id"), nullable=True, index=True),
    Column("party", String(120), nullable=True),
    Column("instrument", String(20), nullable=True),
    Column("provider", String(120), nullable=True),
)

fx_rates = Table(
    "fx_rates", metadata,
    Column("id", Integer, primary_key=True),
    Column("on", Date, nullable=False),
    Column("base", String(3), nullable=False),
    Column("quote", String(3), nullable=False),
    Column("rate", DecimalText, nullable=False),
    Column("source", Text, nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    UniqueConstraint("on", "base", "quote"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("role", String(20), nullable=False),
    Column("action", String(60), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("entity_id", String(80), nullable=False),
    Column("project_id", Integer, nullable=True, index=True),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
    # the pledge user who recorded the row for ``actor`` (what the President decided, entered
    # by an administrator); NULL when the actor recorded it themself
    Column("user_name", String(120), nullable=True),
    # the hash chain over every audit row (domain/chain.py)
    Column("hash", String(64), nullable=True),
    Column("prev_hash", String(64), nullable=True),
)

# Where each hash chain ends, as recorded by the transaction that last extended it: the
# audit log ("audit") and each framework's ledger ("ledger:<framework id>"). Rows removed
# from the end of a chain, or added after it, show against this record.
chain_heads = Table(
    "chain_heads", metadata,
    Column("chain", String(40), primary_key=True),
    Column("last_id", Integer, nullable=True),
    Column("last_hash", String(64), nullable=False),
)

scores = Table(
    "scores", metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", ForeignKey("projects.id"), nullable=False, index=True),
    Column("side", String(10), nullable=False),
    Column("criterion", String(40), nullable=False),
    Column("value", Float, nullable=False),
    Column("author", String(120), nullable=False),
    Column("role", String(20), nullable=False),
    Column("on", Date, nullable=False),
    Column("note", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

weights = Table(
    "weights", metadata,
    Column("id", Integer, primary_key=True),
    Column("framework_id", ForeignKey("frameworks.id"), nullable=False, index=True),
    Column("side", String(10), nullable=False),
    Column("criterion", String(40), nullable=False),
    Column("weight", Float, nullable=False),
    Column("author", String(120), nullable=False),
    Column("role", String(20), nullable=False),
    Column("on", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(200), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    # the operating-system login the command line recognises as this user (one user each)
    Column("os_user", String(64), nullable=True),
    Index("uq_users_os_user", "os_user", unique=True),
)

tokens = Table(
    "tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("expires_at", DateTime(timezone=True), nullable=True),    # None: never
    Column("last_used_at", DateTime(timezone=True), nullable=True),  # to the minute
)

# Page sessions held by the server: the cookie carries only a random key, stored here as
# its SHA-256 hash; logging out, a password change or revoking the user ends them at once.
sessions = Table(
    "sessions", metadata,
    Column("id", Integer, primary_key=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),  # to the minute
    Column("expires_at", DateTime(timezone=True), nullable=False),    # the absolute end
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

# Failed logins, by the name tried and the address it came from, for throttling; rows older
# than the window are pruned as new ones arrive, a successful login clears the name's.
login_failures = Table(
    "login_failures", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False, index=True),
    Column("address", String(64), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)

jobs = Table(
    "jobs", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("params", JSON, nullable=False),            # what was asked, as given
    Column("state", String(20), nullable=False, index=True),  # queued, running, done, failed
    Column("progress", Float, nullable=False),         # 0.0 to 1.0
    Column("result", JSON, nullable=True),             # money as text, never float
    Column("error", JSON, nullable=True),              # the one error shape
    Column("created_by", String(120), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("finished_at", DateTime(timezone=True), nullable=True),
)

# News in (pledge.ingest, services/news.py): each article read once, and the changes it
# proposes, which wait for a person to accept or reject them.
news_articles = Table(
    "news_articles", metadata,
    Column("id", Integer, primary_key=True),
    Column("source", Text, nullable=False),                  # URL or file name, as given
    Column("title", Text, nullable=False),
    Column("language", String(8), nullable=False),
    Column("pledging_country", String(80), nullable=False),
    Column("framework", String(40), nullable=True),
    Column("content_hash", String(64), nullable=False, unique=True),  # exact copies
    Column("fingerprint", String(16), nullable=False, index=True),    # SimHash: near copies
    Column("sketch", Text, nullable=False),                  # MinHash (bottom-k): near copies
    Column("text", Text, nullable=False),                    # the cleaned text
    Column("facts", JSON, nullable=False),                   # what was read, with sentences
    Column("published_on", Date, nullable=True),            # its publication date, if known
    Column("outlet", String(200), nullable=False, server_default=""),  # the publication
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("ingested_by", String(120), nullable=False),
    Column("role", String(20), nullable=False),
)

news_proposals = Table(
    "news_proposals", metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", ForeignKey("news_articles.id"), nullable=False, index=True),
    Column("kind", String(30), nullable=False),      # new_project, additional_estimate, ...
    Column("project_id", ForeignKey("projects.id"), nullable=True, index=True),
    Column("payload", JSON, nullable=False),          # the change; money as text
    Column("evidence", Text, nullable=False),         # the sentence it was read from
    Column("confidence", Float, nullable=False),
    Column("state", String(20), nullable=False, index=True),  # proposed, accepted, rejected
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(120), nullable=True),
    Column("decided_role", String(20), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("reason", Text, nullable=False),
    Column("result", JSON, nullable=True),            # what accepting changed
)

# Further articles that say what a waiting proposal says: they corroborate it instead of
# queuing a copy (its own article is the first source; these are the others, in order).
news_corroborations = Table(
    "news_corroborations", metadata,
    Column("proposal_id", ForeignKey("news_proposals.id"), primary_key=True),
    Column("article_id", ForeignKey("news_articles.id"), primary_key=True, index=True),
    Column("evidence", Text, nullable=False),         # the sentence this article says it in
    Column("confidence", Float, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Which known projects each article is about (its matched projects), for a project's news.
news_mentions = Table(
    "news_mentions", metadata,
    Column("article_id", ForeignKey("news_articles.id"), primary_key=True),
    Column("project_id", ForeignKey("projects.id"), primary_key=True, index=True),
)

# Idempotency keys: what a request sent with a key did, kept for a while, so the same request
# sent again (a retry, a double-submitted form) answers the first result instead of acting
# twice. Written in the same transaction as the change it records (services/idempotency.py).
idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_name", String(120), nullable=False),     # keys are per user
    Column("key", String(255), nullable=False),
    Column("request_hash", String(64), nullable=False),   # SHA-256 of method, target, body
    Column("request", String(300), nullable=False),       # "POST /api/v1/...", "pledge fund"
    Column("status_code", Integer, nullable=True),        # the edge's status; NULL: running
    Column("response", JSON, nullable=True),              # {"body": ...} or {"error": ...}
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
    UniqueConstraint("user_name", "key"),
)
