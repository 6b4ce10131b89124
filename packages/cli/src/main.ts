// `pnpm earshot …`: the admin and evaluation CLI. Each command lives in ./commands and exports register(program).
// Modules load lazily: a command pulls in only its own dependencies (onnxruntime, BullMQ, …), so it starts fast.
import { Command, CommanderError } from "commander";
import { ExitCode } from "./output.ts";

type Registration = (program: Command) => void;

const commands: Record<string, () => Promise<{ register: Registration }>> = {
  apikey: () => import("./commands/apikey.ts"),
  eval: () => import("./commands/eval.ts"),
  features: () => import("./commands/features.ts"),
  ingest: () => import("./commands/ingest.ts"),
  probe: () => import("./commands/probe.ts"),
  search: () => import("./commands/search.ts"),
  tenant: () => import("./commands/tenant.ts"),
  user: () => import("./commands/user.ts"),
};

const program = new Command("earshot")
  .description("Earshot admin and evaluation CLI")
  .exitOverride()
  .showHelpAfterError();

// The first non-option argument names the command; without a known one (help, typo) load them all.
const requested = process.argv.slice(2).find((a) => !a.startsWith("-"));
const toLoad = requested && requested in commands ? [requested] : Object.keys(commands);
for (const name of toLoad) (await commands[name]!()).register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exit(err.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
  }
  throw err;
}
