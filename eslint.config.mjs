// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * The layers of lib/ (DESIGN.md, "Layers"): what each folder may import from the rest of lib/. An
 * import of any other folder of lib/ (or of the root index) fails lint. The root files (lib/index.ts,
 * lib/handler-api.ts) may import anything.
 *
 *   net (IPv4/CIDR, host:port: a leaf every layer may import)
 *   schema ← plan ← render ← pcg          prism (net only)
 *     plan ← constructs ← stack           emulator (net; prism types only)
 *   handler: schema, plan, render, pcg, prism, palette, kube
 *   testing: schema, plan, stack
 *   palette (net only) ← palette-emulator
 */
const LAYERS = {
  net: { may: [] },
  schema: { may: ["net"] },
  plan: { may: ["net", "schema"] },
  render: { may: ["net", "schema", "plan"] },
  pcg: { may: ["net", "schema", "plan", "render"] },
  constructs: { may: ["net", "schema", "plan", "render"] },
  stack: { may: ["net", "schema", "plan", "render", "pcg", "constructs"] },
  prism: { may: ["net"] },
  emulator: { may: ["net", "kube"], types: ["prism"] },
  kube: { may: ["net"] },
  palette: { may: ["net"] },
  "palette-emulator": { may: ["net", "palette"] },
  handler: { may: ["net", "schema", "plan", "render", "pcg", "prism", "palette", "kube"] },
  testing: { may: ["schema", "plan", "stack"] },
};

/** Relative imports from `depth` folders below lib/ that land in a lib/ folder other than `allowed`. */
function outside(depth, allowed) {
  return `^(?:\\.\\./){${depth}}(?!\\.\\./)(?!(?:${allowed.join("|")})(?:/|$))`;
}

/** One no-restricted-imports block per layer and folder depth (1 = lib/<layer>/*.ts). */
function layerRules(name, { may, types = [] }, files = undefined) {
  return [1, 2, 3].map((depth) => ({
    files: files ?? [`lib/${name}/${"*/".repeat(depth - 1)}*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: outside(depth, [name, ...may, ...types]),
              message: `lib/${name} may import only ${[...may, ...types.map((t) => `${t} (types)`)].join(", ") || "its own modules"} from lib/ (see DESIGN.md, "Layers")`,
            },
            ...types.map((t) => ({ regex: `^(?:\\.\\./){${depth}}${t}(?:/|$)`, allowTypeImports: true, message: `lib/${name} may import only types from lib/${t}` })),
          ],
        },
      ],
    },
  }));
}

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "**/cdktf.out/**", "**/*.js", "**/*.mjs"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "off",
    },
  },
  ...Object.entries(LAYERS).flatMap(([name, layer]) => layerRules(name, layer)),
  // The constructs barrel re-exports NutanixStack from the stack layer, so every construct is in one list.
  layerRules("constructs", { may: [...LAYERS.constructs.may, "stack"] }, ["lib/constructs/index.ts"])[0],
  { files: ["lib/**/*.ts"], rules: { "max-lines-per-function": ["error", { max: 120 }] } },

);
