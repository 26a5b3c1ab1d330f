/**
 * One synth in a fresh process (so peak RSS is this side's own): `lib` builds the estate with this
 * library's constructs (the built package in dist/, as a program loads it) in one NutanixStack and synthesizes it (cdk.tf.json, nutanix-plan.json,
 * manifests/); `plain` synthesizes the same number of bare null_resources with equivalent triggers,
 * depends_on, create_before_destroy and local-exec provisioners with plain cdktf.
 *
 *   tsx bench/synth-child.ts <lib|lib-memo|plain> <outdir> <clusters> <pools per cluster>
 *
 * `lib-memo` is a what-if: the library with `TerraformSelf.getString` memoized per key, i.e. the bridge
 * building its six provisioner-environment tokens once per stack instead of twelve per resource
 * (the fix proposed for lib/stack/bridge.ts handlerEnvironment()).
 *
 * Prints one JSON line: { side, ms, resources, maxRssMiB, heapUsedMiB, loadMs }.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { EstateLibrary } from "./estate";

const tLoad0 = performance.now();

function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

/** The plain side: what a hand-written cdktf program for the same estate would emit. */
async function plain(outdir: string, clusters: number, pools: number): Promise<number> {
  const { App, TerraformStack, LocalBackend, TerraformSelf } = await import("cdktf");
  const { provider, resource } = await import("@cdktf/provider-null");
  const loadMs = performance.now() - tLoad0;
  const t0 = performance.now();
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "estate");
  new provider.NullProvider(stack, "null");
  new LocalBackend(stack, { path: "terraform.estate.tfstate" });
  const env = (): Record<string, string> =>
    Object.fromEntries(["handler", "plan_file", "resource_id", "generation", "kind", "stack"].map((k) => [`NPC_${k.toUpperCase()}`, TerraformSelf.getString(`triggers.${k}`)]));
  let n = 0;
  const mk = (id: string, kind: string, spec: object, deps: InstanceType<typeof resource.Resource>[]): InstanceType<typeof resource.Resource> => {
    n++;
    const r = new resource.Resource(stack, id.replace(/\//g, "_"), {
      triggers: { resource_id: `estate/${id}`, kind, generation: sha256(JSON.stringify(spec)), plan_file: "nutanix-plan.json", handler: "../../bin/nutanix-handler.js", stack: "estate" },
      dependsOn: deps,
      lifecycle: { createBeforeDestroy: true },
      provisioners: [
        { type: "local-exec", command: 'node "$NPC_HANDLER" apply --plan "$NPC_PLAN_FILE" --resource "$NPC_RESOURCE_ID"', environment: env() },
        { type: "local-exec", when: "destroy", command: 'node "$NPC_HANDLER" destroy --plan "$NPC_PLAN_FILE" --resource "$NPC_RESOURCE_ID" --generation "$NPC_GENERATION"', environment: env() },
      ],
    });
    r.overrideLogicalId(id.replace(/\//g, "_"));
    return r;
  };
  const machine = { vcpuSockets: 2, vcpusPerSocket: 1, memoryMiB: 4096, systemDiskMiB: 40960, image: { name: "ubuntu" }, cluster: { name: "PE-1" }, subnets: [{ name: "net" }] };
  const pc = mk("pc", "PrismCentralAccount", { endpoint: { host: "pc.example.com", port: 9440 } }, []);
  for (let c = 0; c < clusters; c++) {
    const ep = mk(`k${c}/endpoint`, "KubeVipEndpoint", { address: `10.40.0.${c}`, port: 6443 }, [pc]);
    const ps = [mk(`k${c}/cp`, "NodePool", { name: "cp", replicas: 1, machine }, [pc, ep])];
    for (let w = 0; w < pools - 1; w++) ps.push(mk(`k${c}/w${w}`, "NodePool", { name: `w${w}`, replicas: 10, machine }, [pc, ep]));
    mk(`k${c}`, "NutanixCluster", { name: `k${c}`, kubernetesVersion: "1.30.5" }, [pc, ep, ...ps]);
  }
  app.synth();
  const ms = performance.now() - t0;
  report("plain", ms, n, loadMs);
  return n;
}

/**
 * The library side: the same estate as NutanixStack constructs, from the built package (`dist/`, what a
 * program's `import … from "nutanix-palette-cdk"` loads), not from the TypeScript source through tsx.
 */
async function lib(outdir: string, clusters: number, pools: number, memo: boolean): Promise<void> {
  const { App, TerraformSelf } = await import("cdktf");
  if (memo) {
    const original = TerraformSelf.getString.bind(TerraformSelf);
    const cache = new Map<string, string>();
    TerraformSelf.getString = (key: string): string => {
      let v = cache.get(key);
      if (v === undefined) cache.set(key, (v = original(key)));
      return v;
    };
  }
  const entry = path.join(__dirname, "..", "dist", "lib", "index.js");
  const library = (await import(entry)) as EstateLibrary;
  const { buildEstateWith } = await import("./estate");
  const loadMs = performance.now() - tLoad0;
  const t0 = performance.now();
  const app = new App({ outdir });
  buildEstateWith(library, app, { stack: "estate", clusters, workerPools: pools - 1, replicas: 10 });
  app.synth();
  const ms = performance.now() - t0;
  const plan = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "estate", "nutanix-plan.json"), "utf8")) as { resources: unknown[] };
  report(memo ? "lib-memo" : "lib", ms, plan.resources.length, loadMs);
}

function report(side: string, ms: number, resources: number, loadMs: number): void {
  const ru = process.resourceUsage();
  process.stdout.write(
    `${JSON.stringify({ side, ms, resources, loadMs, maxRssMiB: ru.maxRSS / 1024, heapUsedMiB: process.memoryUsage().heapUsed / 1048576 })}\n`,
  );
}

async function main(): Promise<void> {
  const [side, outdir, clusters, pools] = process.argv.slice(2);
  if ((side !== "lib" && side !== "lib-memo" && side !== "plain") || !outdir || !clusters || !pools) {
    process.stderr.write("usage: synth-child.ts <lib|lib-memo|plain> <outdir> <clusters> <pools per cluster>\n");
    process.exit(2);
  }
  if (side !== "plain") await lib(outdir, Number(clusters), Number(pools), side === "lib-memo");
  else await plain(outdir, Number(clusters), Number(pools));
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
