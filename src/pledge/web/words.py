"""The words of the record the pages show as they are kept (stages, sectors, roles,
instruments, kinds of change), marked here for the catalogue: the ``label`` filter and
``_()`` translate them where they are shown. ``tests/web/test_i18n.py`` checks that every
value of the domain's lists is here."""

from __future__ import annotations

from pledge.web.i18n import N_

STAGES = (N_("proposed"), N_("under review"), N_("finalist"), N_("recommended"),
          N_("selected"), N_("notified"), N_("funded"), N_("declined"), N_("operating"),
          N_("recouped"), N_("closed"), N_("withdrawn"))
SECTORS = (N_("semiconductors"), N_("pharmaceuticals"), N_("metals"),
           N_("critical minerals"), N_("shipbuilding"), N_("energy"), N_("ai quantum"),
           N_("ai infrastructure"), N_("electronics"), N_("manufacturing logistics"),
           N_("automobiles"), N_("aviation"), N_("steel"), N_("other"))
ROLES = (N_("admin"), N_("ic"), N_("president"), N_("cc us"), N_("cc jp"), N_("funder"),
         N_("analyst"))
INSTRUMENTS = (N_("equity"), N_("loan"), N_("guarantee"))
CONSULTATIONS = (N_("committee"), N_("decline"))
PROPOSALS = (N_("new project"), N_("additional estimate"), N_("status change"),
             N_("site report"), N_("sponsor"), N_("tranche"), N_("related project"),
             N_("term claim"))
REVIEW_STATES = (N_("accepted"), N_("rejected"), N_("all"))
PHASES = (N_("pre recovery"), N_("crossing"), N_("post recovery"))
MEANINGS = (N_("deadline"), N_("earliest"))
OBJECTIVES = (N_("us"), N_("partner"), N_("maxmin"), N_("nash"))
SOLUTIONS = (N_("optimal"), N_("feasible"))
LINKS = (N_("the same project, reported twice, as"), N_("a later tranche of"),
         N_("an earlier tranche of"), N_("a part of the umbrella programme"),
         N_("the umbrella programme including"), N_("related to"))
SEEN = (N_("same project (reported twice)"), N_("earlier tranche"), N_("later tranche"),
        N_("umbrella programme (includes this one)"), N_("part of this programme"),
        N_("related"))
AMOUNTS = (N_("project"), N_("programme"), N_("tranche"))
COPIES = (N_("exact"), N_("near"))
CONFIDENCE = (N_("official"), N_("corroborated"), N_("reported"), N_("unsourced"))
# The frameworks shipped in data/frameworks and their partners (one added later shows
# its name as recorded).
FRAMEWORKS = (N_("European Union investment intentions (US$600bn)"),
              N_("United States–Japan Strategic Investment (US$550bn)"),
              N_("United States–Korea Strategic Investment (US$350bn)"),
              N_("Taiwan investment and credit guarantees (US$250bn + US$250bn)"))
PARTNERS = (N_("European Union"), N_("Japan"), N_("South Korea"), N_("Taiwan"))
ROUNDING = N_("the partner's share is rounded half-even to the cent once; the United States "
              "receives the rest, so the two shares add up to the cash exactly")
