"""The words that give a company its role in a project ("led by", "supplier", "融資"), and
their fast search (:func:`role_words`), which finds what :data:`ROLES` finds (see
:mod:`pledge.ingest.word_patterns`)."""

from __future__ import annotations

from typing import Final

from pledge.ingest.word_patterns import FastWords

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
_FAST: Final = FastWords({k: v.replace("EPC", "epc") for k, v in ROLE_WORDS.items()},
                         ROLE_WORDS_CJK)
# (the same pattern as ROLE_WORDS and ROLE_WORDS_CJK make: "EPC" is found in any case)
ROLES: Final = _FAST.plain


def role_words(text: str, lo: int, hi: int) -> list[tuple[int, int, str, str]]:
    """The role words of ``text[lo:hi]`` (what ``ROLES`` finds in that slice): where in
    ``text``, which role, as written."""
    return _FAST.finditer(text, lo, hi)
