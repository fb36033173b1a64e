"""How alike two folded words are: edit distance and Jaro-Winkler (rapidfuzz),
and the NYSIIS sound key (hand-written: the stored blocking keys are made
with it, and a library's NYSIIS differs in small rules, so changing it means
rebuilding every key and re-measuring blocking recall)."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA, JaroWinkler


def damerau_levenshtein(a: str, b: str, limit: int = 3) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from a to b:
    optimal string alignment, from rapidfuzz. Anything over ``limit`` is
    returned as ``limit + 1``, which is all matching ever needs (and lets
    rapidfuzz stop early)."""
    return int(OSA.distance(a, b, score_cutoff=limit))


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity, 0.0 .. 1.0, the standard one (rapidfuzz:
    prefix weight 0.1, up to four letters); agreement at the start counts
    extra, which suits names (typing slips are rarer in the first letters)."""
    return float(JaroWinkler.similarity(a, b))


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
