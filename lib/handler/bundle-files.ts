/**
 * The PCG install bundle on disk: `<output dir>/pcg/<pcg name>/`. Files are written atomically (temp
 * file in the same directory, fsync, rename), only when their bytes or mode differ, so a re-apply leaves
 * an identical bundle untouched. Files a previous bundle had and this one does not (proxy.env after the
 * proxy is removed) are deleted; other files in the directory are the user's and stay.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import type { BundleFile } from "../pcg/bundle";

/** Every file name a bundle can hold (what the handler may delete). */
export const BUNDLE_FILE_NAMES: readonly string[] = ["README.md", "cloud-account.yaml", "install.sh", "pcg.yaml", "proxy-ca.crt", "proxy.env"];

/** The bundle directory of a PCG under a base directory. */
export function bundleDirOf(baseDir: string, pcgName: string): string {
  return path.join(baseDir, "pcg", pcgName);
}

function sameFile(file: string, content: Buffer, mode: number): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || (st.mode & 0o777) !== mode) return false;
    return st.size === content.length && fs.readFileSync(file).equals(content);
  } catch {
    return false;
  }
}

function writeAtomic(file: string, content: Buffer, mode: number): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fd = fs.openSync(tmp, "w", mode);
  try {
    fs.writeSync(fd, content);
    fs.fchmodSync(fd, mode); // the umask may have narrowed openSync's mode
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  try {
    const dfd = fs.openSync(path.dirname(file), "r");
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // fsync of a directory is best effort (not supported everywhere)
  }
}

/** What writing a bundle did. */
export interface BundleWrite {
  readonly dir: string;
  readonly written: string[];
  readonly unchanged: string[];
  readonly removed: string[];
}

/** Whether writing `files` into `dir` would change anything (no I/O beyond reads). */
export function bundleDiffers(dir: string, files: readonly BundleFile[]): boolean {
  const wanted = new Set(files.map((f) => f.path));
  if (files.some((f) => !sameFile(path.join(dir, f.path), Buffer.from(f.content, "utf8"), f.mode ?? 0o644))) return true;
  return BUNDLE_FILE_NAMES.some((n) => !wanted.has(n) && fs.existsSync(path.join(dir, n)));
}

/** Writes the bundle into `dir` (created with its parents). */
export function writeBundle(dir: string, files: readonly BundleFile[]): BundleWrite {
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const unchanged: string[] = [];
  const removed: string[] = [];
  for (const f of files) {
    const file = path.join(dir, f.path);
    const content = Buffer.from(f.content, "utf8");
    const mode = f.mode ?? 0o644;
    if (sameFile(file, content, mode)) {
      unchanged.push(f.path);
      continue;
    }
    writeAtomic(file, content, mode);
    written.push(f.path);
  }
  const wanted = new Set(files.map((f) => f.path));
  for (const n of BUNDLE_FILE_NAMES) {
    if (wanted.has(n)) continue;
    const file = path.join(dir, n);
    if (fs.existsSync(file)) {
      fs.rmSync(file, { force: true });
      removed.push(n);
    }
  }
  return { dir, written, unchanged, removed };
}

/** What removing a bundle did. */
export interface BundleRemoval {
  readonly dir: string;
  readonly existed: boolean;
  readonly removed: string[];
  /** Files left because they are not bundle files (the directory is kept then). */
  readonly kept: string[];
}

/**
 * Removes the bundle files of `dir`, then the directory when it is empty, then its `pcg/` parent when
 * that is empty. Files that are not bundle files are left, with the directory.
 */
export function removeBundle(dir: string): BundleRemoval {
  if (!fs.existsSync(dir)) return { dir, existed: false, removed: [], kept: [] };
  const removed: string[] = [];
  for (const n of BUNDLE_FILE_NAMES) {
    const file = path.join(dir, n);
    if (fs.existsSync(file)) {
      fs.rmSync(file, { force: true });
      removed.push(n);
    }
  }
  const kept = fs.readdirSync(dir).filter((n) => !/^\..+\.tmp$/.test(n));
  for (const n of fs.readdirSync(dir).filter((x) => /^\..+\.tmp$/.test(x))) fs.rmSync(path.join(dir, n), { force: true });
  if (kept.length === 0) {
    fs.rmdirSync(dir);
    const parent = path.dirname(dir);
    try {
      if (path.basename(parent) === "pcg" && fs.readdirSync(parent).length === 0) fs.rmdirSync(parent);
    } catch {
      // the parent is not ours to insist on
    }
  }
  return { dir, existed: true, removed, kept };
}
