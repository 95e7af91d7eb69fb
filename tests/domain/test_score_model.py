"""The modelled default scores: profiles read from a project's data, and each rule."""

from __future__ import annotations

from decimal import Decimal

from pledge.domain.score_model import explain, modelled_scores, profile

BN = Decimal(10) ** 9


def test_profiles_are_read_from_sector_detail_and_name() -> None:
    assert profile("energy", "nuclear", "Westinghouse AP1000").key == "nuclear"
    assert profile("energy", "LNG/pipeline", "Alaska LNG").key == "fuel_export"
    assert profile("energy", "crude export infrastructure", "GulfLink").key == "fuel_export"
    assert profile("energy", "gas-fired power", "Portsmouth").key == "gas_power"
    assert profile("critical_minerals", "fertilizer", "Ammonia and urea").key == "fertiliser"
    assert profile("critical_minerals", "copper", "Falcon Copper").key == "minerals"
    assert profile("ai_infrastructure", "optical fiber", "Fujikura").key == "components"
    assert profile("ai_infrastructure", "grid", "Hitachi").key == "power_equipment"
    assert profile("manufacturing_logistics", "ports", "Port upgrades").key == "logistics"
    assert profile("automobiles", "", "a car plant").key == "other"


def test_each_side_has_its_own_strategic_and_supply_scores() -> None:
    m = modelled_scores(sector="energy", detail="LNG/pipeline", name="Alaska LNG",
                        stage="proposed", usd=100 * BN, sites_named=True)
    assert (m["us"]["strategic"].value, m["partner"]["strategic"].value) == (6.0, 9.0)
    assert (m["us"]["resilience"].value, m["partner"]["resilience"].value) == (4.0, 9.0)
    assert m["partner"]["resilience"].rule == (
        "modelled: supply security fuel export (LNG, crude) gives Japan")
    # facts about the project: the same for both sides
    assert m["us"]["jobs"] == m["partner"]["jobs"]
    assert m["us"]["jobs"].value == 5.0          # 5 × 1.0
    assert m["us"]["readiness"].value == 5.0     # proposed 3 + sites + amount
    assert m["us"]["risk"].value == 9.0          # 7 + 2 at US$50bn or more


def test_size_and_stage_move_jobs_readiness_and_risk() -> None:
    small = modelled_scores(sector="critical_minerals", detail="synthetic diamond",
                            name="grit", stage="selected", usd=Decimal("6e8"),
                            sites_named=False)["us"]
    assert small["jobs"].value == 2.0            # 6 × 0.4 = 2.4
    assert small["readiness"].value == 10.0      # selected 9 + amount, at most 10
    assert small["risk"].value == 6.0            # 7 - 1 under US$1bn
    unknown = modelled_scores(sector="energy", detail="gas-fired power", name="plant",
                              stage="finalist", usd=None, sites_named=False)["us"]
    assert unknown["jobs"].value == 4.0          # 6 × 0.7, no amount
    assert "no amount recorded" in unknown["jobs"].rule
    assert unknown["readiness"].value == 6.0 and unknown["risk"].value == 5.0


def test_explanation_names_the_criterion_both_weights_and_both_values() -> None:
    assert explain("Strategic value", 0.4, 0.1, "9", "3") == (
        "Strategic value: the US weighs it 0.40 vs Japan 0.10; this project scores 9 (US) "
        "vs 3 (Japan) on it")
    assert explain("Jobs", 0.25, 0.0, "7", "7").endswith(
        "this project scores 7 on it for both sides")


def test_the_rules_in_words_are_the_rules_applied() -> None:
    from pledge.domain.score_model import rules_in_words

    jobs, readiness, risk = rules_in_words()
    assert jobs == ("Jobs: labour intensity × size (under US$1bn 0.4, under US$10bn 0.7, "
                    "under US$50bn 0.9, else 1; 0.7 without an amount), rounded.")
    assert "proposed 3, under review 4, finalist 6, recommended 7, selected 9, notified 9" \
        in readiness
    assert risk == ("Risk: the profile's base risk, +2 at US$50bn or more, +1 at US$10bn or "
                    "more, -1 under US$1bn, within 0 to 10.")
