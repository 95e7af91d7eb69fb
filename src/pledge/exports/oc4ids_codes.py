"""The OC4IDS codelists as pledge fills them: our stages, sectors, sponsor roles,
instruments and links on the standard's codes (open codelists take our own codes where
none fits; each table says which)."""

from __future__ import annotations

from typing import Any

from pledge.domain.lifecycle import Stage
from pledge.domain.project import SponsorRole
from pledge.domain.relations import Seen

__all__ = ["ENERGY_SOURCES", "INSTRUMENT_FINANCE", "OC4IDS_RELATIONSHIPS", "OC4IDS_SECTORS",
           "OC4IDS_STATUS", "SPONSOR_ROLES", "STATE_LENDERS"]

# Our stages on the OC4IDS projectStatus codelist (closed).
OC4IDS_STATUS: dict[str, str] = {
    Stage.PROPOSED.value: "identification",
    Stage.UNDER_REVIEW.value: "identification",
    Stage.FINALIST.value: "preparation",
    Stage.RECOMMENDED.value: "preparation",
    Stage.SELECTED.value: "preparation",
    Stage.NOTIFIED.value: "preparation",
    Stage.FUNDED.value: "implementation",
    Stage.OPERATING.value: "completion",
    Stage.RECOUPED.value: "completion",
    Stage.CLOSED.value: "completed",
    Stage.DECLINED.value: "cancelled",
    Stage.WITHDRAWN.value: "cancelled",
}

# Our sector keys on the OC4IDS projectSector codelist (open); the key itself is kept
# in ``additionalClassifications``.
OC4IDS_SECTORS: dict[str, tuple[str, ...]] = {
    "energy": ("energy",),
    "ai_infrastructure": ("communications",),
    "ai_quantum": ("communications",),
    "semiconductors": ("economy",),
    "electronics": ("economy",),
    "pharmaceuticals": ("health",),
    "metals": ("economy",),
    "steel": ("economy",),
    "critical_minerals": ("economy",),
    "automobiles": ("economy",),
    "manufacturing_logistics": ("economy", "transport"),
    "shipbuilding": ("transport", "transport.water"),
    "aviation": ("transport", "transport.air"),
}
ENERGY_SOURCES = ("solar", "wind", "hydropower", "biomass", "geothermal")

# Sponsor roles on the partyRole codelist (open).
SPONSOR_ROLES: dict[str, tuple[str, ...]] = {
    SponsorRole.LEAD.value: ("supplier",),
    SponsorRole.PARTNER.value: ("supplier",),
    SponsorRole.SUPPLIER.value: ("supplier",),
    SponsorRole.LENDER.value: ("funder",),
    SponsorRole.OFFTAKER.value: ("interestedParty",),
}

# Providers known to be state lenders or insurers of a partner government; they are
# "bilateral" on the financingPartyType codelist. Others are left without a type.
STATE_LENDERS = frozenset({"jbic", "nexi", "kexim", "k-sure", "ksure", "kdb"})

# Each instrument on the assetClass and financingArrangementType codelists.
INSTRUMENT_FINANCE: dict[str, dict[str, Any]] = {
    "equity": {"assetClass": ["equity"]},
    "loan": {"assetClass": ["debt"], "type": "loan"},
    "guarantee": {"type": "guarantee"},
}


# What a linked project is to this one, on the relatedProject codelist (open). Only a
# later tranche fits a code of it: it may expand the same set of assets ("expansion").
# The others are our codes: the same project reported twice, an earlier tranche, the
# umbrella programme a project is part of, a part of this programme, related otherwise.
OC4IDS_RELATIONSHIPS: dict[str, str] = {
    Seen.LATER_TRANCHE.value: "expansion",
    Seen.EARLIER_TRANCHE.value: "earlierTranche",
    Seen.DUPLICATE.value: "duplicate",
    Seen.UMBRELLA.value: "umbrellaProgramme",
    Seen.PART.value: "componentProject",
    Seen.RELATED.value: "related",
}
