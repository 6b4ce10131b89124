"""Caption/query tokenizer, mirrored exactly by packages/model (tested with training/tokenizer_cases.json).

Rules (kept deliberately small so TypeScript can match them):
1. replace U+2019 (right single quote) with an apostrophe, lowercase,
2. Unicode NFKD, then drop combining marks U+0300..U+036F (so "café" -> "cafe"),
3. split on every run of characters outside [a-z0-9'],
4. strip apostrophes at both ends of each piece, drop empty pieces,
5. GloVe-style clitics: "xn't" -> "x", "n't"; "x's" -> "x", "'s".
"""

import re
import unicodedata

_SPLIT = re.compile(r"[^a-z0-9']+")
_MARKS = re.compile("[\u0300-\u036f]")


def tokenize(text: str) -> list[str]:
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text.replace("\u2019", "'").lower()))
    out: list[str] = []
    for piece in _SPLIT.split(text):
        piece = piece.strip("'")
        if not piece:
            continue
        if len(piece) > 3 and piece.endswith("n't"):
            out += [piece[:-3], "n't"]
        elif len(piece) > 2 and piece.endswith("'s"):
            out += [piece[:-2], "'s"]
        else:
            out.append(piece)
    return out
