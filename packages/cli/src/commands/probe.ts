// `earshot probe FILE`: what an audio or video file holds, read from its headers (nothing is decoded).
import { AudioError, probeAudio } from "@earshot/audio";
import type { Command } from "commander";
import { CliError, ExitCode, exitWithError, printJson } from "../output.ts";

export function register(program: Command) {
  program
    .command("probe")
    .description("Show an audio file's duration, sample rate, channels and codec")
    .argument("<file>", "audio or video file")
    .option("--json", 'print {"durationS","sampleRate","channels","codec"}, or {"error":{"code","message"}}')
    .action(async (file: string, opts: { json?: boolean }) => {
      try {
        const { durationS, sampleRate, channels, codec, container } = await probeAudio(file);
        if (opts.json) printJson({ durationS, sampleRate, channels, codec });
        else
          process.stdout.write(
            `${file}: ${durationS.toFixed(3)} s, ${sampleRate} Hz, ${channels} ch, ${codec} in ${container}\n`,
          );
      } catch (err) {
        if (err instanceof AudioError) {
          const exit = err.code === "DECODER_MISSING" ? ExitCode.unavailable : ExitCode.failed;
          exitWithError(new CliError(err.code, err.message, exit), Boolean(opts.json));
        }
        exitWithError(err, Boolean(opts.json));
      }
    });
}
