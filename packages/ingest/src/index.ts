import path from "node:path";
import type { Config } from "@earshot/config";
import { LocalStorage } from "./storage.ts";

export * from "./batches.ts";
export * from "./errors.ts";
export * from "./metadata.ts";
export * from "./queue.ts";
export * from "./storage.ts";
export * from "./text.ts";
export * from "./zip.ts";

/** The configured storage: STORAGE_DIR, else EARSHOT_DATA_DIR/storage. */
export function createStorage(config: Pick<Config, "STORAGE_DIR" | "EARSHOT_DATA_DIR">): LocalStorage {
  return new LocalStorage(config.STORAGE_DIR ?? path.join(config.EARSHOT_DATA_DIR, "storage"));
}
