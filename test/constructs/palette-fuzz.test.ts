/**
 * Fuzzing the Palette props: any `palette` prop of a cluster and any PaletteAccount props either
 * construct or throw ValidationError (never anything else), and a synth either writes the whole output
 * or throws ValidationError and writes no file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import fc from "fast-check";
import { App } from "cdktf";
import { NutanixCluster, NutanixStack, PaletteAccount, PrismCentralAccount, PrivateCloudGateway, Credentials, Secret, ValidationError } from "../../lib";
import { clusterProps, listFiles, tempDir } from "../helpers/nutanix-fixtures";

function constructsOrValidationError(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    assert.ok(e.issues.length > 0 && e.issues.every((i) => typeof i.path === "string" && i.message.length > 0));
    return false;
  }
}

const maybe = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 8, arbitrary: good }, { weight: 1, arbitrary: fc.anything() });

test("fuzz: PaletteAccount props construct or throw ValidationError", () => {
  const root = path.join(tempDir(), "out");
  fc.assert(fc.property(
    fc.record({
      endpoint: fc.option(maybe(fc.constantFrom("https://api.spectrocloud.com", "https://p.example.com:8443/", "http://p", "https://p/v1", "")), { nil: undefined }),
      project: fc.option(maybe(fc.constantFrom("Default", "", "Edge")), { nil: undefined }),
      apiKey: maybe(fc.constant(Secret.fromEnv("K"))),
      insecure: fc.option(maybe(fc.boolean()), { nil: undefined }),
    }, { requiredKeys: [] }),
    (props) => {
      const stack = new NutanixStack(new App({ outdir: root }), "s");
      constructsOrValidationError(() => new PaletteAccount(stack, "palette", props as never));
    },
  ), { numRuns: 200 });
});

test("fuzz: a cluster's palette prop constructs or throws ValidationError; a synth writes everything or nothing", () => {
  const outcomes = { constructed: 0, synthesized: 0 };
  fc.assert(fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), maybe(fc.oneof(fc.constant("nutanix-k8s"), fc.record({ name: fc.string(), version: fc.option(fc.string(), { nil: undefined }) }, { requiredKeys: ["name"] }))), fc.option(maybe(fc.boolean()), { nil: undefined }), (gw, acct, profile, cpAsWorker) => {
    const outdir = path.join(tempDir(), "out");
    const app = new App({ outdir });
    const stack = new NutanixStack(app, "s");
    const pc = new PrismCentralAccount(stack, "pc", { endpoint: "pc.example.com", credentials: Credentials.fromEnv("U", "P") });
    const palette = new PaletteAccount(stack, "palette", { apiKey: Secret.fromEnv("K") });
    const host = new NutanixCluster(stack, "host", { account: pc, ...clusterProps({ name: "host" }) });
    const pcg = new PrivateCloudGateway(stack, "pcg", { name: "pcg", account: pc, hostCluster: host, palette: gw === 1 ? { apiKey: Secret.fromEnv("K") } : palette });
    const gateway = [pcg, pcg, host, "pcg"][gw];
    const account = [undefined, palette, pc, {}][acct];
    const built = constructsOrValidationError(() => new NutanixCluster(stack, "web", {
      account: pc, ...clusterProps({ name: "web", endpoint: { address: "10.20.0.20" } }),
      palette: { gateway, profile, ...(account !== undefined ? { account } : {}), ...(cpAsWorker !== undefined ? { controlPlaneAsWorker: cpAsWorker } : {}) } as never,
    }));
    const synthesized = constructsOrValidationError(() => app.synth());
    const files = listFiles(outdir);
    if (built) outcomes.constructed++;
    if (synthesized) outcomes.synthesized++;
    if (synthesized) assert.ok(files.includes(path.join("stacks", "s", "nutanix-plan.json")), files.join(", "));
    else assert.deepEqual(files, [], "a failed synth left files behind");
  }), { numRuns: 100 });
  assert.ok(outcomes.constructed > 5 && outcomes.synthesized > 5, JSON.stringify(outcomes));
});
