/**
 * The project half of a stack identity (`<project>/<stack>`): given, or the name of the nearest
 * `package.json` above the program's directory (the working directory cdktf runs the app in, where its
 * `cdktf.json` is). An npm scoped name `@scope/name` becomes `scope-name`, so every project is an RFC 1123
 * label like the other names (npm package names are lowercase already: npm's package-name rules,
 * npm/validate-npm-package-name).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The project a package name stands for: `@scope/name` → `scope-name`, else the name itself. */
export function projectOfPackageName(name: string): string {
  const m = /^@([^/]+)\/(.+)$/.exec(name);
  return m ? `${m[1]}-${m[2]}` : name;
}

/** The nearest package.json from `dir` upward that has a string `name`, or undefined. */
export function nearestPackageName(dir: string): { name: string; file: string } | undefined {
  let cur = path.resolve(dir);
  for (;;) {
    const file = path.join(cur, "package.json");
    if (fs.existsSync(file)) {
      try {
        const name = (JSON.parse(fs.readFileSync(file, "utf8")) as { name?: unknown }).name;
        if (typeof name === "string" && name !== "") return { name, file };
      } catch {
        // not JSON: look further up
      }
    }
    const up = path.dirname(cur);
    if (up === cur) return undefined;
    cur = up;
  }
}
