"""Arithmetic to decide: the splits of a row's run-together digits that the template's identities allow.

Belongs here: enumerating the ways a run of digits a crawler ran together (``640020470``) can be cut into
a row's cells, and keeping those for which the row's own identities hold (表三: 总计 = the six applicant
columns; 表四: each proceeding's 总计 = its four outcomes). A split is placed only when exactly one
survives, and then as ``inferred``, never as a number the text proves: a blank cell the crawler dropped
would change the split. 表二 rows have no identity, so nothing of theirs is inferred.
Does not belong here: finding rows or deciding when to try (tables.py).
"""

# The identities whose one cut is placed. 表四's (review_total) cut is found and listed in the issue, not
# placed: which of its two litigation groups comes first in a crawler's run is read from header words the
# crawler ran together too, and that order has not been checked against truth yet (the independent scorer
# spells 表四 runs in another proceeding order than the template's).
PLACED_IDENTITIES = ("row_total",)
_MAX_DIGITS = 40  # longer runs are not rows of counts: no enumeration
_REVIEW_PARTS = ("upheld", "corrected", "other", "pending")
_APPLICANT_PARTS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
                    "legal_service_org", "other_org")


def identity_of(columns: tuple[str, ...]) -> str | None:
    """The identity a row with these columns obeys (the quality rule's id), if any."""
    if "total" in columns and all(part in columns for part in _APPLICANT_PARTS):
        return "row_total"
    if any(column.endswith("/total") for column in columns):
        return "review_total"
    return None


def consistent_splits(text: str, columns: tuple[str, ...]) -> list[tuple[int, ...]]:
    """Every cut of ``text`` (digits; spaces are cuts the text already makes) into one count per column,
    no count but 0 starting with 0, for which the row's identity holds. Empty when the row has no identity
    or the text is not plain digits."""
    chunks = text.split()
    if identity_of(columns) is None or not chunks or not all(c.isdigit() for c in chunks) \
            or sum(map(len, chunks)) > _MAX_DIGITS:
        return []
    return [split for split in _splits(chunks, len(columns)) if _holds(split, columns)]


def _splits(chunks: list[str], count: int) -> list[tuple[int, ...]]:
    """All ways to cut the chunks into ``count`` counts, each chunk cut on its own."""
    if not chunks:
        return [()] if count == 0 else []
    found: list[tuple[int, ...]] = []
    head, rest = chunks[0], chunks[1:]
    for pieces in range(1, min(len(head), count) + 1):
        for cut in _cuts(head, pieces):
            for tail in _splits(rest, count - pieces):
                found.append(cut + tail)
    return found


def _cuts(digits: str, pieces: int) -> list[tuple[int, ...]]:
    """All ways to cut one run of digits into ``pieces`` counts (no leading zeros)."""
    if pieces == 1:
        return [(int(digits),)] if digits == "0" or digits[0] != "0" else []
    found: list[tuple[int, ...]] = []
    for end in range(1, len(digits) - pieces + 2):
        first = digits[:end]
        if first != "0" and first[0] == "0":
            break
        for rest in _cuts(digits[end:], pieces - 1):
            found.append((int(first), *rest))
    return found


def _holds(split: tuple[int, ...], columns: tuple[str, ...]) -> bool:
    value = dict(zip(columns, split, strict=True))
    if "total" in value:
        return value["total"] == sum(value[part] for part in _APPLICANT_PARTS)
    proceedings = {column.split("/")[0] for column in columns}
    return all(value[f"{p}/total"] == sum(value[f"{p}/{part}"] for part in _REVIEW_PARTS) for p in proceedings)
