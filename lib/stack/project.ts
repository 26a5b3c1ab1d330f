/**
 * The project half of a stack identity (`<project>/<stack>`): given, or the name of the nearest
 * `package.json` above the program's directory (the working directory cdktf runs the app in, where its
 * `cdktf.json` is). An npm scoped name `@scope/name` becomes `scope-name`, so every project is an RFC 1123
 * label like the other names (npm package names are lowercase already: npm's package-name rules,
 * npm/validate-npm-package-name).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The project a package name stands for, as an RFC 1123 label: `@scope/name` → `scope-name`; characters npm
 * allows in a name but a label does not (`.`, `_`, `~`) become `-`, runs of `-` collapse, and the result is cut
 * to 63 characters without a leading or trailing `-` (`my.app` → `my-app`, `npm init -y` in `tmp.x1Y` → `tmp-x1y`).
 */
export function projectOfPackageName(name: string): string {
  const m = /^@([^/]+)\/(.+)$/.exec(name);
  const joined = m ? `${m[1]}-${m[2]}` : name;
  return joined
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+/, "")
    .slice(0, 63)
    .replace(/-+$/, "");
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
