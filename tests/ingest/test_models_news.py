"""The CLI's --json and the API's answers for news are the same models: the same keys, and
for the same stored object the same values."""

from __future__ import annotations

from fastapi.testclient import TestClient

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.models import keys_of
from pledge.models.news import Article, ArticleListItem, IngestedArticle, Proposal
from pledge.services.base import Actor
from pledge.services.users import add_user
from pledge.store.db import make_engine
from tests.clirunner import Cli
from tests.ingest.helpers import SEED_000

ADMIN = Actor("setup", Role.ADMIN)


def test_cli_and_api_write_news_from_the_same_models(cli: Cli, sqlite_url: str) -> None:
    [ingested] = cli.json("ingest", str(SEED_000))
    # A change run from the command line also says the key it ran under.
    assert ingested.pop("idempotency_key")
    assert list(ingested) == list(keys_of(IngestedArticle))
    [waiting, *_] = cli.json("review", "list")
    shown = cli.json("review", "show", str(waiting["id"]))
    article_id = ingested["article_id"]
    [listed] = cli.json("review", "articles")
    article = cli.json("review", "article", str(article_id))

    token = add_user(make_engine(sqlite_url), "reader", "analyst", ADMIN).token
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(sqlite_url)) as client:
        api_page = client.get("/api/v1/review", headers=auth).json()
        api_one = client.get(f"/api/v1/review/{waiting['id']}", headers=auth).json()
        api_articles = client.get("/api/v1/review/articles", headers=auth).json()
        api_article = client.get(f"/api/v1/review/articles/{article_id}", headers=auth).json()
        schema = client.get("/openapi.json").json()

    # The same keys, from the same model, on both sides; and the same values.
    for proposal in (waiting, shown, api_page["data"][0], api_one, *ingested["proposals"],
                     *article["proposals"], *api_article["proposals"]):
        assert list(proposal) == list(keys_of(Proposal))
    assert shown == api_one == waiting == api_page["data"][0]
    assert list(listed) == list(api_articles["data"][0]) == list(keys_of(ArticleListItem))
    assert listed == api_articles["data"][0]
    assert list(article) == list(api_article) == list(keys_of(Article))
    assert article == api_article
    # The API documents these shapes, by name.
    ops = schema["paths"]
    one = ops["/api/v1/review/{proposal_id}"]["get"]["responses"]["200"]
    assert one["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Proposal"}
    assert set(schema["components"]["schemas"]["Proposal"]["properties"]) == set(
        keys_of(Proposal))


def test_an_estimate_summary_leaves_out_recorded_rows_without_amounts() -> None:
    from pledge.ingest.proposals import summary
    text = summary("additional_estimate", {"written": "US$3bn", "recorded": [
        {"low": None, "high": None, "currency": "USD"},
        {"low": "2000000000", "high": "2000000000", "currency": "USD"}]})
    assert text == "another estimate: US$3bn (recorded: US$2bn)"
    assert "None" not in summary("additional_estimate", {"written": "US$3bn", "recorded": [
        {"low": None, "high": None, "currency": "USD"}]})
