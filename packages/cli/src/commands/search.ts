// `earshot search "<text>" --tenant <slug>`: the same searchAudio the API runs, from the command line.
import { loadConfig } from "@earshot/config";
import { EmbedderClient } from "@earshot/embedder-client";
import { SearchError, type SearchMode, searchAudio } from "@earshot/search";
import type { Command } from "commander";
import { CliError, ExitCode, exitWithError, printable, printJson } from "../output.ts";
import { type CliDatabase, findTenant, openCliDatabase } from "./tenant.ts";

const MODES = ["CONTENT", "METADATA", "HYBRID"];

export function register(program: Command) {
  program
    .command("search <query>")
    .description("Search a tenant's archive by description (content, metadata or hybrid)")
    .requiredOption("--tenant <slug>", "tenant to search")
    .option("--mode <mode>", "CONTENT, METADATA or HYBRID", "HYBRID")
    .option("--limit <n>", "number of results (1..100)", "10")
    .option("--first <n>", "same as --limit (the GraphQL argument's name)")
    .option("--json", "print results as JSON")
    .action(
      async (query: string, opts: { tenant: string; mode: string; limit: string; first?: string; json?: boolean }) => {
        let db: CliDatabase | undefined;
        try {
          const mode = opts.mode.toUpperCase();
          if (!MODES.includes(mode))
            throw new CliError("BAD_USER_INPUT", `--mode must be one of ${MODES.join(", ")}`, ExitCode.usage);
          const first = Number(opts.first ?? opts.limit);
          const config = loadConfig();
          db = await openCliDatabase(config, { startEmbedded: true });
          const tenant = await findTenant(db.pool, opts.tenant);
          const embedder = new EmbedderClient(config.EMBEDDER_URL, { retries: 1, timeoutMs: 10_000 });
          const page = await searchAudio(
            {
              pool: db.pool,
              embedder,
              vector: { efSearch: config.SEARCH_EF_SEARCH },
            },
            tenant.id,
            {
              query,
              mode: mode as SearchMode,
              first,
            },
          );
          const rows = page.hits.map((h, i) => ({
            rank: i + 1,
            score: Number(h.score.toFixed(4)),
            id: h.asset.id,
            title: h.asset.title || h.asset.originalFilename,
            segment: h.segment,
            foundBy: h.foundBy,
          }));
          if (opts.json)
            printJson({ model: page.model && { name: page.model.name, version: page.model.version }, hits: rows });
          else if (rows.length === 0) process.stdout.write("no results\n");
          else {
            for (const r of rows) {
              const seg = r.segment ? ` [${r.segment.startS.toFixed(1)}-${r.segment.endS.toFixed(1)} s]` : "";
              process.stdout.write(
                `${String(r.rank).padStart(3)}. ${r.score.toFixed(4)}  ${printable(r.title)}${seg}  (${r.foundBy.join("+")}) ${r.id}\n`,
              );
            }
          }
        } catch (err) {
          if (err instanceof SearchError) {
            exitWithError(
              new CliError(err.code, err.message, err.code === "UNAVAILABLE" ? ExitCode.unavailable : ExitCode.usage),
              Boolean(opts.json),
            );
          }
          exitWithError(err, Boolean(opts.json));
        } finally {
          await db?.close();
        }
      },
    );
}
