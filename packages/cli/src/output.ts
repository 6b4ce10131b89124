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

/** Prints an error as {"error":{code,message}} with --json, else as one readable line, and exits. */
export function exitWithError(err: unknown, json: boolean): never {
  const e =
    err instanceof CliError
      ? err
      : new CliError("INTERNAL", err instanceof Error ? err.message : String(err), ExitCode.failed);
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: e.code, message: e.message } })}\n`);
  else process.stderr.write(`earshot: ${e.message} (${e.code})\n`);
  process.exit(e.exitCode);
}

export function printJson(value: unknown) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
