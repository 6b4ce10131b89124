// Caption/query tokenizer: must stay identical to training/earshot_train/tokenizer.py (tests compare both).
const SPLIT = /[^a-z0-9']+/;
const MARKS = /[\u0300-\u036f]/g;

/**
 * Lowercase, NFKD with combining marks dropped, split on anything outside [a-z0-9'], trim apostrophes,
 * and split GloVe-style clitics ("don't" -> "do", "n't"; "dog's" -> "dog", "'s").
 */
export function tokenize(text: string): string[] {
  const norm = text.replaceAll("\u2019", "'").toLowerCase().normalize("NFKD").replace(MARKS, "");
  const out: string[] = [];
  for (const raw of norm.split(SPLIT)) {
    const piece = raw.replace(/^'+|'+$/g, "");
    if (!piece) continue;
    if (piece.length > 3 && piece.endsWith("n't")) out.push(piece.slice(0, -3), "n't");
    else if (piece.length > 2 && piece.endsWith("'s")) out.push(piece.slice(0, -2), "'s");
    else out.push(piece);
  }
  return out;
}
