import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "@earshot/config";
import { describe, expect, it } from "vitest";
import { tokenize } from "../src/index.ts";

const casesFile = path.join(repoRoot, "training/tokenizer_cases.json");

describe("tokenize", () => {
  it("matches every case in training/tokenizer_cases.json", () => {
    const cases = JSON.parse(readFileSync(casesFile, "utf8")) as Array<{ text: string; tokens: string[] }>;
    expect(cases.length).toBeGreaterThan(5);
    for (const c of cases) expect(tokenize(c.text), JSON.stringify(c.text)).toEqual(c.tokens);
  });

  it("matches the Python tokenizer on random-ish strings", () => {
    // Seeded generator over an alphabet full of edge cases: clitics, quotes, accents, ligatures, digits, symbols.
    const alphabet = [
      ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
      ..."   ''''\u2019\u2019-_.,;:!?\"()/\\\t\n",
      ..."éÉèçñüÖßøæœĳﬁﬂİıΣσςЖж中文😀\u0301\u0308\u00a0\u2014Ｋ\u212a²½",
      "n't",
      "'s",
      "N'T",
      "'S",
    ];
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const texts = Array.from({ length: 400 }, () =>
      Array.from({ length: 1 + rand(40) }, () => alphabet[rand(alphabet.length)]!).join(""),
    );
    const script =
      "import json, sys\n" +
      "sys.path.insert(0, 'training')\n" +
      "from earshot_train.tokenizer import tokenize\n" +
      "print(json.dumps([tokenize(t) for t in json.load(sys.stdin)]))\n";
    const out = execFileSync("/usr/bin/python3", ["-c", script], {
      cwd: repoRoot,
      input: JSON.stringify(texts),
      encoding: "utf8",
    });
    const expected = JSON.parse(out) as string[][];
    texts.forEach((t, i) => {
      expect(tokenize(t), JSON.stringify(t)).toEqual(expected[i]);
    });
  });
});
