"""How alike two folded words are: edit distance, Jaro-Winkler, the NYSIIS sound key."""

from __future__ import annotations

from functools import lru_cache


def damerau_levenshtein(a: str, b: str, limit: int = 3) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from a to b.

    Optimal string alignment, stopping early: anything over ``limit`` is
    returned as ``limit + 1``, which is all matching ever needs. Most pairs of
    names are nowhere near, and two cheap bounds say so before the table: the
    lengths, and the letters in one name but not the other (one edit changes
    that set by at most two)."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    if la == 0 or lb == 0:
        return min(max(la, lb), limit + 1)
    if len(set(a).symmetric_difference(b)) > 2 * limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(lb + 1))
    for i in range(1, la + 1):
        ca = a[i - 1]
        current = [i]
        row_min = i
        for j in range(1, lb + 1):
            cb = b[j - 1]
            value = previous[j - 1] + (ca != cb)
            if previous[j] + 1 < value:
                value = previous[j] + 1
            if current[j - 1] + 1 < value:
                value = current[j - 1] + 1
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and before[j - 2] + 1 < value:
                value = before[j - 2] + 1
            current.append(value)
            if value < row_min:
                row_min = value
        if row_min > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[lb], limit + 1)


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity, 0.0 .. 1.0; agreement at the start counts extra,
    which suits names (typing slips are rarer in the first letters)."""
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if la == 0 or lb == 0:
        return 0.0
    window = max(max(la, lb) // 2 - 1, 0)
    matched_b = [False] * lb
    matches_a: list[str] = []
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(lb, i + window + 1)):
            if not matched_b[j] and b[j] == ch:
                matched_b[j] = True
                matches_a.append(ch)
                break
    m = len(matches_a)
    if m == 0:
        return 0.0
    matches_b = [b[j] for j in range(lb) if matched_b[j]]
    transpositions = sum(x != y for x, y in zip(matches_a, matches_b, strict=True)) / 2
    jaro = (m / la + m / lb + (m - transpositions) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


_VOWELS = frozenset("AEIOU")


@lru_cache(maxsize=65536)
def phonetic_key(name: str) -> str:
    """A NYSIIS sound key for one folded word: "smith" and "smyth" -> "SNAT".

    NYSIIS (New York State Identification and Intelligence System, 1970) keeps
    the first letter and reduces the rest to how it sounds, so it suits
    blocking: spellings that sound alike share a key."""
    word = "".join(ch for ch in name.upper() if "A" <= ch <= "Z")
    if not word:
        return ""
    for old, new in (("MAC", "MCC"), ("KN", "NN"), ("K", "C"), ("PH", "FF"), ("PF", "FF")):
        if word.startswith(old):
            word = new + word[len(old) :]
            break
    if word.startswith("SCH"):
        word = "SSS" + word[3:]
    for old, new in (("EE", "Y"), ("IE", "Y"), ("DT", "D"), ("RT", "D"), ("RD", "D")):
        if word.endswith(old):
            word = word[: -len(old)] + new
            break
    else:
        if word.endswith(("NT", "ND")):
            word = word[:-2] + "D"
    letters = list(word)
    key = [letters[0]]
    i = 1
    n = len(letters)
    while i < n:
        ch = letters[i]
        nxt = letters[i + 1] if i + 1 < n else ""
        if ch == "E" and nxt == "V":
            letters[i : i + 2] = ["A", "F"]
        elif ch in _VOWELS or (ch == "Y" and nxt):
            letters[i] = "A"
        elif ch == "Q":
            letters[i] = "G"
        elif ch == "Z":
            letters[i] = "S"
        elif ch == "M":
            letters[i] = "N"
        elif ch == "K":
            if nxt == "N":
                letters[i] = "N"
            else:
                letters[i] = "C"
        elif ch == "S" and letters[i + 1 : i + 3] == ["C", "H"]:
            letters[i : i + 3] = ["S", "S", "S"]
        elif ch == "P" and nxt == "H":
            letters[i : i + 2] = ["F", "F"]
        elif ch == "H":
            prev = letters[i - 1]
            if prev not in _VOWELS or nxt not in _VOWELS:
                letters[i] = prev
        elif ch == "W" and letters[i - 1] in _VOWELS:
            letters[i] = letters[i - 1]
        if letters[i] != key[-1]:
            key.append(letters[i])
        i += 1
    if len(key) > 1 and key[-1] == "S":
        key.pop()
    if len(key) > 2 and key[-2:] == ["A", "Y"]:
        key[-2:] = ["Y"]
    if len(key) > 1 and key[-1] == "A":
        key.pop()
    return "".join(key)


def _first_sound(word: str) -> str:
    """The first letter as NYSIIS keeps it: a cheap test before the whole key."""
    if word.startswith(("ph", "pf")):
        return "f"
    if word.startswith("kn"):
        return "n"
    return "c" if word[0] == "k" else word[0]
