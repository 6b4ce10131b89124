// `pnpm bench:audio`: decode + resample + log-mel speed per format on one core, against a plain ffmpeg
// decode of the same file, and memory while streaming a 1-hour file. The root script pins it (and the
// ffmpeg processes it starts) to CPU 0 with taskset. Prints a markdown report.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { decodeAudio, decodeAudioStream, logMelVggish, logMelVggishStream, probeAudio } from "../src/index.ts";

const REPS = Number(process.env.BENCH_REPS ?? 5);
const SECONDS = 60;
const dir = mkdtempSync(join(tmpdir(), "earshot-bench-audio-"));
const ff = (args: string[]) => execFileSync("ffmpeg", ["-nostdin", "-v", "error", "-y", ...args]);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** CPU ms used so far by this process and its finished children (ffmpeg, ffprobe), from /proc (10 ms ticks). */
function cpuMs(): number {
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
  // After "pid (comm) ": state is field 0, utime 11, stime 12, cutime 13, cstime 14 (clock ticks of 10 ms).
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) * 10;
}

/** Wall and CPU time of one run, in ms. The machine is shared, so CPU time is the fair single-core figure. */
async function measure(fn: () => Promise<unknown> | unknown): Promise<{ wall: number; cpu: number }> {
  const c = cpuMs();
  const t = performance.now();
  await fn();
  return { wall: performance.now() - t, cpu: cpuMs() - c };
}

try {
  // 60 s of 44.1 kHz stereo with content in both channels: a tone left, pink noise right.
  const source = join(dir, "source.wav");
  ff([
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=220:sample_rate=44100:duration=${SECONDS}`,
    "-f",
    "lavfi",
    "-i",
    `anoisesrc=color=pink:sample_rate=44100:amplitude=0.2:duration=${SECONDS}`,
    "-filter_complex",
    "[0][1]join=inputs=2:channel_layout=stereo",
    "-c:a",
    "pcm_s16le",
    source,
  ]);
  const encodings: Array<[string, string, string[]]> = [
    ["wav (s16)", "x.wav", ["-c:a", "pcm_s16le"]],
    ["flac", "x.flac", ["-c:a", "flac"]],
    ["ogg/vorbis q4", "x.ogg", ["-c:a", "libvorbis", "-q:a", "4"]],
    ["opus 96k", "x.opus", ["-c:a", "libopus", "-b:a", "96k"]],
    ["mp3 192k", "x.mp3", ["-c:a", "libmp3lame", "-b:a", "192k"]],
    ["m4a/aac 160k", "x.m4a", ["-c:a", "aac", "-b:a", "160k"]],
  ];
  const files: Array<[string, string]> = [];
  for (const [name, file, args] of encodings) {
    ff(["-i", source, ...args, join(dir, file)]);
    files.push([name, join(dir, file)]);
  }
  const video = join(dir, "video.mp4");
  ff([
    ...["-f", "lavfi", "-i", `testsrc=size=320x240:rate=25:duration=${SECONDS}`, "-i", source],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "160k", "-shortest", video],
  ]);
  files.push(["mp4 video (h264 + aac)", video]);

  const affinity = spawnSync("taskset", ["-pc", String(process.pid)], { encoding: "utf8" }).stdout.trim();
  console.log(`CPU: ${cpus()[0]?.model}; ${affinity || "affinity unknown"}; load average ${loadavg()[0]?.toFixed(1)}`);
  console.log(
    `${SECONDS} s of 44.1 kHz stereo per format (tone left, pink noise right), mean of ${REPS} runs. CPU = this process + its ffmpeg children (/proc, 10 ms ticks), the fair single-core figure on a shared machine; plain = \`ffmpeg -threads 1 -i FILE -f null -\`. A separate probeAudio (ffprobe) costs one more ffmpeg start-up, about 50 ms CPU.\n`,
  );
  console.log(
    "| format | plain ffmpeg decode, CPU ms | decodeAudio (decode + downmix + soxr to 16 kHz), CPU ms | log-mel, CPU ms | total CPU ms | x real time (CPU) | total / plain | total wall ms |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const [name, file] of files) {
    const plain: number[] = [];
    const decode: number[] = [];
    const mel: number[] = [];
    const wall: number[] = [];
    for (let r = 0; r < REPS; r++) {
      const args = ["-nostdin", "-v", "error", "-threads", "1", "-i", file, "-f", "null", "-"];
      plain.push((await measure(() => execFileSync("ffmpeg", args))).cpu);
      let pcm: Float32Array = new Float32Array(0);
      const d = await measure(async () => {
        pcm = await decodeAudio(file);
      });
      const m = await measure(() => logMelVggish(pcm));
      decode.push(d.cpu);
      mel.push(m.cpu);
      wall.push(d.wall + m.wall);
    }
    const total = mean(decode) + mean(mel);
    console.log(
      `| ${name} | ${mean(plain).toFixed(0)} | ${mean(decode).toFixed(0)} | ${mean(mel).toFixed(0)} | ${total.toFixed(0)} | ${((SECONDS * 1000) / total).toFixed(0)}x | ${(total / mean(plain)).toFixed(2)} | ${mean(wall).toFixed(0)} |`,
    );
  }

  // One hour, streamed: 60 copies of the mp3 joined without re-encoding.
  const hour = join(dir, "hour.mp3");
  ff(["-stream_loop", "59", "-i", join(dir, "x.mp3"), "-c", "copy", hour]);
  const info = await probeAudio(hour);
  const rss: Array<[number, number]> = [];
  let frames = 0;
  const t0 = performance.now();
  const c0 = cpuMs();
  let nextMark = 0;
  for await (const block of logMelVggishStream(decodeAudioStream(hour))) {
    frames += block.frames;
    const audioS = frames / 100;
    if (audioS >= nextMark) {
      rss.push([audioS, process.memoryUsage().rss]);
      nextMark += 600;
    }
  }
  const elapsed = performance.now() - t0;
  const cpu = cpuMs() - c0;
  const endRss = process.memoryUsage().rss;
  const mb = (b: number) => (b / 2 ** 20).toFixed(0);
  console.log(
    `\n1-hour mp3 (${(info.durationS / 60).toFixed(1)} min, ${mb(statSync(hour).size)} MB), streamed through decodeAudioStream + logMelVggishStream:`,
  );
  console.log(
    `- ${(elapsed / 1000).toFixed(1)} s wall (${((info.durationS * 1000) / elapsed).toFixed(0)}x real time), ${(cpu / 1000).toFixed(1)} s CPU (${((info.durationS * 1000) / cpu).toFixed(0)}x), ${frames} log-mel frames`,
  );
  console.log(
    `- node RSS by audio position: ${rss.map(([s, b]) => `${(s / 60).toFixed(0)} min ${mb(b)} MB`).join(", ")}, end ${mb(endRss)} MB`,
  );
  console.log(`- (whole-file decode of this hour would hold ${mb(info.durationS * 16000 * 4)} MB of PCM alone)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
