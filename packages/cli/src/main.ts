// `pnpm earshot …`: the admin and evaluation CLI. Each command lives in ./commands and registers itself here.
import { Command, CommanderError } from "commander";
import { ExitCode } from "./output.ts";

const program = new Command("earshot")
  .description("Earshot admin and evaluation CLI")
  .exitOverride()
  .showHelpAfterError();

const registrations: Array<(p: Command) => void> = [];

for (const register of registrations) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exit(err.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
  }
  throw err;
}
