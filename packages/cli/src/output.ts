import { UNSAFE_CHARS } from "@earshot/ingest/text";

/** Exit codes shared by every `earshot` command. */
export const ExitCode = {
  ok: 0,
  /** The command ran but what it was asked to do failed (bad input file, a failed upload item). */
  failed: 1,
  /** The command line itself is wrong (unknown option, missing argument). */
  usage: 2,
  /** A service it needs (database, Redis, embedder) is unreachable. */
  unavailable: 3,
} as const;

export class CliError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly exitCode: number = ExitCode.failed,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** The stable code of a ModelError (e.g. PRETRAINED_MISSING), so scripts can tell its causes apart. */
function modelCode(err: unknown): string | undefined {
  return err instanceof Error && err.name === "ModelError" ? (err as Error & { code: string }).code : undefined;
}

/** Prints an error as {"error":{code,message}} with --json, else as one readable line, and exits. */
export function exitWithError(err: unknown, json: boolean): never {
  const e =
    err instanceof CliError
      ? err
      : new CliError(modelCode(err) ?? "INTERNAL", err instanceof Error ? err.message : String(err), ExitCode.failed);
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: e.code, message: e.message } })}\n`);
  else process.stderr.write(`earshot: ${e.message} (${e.code})\n`);
  process.exit(e.exitCode);
}

/** One line of JSON, with every character printable() would escape written as \uXXXX (the same string to a parser). */
export function printJson(value: unknown) {
  const json = JSON.stringify(value).replace(
    UNSAFE_CHARS,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  process.stdout.write(`${json}\n`);
}

/**
 * Text from the archive (titles, file names, error messages) made safe for a terminal: control characters (escape
 * sequences, carriage returns) and bidirectional overrides are shown as \u{…} escapes instead of acting on the
 * terminal.
 */
export function printable(text: string): string {
  return text.replace(UNSAFE_CHARS, (c) => `\\u{${(c.codePointAt(0) as number).toString(16)}}`);
}
