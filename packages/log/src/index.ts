import { type Logger, pino } from "pino";

export type { Logger };

/** Structured JSON logs, one line per event, tagged with the service so combined logs stay readable. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({ level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
