"""Writes training/tokenizer_cases.json: strings and the tokens the Python tokenizer gives (TS must agree)."""

import json
from pathlib import Path

from .paths import biome_format
from .tokenizer import tokenize

CASES = [
    "A dog barks, then a door slams while rain falls.",
    "The dog's bark; don't stop!",
    "Café crème \u2014 naïve \ufb01sh",
    "\u0130stanbul \u00c7A\u011e",
    "rock\u2019n\u2019roll",
    "'quoted' ''' ",
    "step_wood-03.ogg",
    "   ",
    "",
    "x's n't",
    "\u00df stra\u00dfe",
    "Wind blowing hard; birds chirp (distant) & a man speaks 2 times",
    "UPPER lower MiXeD 123abc",
    "tab\tnew\nline",
    "emoji \U0001f436 dog",
    "It's a car's horn, isn't it?",
    "rain-heavy/thunder_01",
]


def main() -> None:
    out = [{"text": s, "tokens": tokenize(s)} for s in CASES]
    path = Path(__file__).resolve().parent.parent / "tokenizer_cases.json"
    path.write_text(json.dumps(out, ensure_ascii=True, indent=1) + "\n")
    biome_format(path)
    print(f"wrote {len(out)} cases to {path}")


if __name__ == "__main__":
    main()
