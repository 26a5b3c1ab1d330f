/**
 * Learned task durations kept in a small JSON file, per Prism Central, so a new process (each
 * `cdktf deploy` local-exec) starts warm: `{ "version": 1, "prismCentrals": { "<origin>": { "<operation_type>": ms } } }`.
 * A missing or unreadable file is an empty cache (it is only a hint); writes are atomic (temp file, rename).
 */
import * as fs from "node:fs";
import * as path from "node:path";

interface DurationsFile {
  version: 1;
  prismCentrals: Record<string, Record<string, number>>;
}

function readFile(file: string): DurationsFile {
  try {
    const v = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<DurationsFile>;
    if (v && v.version === 1 && v.prismCentrals && typeof v.prismCentrals === "object") return v as DurationsFile;
  } catch {
    // A missing or broken cache is an empty one.
  }
  return { version: 1, prismCentrals: {} };
}

/** The durations learned earlier for one Prism Central (`origin`, e.g. https://pc.example:9440). */
export function loadTaskDurations(file: string, origin: string): Map<string, number> {
  const entry = readFile(file).prismCentrals[origin] ?? {};
  return new Map(Object.entries(entry).filter((e): e is [string, number] => typeof e[1] === "number" && Number.isFinite(e[1]) && e[1] > 0));
}

/** Writes the durations of one Prism Central, keeping the other entries of the file. Errors are returned, not thrown. */
export function saveTaskDurations(file: string, origin: string, durations: ReadonlyMap<string, number>): Error | undefined {
  try {
    const all = readFile(file);
    const entry: Record<string, number> = {};
    for (const [k, v] of [...durations].sort(([a], [b]) => a.localeCompare(b))) entry[k] = Math.round(v);
    all.prismCentrals[origin] = entry;
    const sorted: DurationsFile = { version: 1, prismCentrals: Object.fromEntries(Object.entries(all.prismCentrals).sort(([a], [b]) => a.localeCompare(b))) };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(sorted, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, file);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}
