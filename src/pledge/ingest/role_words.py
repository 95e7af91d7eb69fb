"""The words that give a company its role in a project ("led by", "supplier", "融資"), and
their fast search (:func:`role_words`), which finds what :data:`ROLES` finds."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["ROLES", "ROLE_WORDS", "ROLE_WORDS_CJK", "role_words"]

# Role words: Latin ones as whole words (one word boundary for all of them, which keeps the
# pattern fast), Japanese and Korean ones anywhere.
ROLE_WORDS: Final = {
    "lead": r"led by\b|leads\b|to lead\b|will lead\b|headed by\b|developed by\b|operated by\b"
            r"|run by\b|owned by\b|will (?:build|establish|develop|construct|operate|run)\b"
            r"|developer\b",
    "partner": r"collaborat\w*|partner(?:s|ed|ing|ship)?\b|joint venture\b|join(?:s|ed|ing)?\b"
               r"|together with\b|alongside\b|co-invest\w*|participat\w*|team(?:s|ed)? up\b"
               r"|consortium\b",
    "supplier": r"suppl(?:y|ies|ied|ier|iers|ying)\b|equipment\b|turbines?\b|vendors?\b"
                r"|contractors?\b|EPC\b",
    "offtaker": r"off-?take\w*|buy(?:s|ing)?\b|buyers?\b|purchas(?:e|es|ing)\b|customers?\b",
    "lender": r"lend(?:s|er|ers|ing)\b|loans?\b|financing from\b|financed by\b"
              r"|provid\w+ (?:the )?(?:financing|loans?|credit)\b",
}
ROLE_WORDS_CJK: Final = {
    "lead": "主導|率いる|手掛け|運営する|中心に|주도|이끄는|주관|개발사|중심",
    "partner": "参画|協力|提携|共同|참여|협력|제휴|공동",
    "supplier": "供給|納入|공급|납품",
    "offtaker": "購入|引き取|구매",
    "lender": "融資|대출|융자",
}
ROLES: Final = re.compile(
    r"\b(?:" + "|".join(f"(?P<{k}>{v})" for k, v in ROLE_WORDS.items()) + ")|"
    + "|".join(f"(?P<{k}_>{v})" for k, v in ROLE_WORDS_CJK.items()), re.I)


# Letters beyond ASCII that a case-blind pattern takes for ASCII ones ("ſ" for "s").
_FOLDS_TO_ASCII: Final = re.compile("[\u0130\u0131\u017f\u212a]")


def _branches(alternatives: str) -> list[str]:
    """The top-level branches of a pattern ("a|b(?:c|d)" gives "a", "b(?:c|d)")."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(alternatives):
        if ch in "()" and (i == 0 or alternatives[i - 1] != "\\"):
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            out.append(alternatives[start:i])
            start = i + 1
    return [*out, alternatives[start:]]


def _lower_roles() -> re.Pattern[str]:
    r"""``ROLES`` for lower-cased text, each branch opening with its first letter (then
    ``\b`` as a look-behind, and the rest in a group named after the role), so the regex
    engine skips at once to the letters a role word may start with: the same matches."""
    by_first: dict[str, list[str]] = {}    # (branches of one first letter keep their order)
    for words, guard, tag in ((ROLE_WORDS, r"(?<!\w.)", "l"), (ROLE_WORDS_CJK, "", "c")):
        for role, pattern in words.items():
            for k, branch in enumerate(_branches(pattern.replace("EPC", "epc"))):
                # (a role word opens with a letter and is written in small letters, but "EPC")
                assert branch[0].isalpha() and branch == branch.lower(), branch
                by_first.setdefault(re.escape(branch[0]) + guard, []).append(
                    f"(?P<{role}_{tag}{k}>{branch[1:]})")
    return re.compile("|".join(f"{first}(?:{'|'.join(rest)})"
                               for first, rest in by_first.items()))


_ROLES_LOWER: Final = _lower_roles()


def role_words(text: str, lo: int, hi: int) -> list[tuple[int, int, str, str]]:
    """The role words of ``text[lo:hi]`` (what ``ROLES`` finds in that slice): where in
    ``text``, which role, as written."""
    part = text[lo:hi]
    low = part.lower()
    if len(low) != len(part) or _FOLDS_TO_ASCII.search(part):
        return [(lo + m.start(), lo + m.end(), str(m.lastgroup).rstrip("_"), m.group(0))
                for m in ROLES.finditer(part)]
    return [(lo + m.start(), lo + m.end(), str(m.lastgroup).split("_")[0],
             part[m.start():m.end()]) for m in _ROLES_LOWER.finditer(low)]
