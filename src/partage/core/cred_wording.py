"""Where a member's cred came from, said in a sentence, in English or French.

Guarantees: the sources are named largest first, at most ``SHOWN`` of them, the rest counted
together; each share is a whole percent of the sources' total (shown as "< 1 %" rather than
"0 %" when it is positive), and the sentence for no source says so instead of listing nothing.
Cred is a score, not money: it is a float here on purpose.
"""

from __future__ import annotations

from collections.abc import Sequence

SHOWN = 3

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "came_from": "Your cred in these weeks came from {items}.",
        "item": "{label} ({percent})",
        "others": "{count} other source(s) ({percent})",
        "separator": "; ",
        "last": " and ",
        "nothing": "No recorded contribution brought you cred in these weeks.",
    },
    "fr": {
        "came_from": "Votre cred de ces semaines vient de : {items}.",
        "item": "{label} ({percent})",
        "others": "{count} autre(s) source(s) ({percent})",
        "separator": "; ",
        "last": " et ",
        "nothing": "Aucune contribution enregistrée ne vous a apporté de cred ces semaines-là.",
    },
}


def percent_text(part: float, total: float) -> str:
    share = round(100 * part / total) if total > 0 else 0
    if share == 0 and part > 0:
        return "< 1 %"
    return f"{share} %"


def came_from(sources: Sequence[tuple[str, float]], language: str) -> str:
    """``sources``: (label, cred) pairs in any order; labels already in ``language``."""
    words = PHRASES[language]
    kept = sorted(((label, cred) for label, cred in sources if cred > 0), key=lambda s: -s[1])
    total = sum(cred for _, cred in kept)
    if not kept:
        return words["nothing"]
    items = [
        words["item"].format(label=label, percent=percent_text(cred, total))
        for label, cred in kept[:SHOWN]
    ]
    rest = kept[SHOWN:]
    if rest:
        items.append(
            words["others"].format(
                count=len(rest), percent=percent_text(sum(c for _, c in rest), total)
            )
        )
    listed = items[0] if len(items) == 1 else words["separator"].join(items[:-1])
    if len(items) > 1:
        listed += words["last"] + items[-1]
    return words["came_from"].format(items=listed)
