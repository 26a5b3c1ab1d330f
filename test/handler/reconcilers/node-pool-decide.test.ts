/**
 * decide() from tables, as Cluster API tests its MachineSet deletion order: desired pool + observed VMs +
 * policy in, ordered stages of steps out. Pure: no emulator, no I/O.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decide, expectedSlots, hasWork, needsInitialised, type DesiredPool, type ObservedMachine, type PoolDecision } from "../../../lib/handler/reconcilers/node-pool/decide";
import type { ClusterInitialised } from "../../../lib/kube/decide/init-role";
import { vmUuid } from "../../../lib/handler/ownership";

const SPEC = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
const HASH6 = SPEC.slice(0, 6);
const IMAGE = [{ field: "image", from: "ubuntu", to: "rocky" }];
const MEMORY = [{ field: "memory_size_mib", from: "4096", to: "8192" }];

function pool(role: DesiredPool["role"], replicas: number, name = role === "worker" ? "md" : "cp"): DesiredPool {
  return { stack: "t1", resourceId: `t1/web/${name}`, clusterName: "web", pool: name, role, replicas, specHash: SPEC };
}

interface VmOpts {
  stale?: boolean;
  resize?: boolean;
  listed?: boolean;
  pending?: boolean;
  unhealthy?: boolean;
  pool?: string;
}

/** An observed VM: `vm(2)` is web-<pool>-2, up to date; `vm("web-md-2-a1b2c3")` by name. */
function vm(ordinalOrName: number | string, o: VmOpts = {}): ObservedMachine {
  const name = typeof ordinalOrName === "number" ? `web-${o.pool ?? "md"}-${ordinalOrName}` : ordinalOrName;
  const m = /^web-(?:md|cp)-(\d+)(?:-[0-9a-f]{6})?$/.exec(name);
  return {
    uuid: `uuid-${name}`,
    name,
    ordinal: o.pool !== undefined && !["md", "cp"].includes(o.pool) ? undefined : m ? Number(m[1]) : undefined,
    listed: o.listed ?? true,
    pending: o.pending ?? false,
    unhealthy: o.unhealthy ?? false,
    rollChanges: o.stale ? IMAGE : [],
    inPlaceChanges: o.resize ? MEMORY : [],
  };
}
const cp = (n: number | string, o: VmOpts = {}): ObservedMachine => vm(n, { ...o, pool: "cp" });

/** The decision as lines: `<stage>/<mode>: <sequence>; <sequence>` with each sequence's steps joined by " → ". */
function lines(d: PoolDecision): string[] {
  return d.stages.map(
    (s) =>
      `${s.name}/${s.mode}: ${s.sequences
        .map((q) =>
          q.steps
            .map((st) => (st.op === "create" ? `create ${st.name} (${st.role})` : st.op === "refuse" ? `refuse ${st.name}` : st.op === "delete" ? `delete ${st.vm.name} (${st.reason})` : `${st.op} ${st.vm.name}`))
            .join(" → "),
        )
        .join("; ")}`,
  );
}

interface Row {
  name: string;
  desired: DesiredPool;
  observed: ObservedMachine[];
  taken?: string[];
  /** What the caller observed of the cluster's initialisation. @default not observed */
  initialised?: ClusterInitialised;
  action: PoolDecision["action"];
  expect: string[];
  blocked?: string[];
}

const INITIALISED: ClusterInitialised = { known: true, initialised: true, evidence: "kube-system/kubeadm-config exists" };
const NEVER: ClusterInitialised = { known: true, initialised: false, evidence: "no kube-system/kubeadm-config" };

const rows: Row[] = [
  { name: "nothing to do", desired: pool("worker", 2), observed: [vm(1), vm(2)], action: "no-change", expect: [] },
  {
    name: "a new control plane: the first VM runs kubeadm init, the others join",
    desired: pool("control-plane", 3),
    observed: [],
    action: "create",
    expect: ["converge/parallel: create web-cp-1 (init); create web-cp-2 (control-plane-join); create web-cp-3 (control-plane-join)"],
  },
  { name: "a new worker pool", desired: pool("worker", 2), observed: [], action: "create", expect: ["converge/parallel: create web-md-1 (worker-join); create web-md-2 (worker-join)"] },
  {
    name: "scale up fills the missing ordinals",
    desired: pool("worker", 4),
    observed: [vm(1), vm(2)],
    action: "update",
    expect: ["converge/parallel: create web-md-3 (worker-join); create web-md-4 (worker-join)"],
  },
  {
    name: "scale up fills a gap first in ordinal order",
    desired: pool("worker", 3),
    observed: [vm(1), vm(3)],
    action: "update",
    expect: ["converge/parallel: create web-md-2 (worker-join)"],
  },
  {
    name: "a control plane that lost its first VM in an initialised cluster: the new ordinal 1 joins",
    desired: pool("control-plane", 3),
    observed: [cp(2), cp(3)],
    initialised: INITIALISED,
    action: "update",
    expect: ["converge/parallel: create web-cp-1 (control-plane-join)"],
  },
  {
    name: "ordinal 1 missing, another VM exists, the cluster was never initialised: ordinal 1 runs kubeadm init",
    desired: pool("control-plane", 3),
    observed: [cp(2)],
    initialised: NEVER,
    action: "update",
    expect: ["converge/parallel: create web-cp-1 (init); create web-cp-3 (control-plane-join)"],
  },
  {
    name: "ordinal 1 missing, another VM exists, initialisation unknown (API down): the create is refused",
    desired: pool("control-plane", 3),
    observed: [cp(2), cp(3)],
    action: "update",
    expect: ["converge/parallel: refuse web-cp-1"],
  },
  {
    name: "the only control-plane VM of a never-initialised cluster is replaced by a new kubeadm init VM",
    desired: pool("control-plane", 1),
    observed: [cp(1, { stale: true })],
    initialised: NEVER,
    action: "replace",
    expect: [`roll/serial: create web-cp-1-${HASH6} (init) → delete web-cp-1 (replaced by web-cp-1-${HASH6})`],
  },
  {
    name: "a replacement of ordinal 1 with initialisation unknown: refused before the old VM is touched",
    desired: pool("control-plane", 1),
    observed: [cp(1, { stale: true })],
    action: "replace",
    expect: [`roll/serial: refuse web-cp-1-${HASH6} → delete web-cp-1 (replaced by web-cp-1-${HASH6})`],
  },
  {
    name: "worker scale down: highest ordinal first, all at once",
    desired: pool("worker", 1),
    observed: [vm(1), vm(2), vm(3), vm(4)],
    action: "update",
    expect: ["remove/parallel: delete web-md-4 (scale down to 1); delete web-md-3 (scale down to 1); delete web-md-2 (scale down to 1)"],
  },
  {
    name: "scale down deletes unhealthy VMs first, then the highest ordinal",
    desired: pool("worker", 2),
    observed: [vm(1), vm(2), vm(3, { unhealthy: true }), vm(4)],
    action: "update",
    expect: ["remove/parallel: delete web-md-3 (scale down to 2); delete web-md-4 (scale down to 2)"],
  },
  {
    name: "control-plane scale down: one machine at a time, highest first",
    desired: pool("control-plane", 3),
    observed: [cp(1), cp(2), cp(3), cp(4), cp(5)],
    action: "update",
    expect: ["remove/serial: delete web-cp-5 (scale down to 3); delete web-cp-4 (scale down to 3)"],
  },
  {
    name: "in-place update (CPU/memory/disk growth/power/categories)",
    desired: pool("worker", 2),
    observed: [vm(1, { resize: true }), vm(2)],
    action: "update",
    expect: ["converge/parallel: update web-md-1"],
  },
  {
    name: "worker roll: each replacement creates the new VM, then deletes the old; up to --parallelism at once",
    desired: pool("worker", 2),
    observed: [vm(1, { stale: true }), vm(2, { stale: true })],
    action: "replace",
    expect: [
      `roll/bounded: create web-md-1-${HASH6} (worker-join) → delete web-md-1 (replaced by web-md-1-${HASH6}); create web-md-2-${HASH6} (worker-join) → delete web-md-2 (replaced by web-md-2-${HASH6})`,
    ],
  },
  {
    name: "control-plane roll: one machine at a time; replacements join, never init",
    desired: pool("control-plane", 3),
    observed: [cp(1, { stale: true }), cp(2, { stale: true }), cp(3, { stale: true })],
    initialised: INITIALISED,
    action: "replace",
    expect: [
      `roll/serial: create web-cp-1-${HASH6} (control-plane-join) → delete web-cp-1 (replaced by web-cp-1-${HASH6}); create web-cp-2-${HASH6} (control-plane-join) → delete web-cp-2 (replaced by web-cp-2-${HASH6}); create web-cp-3-${HASH6} (control-plane-join) → delete web-cp-3 (replaced by web-cp-3-${HASH6})`,
    ],
  },
  {
    name: "a single control-plane node is replaced by a second member first",
    desired: pool("control-plane", 1),
    observed: [cp(1, { stale: true })],
    initialised: INITIALISED,
    action: "replace",
    expect: [`roll/serial: create web-cp-1-${HASH6} (control-plane-join) → delete web-cp-1 (replaced by web-cp-1-${HASH6})`],
  },
  {
    name: "an interrupted roll: the up-to-date VM of an ordinal stays, the leftover goes",
    desired: pool("worker", 1),
    observed: [vm(1, { stale: true }), vm(`web-md-1-${HASH6}`)],
    action: "update",
    expect: [`remove/parallel: wait-ready web-md-1-${HASH6} → delete web-md-1 (superseded by web-md-1-${HASH6})`],
  },
  {
    name: "an interrupted control-plane roll: the old member goes only after the new node is Ready",
    desired: pool("control-plane", 1),
    observed: [cp(1, { stale: true }), cp(`web-cp-1-${HASH6}`)],
    initialised: INITIALISED,
    action: "update",
    expect: [`remove/serial: wait-ready web-cp-1-${HASH6} → delete web-cp-1 (superseded by web-cp-1-${HASH6})`],
  },
  {
    name: "a create still running (not in the VM list) is awaited, not repeated",
    desired: pool("worker", 2),
    observed: [vm(1), vm(2, { listed: false, pending: true })],
    action: "no-change",
    expect: ["converge/parallel: await-create web-md-2"],
  },
  {
    name: "a VM of the pool whose name does not parse is deleted",
    desired: pool("worker", 1),
    observed: [vm(1), vm("web-md-x")],
    action: "update",
    expect: ["remove/parallel: delete web-md-x (name does not follow <cluster>-<pool>-<n>)"],
  },
  {
    name: "a renamed control-plane pool: new members first (they join), then the old ones one at a time",
    desired: pool("control-plane", 3),
    observed: [vm("web-old-1", { pool: "old" }), vm("web-old-2", { pool: "old" }), vm("web-old-3", { pool: "old" })],
    initialised: INITIALISED,
    action: "update",
    expect: [
      "converge/parallel: create web-cp-1 (control-plane-join); create web-cp-2 (control-plane-join); create web-cp-3 (control-plane-join)",
      "remove/serial: delete web-old-1 (name does not follow <cluster>-<pool>-<n>); delete web-old-2 (name does not follow <cluster>-<pool>-<n>); delete web-old-3 (name does not follow <cluster>-<pool>-<n>)",
    ],
  },
  {
    name: "a name held by a VM the pool does not own blocks its create",
    desired: pool("worker", 2),
    observed: [vm(1)],
    taken: ["web-md-2"],
    action: "update",
    expect: ["converge/parallel: create web-md-2 (worker-join)"],
    blocked: ["web-md-2"],
  },
  {
    name: "roll and scale down together: the control plane stages run in order",
    desired: pool("control-plane", 1),
    observed: [cp(1, { stale: true }), cp(2), cp(3)],
    initialised: INITIALISED,
    action: "replace",
    expect: [
      `roll/serial: create web-cp-1-${HASH6} (control-plane-join) → delete web-cp-1 (replaced by web-cp-1-${HASH6})`,
      "remove/serial: delete web-cp-3 (scale down to 1); delete web-cp-2 (scale down to 1)",
    ],
  },
];

for (const row of rows) {
  test(`decide: ${row.name}`, () => {
    const d = decide(row.desired, row.observed, { parallelism: 10 }, new Set(row.taken ?? []), row.initialised);
    assert.deepEqual(lines(d), row.expect);
    assert.equal(d.action, row.action);
    assert.deepEqual(d.blocked, row.blocked ?? []);
    assert.equal(d.gated, row.desired.role === "control-plane", "control-plane stages run one after the other");
    assert.equal(hasWork(d), row.expect.length > 0);
    // Same inputs, same decision.
    assert.deepEqual(decide(row.desired, row.observed, { parallelism: 10 }, new Set(row.taken ?? []), row.initialised), d);
    // The caller observes the cluster's initialisation exactly when the decision depends on it.
    const refusesUnobserved = lines(decide(row.desired, row.observed, { parallelism: 10 }, new Set(row.taken ?? []))).some((l) => l.includes("refuse "));
    assert.equal(needsInitialised(row.desired, row.observed), refusesUnobserved);
  });
}

/** Running members at every point of a control-plane decision (stages and sequences one at a time). */
function membersThroughout(d: PoolDecision, observed: readonly ObservedMachine[]): number[] {
  let live = observed.filter((m) => m.listed).length;
  const out = [live];
  for (const stage of d.stages) {
    for (const q of stage.sequences) {
      for (const st of q.steps) {
        if (st.op === "create") live++;
        if (st.op === "delete") live--;
        out.push(live);
      }
    }
  }
  return out;
}

test("decide: a control plane never has fewer running members than etcd's quorum, floor(n/2)+1", () => {
  const cases: Array<[number, ObservedMachine[]]> = [
    [3, [cp(1, { stale: true }), cp(2, { stale: true }), cp(3, { stale: true })]],
    [1, [cp(1, { stale: true })]],
    [5, [1, 2, 3, 4, 5].map((n) => cp(n, { stale: n % 2 === 1 }))],
    [3, [1, 2, 3, 4, 5].map((n) => cp(n))],
    [3, [cp(1, { stale: true }), cp(2), cp(3), cp(4), cp(5)]],
    [3, ["web-old-1", "web-old-2", "web-old-3"].map((n) => vm(n, { pool: "old" }))],
  ];
  for (const [replicas, observed] of cases) {
    const d = decide(pool("control-plane", replicas), observed, { parallelism: 10 }, new Set(), INITIALISED);
    for (const s of d.stages.filter((x) => x.name !== "converge")) assert.equal(s.mode, "serial", `${s.name} runs one machine at a time`);
    const counts = membersThroughout(d, observed);
    const before = observed.length;
    const floor = Math.min(before, replicas);
    assert.ok(Math.min(...counts) >= floor, `replicas ${replicas}: ${counts.join(" → ")} dropped below ${floor}`);
    assert.ok(Math.min(...counts) >= Math.floor(replicas / 2) + 1, `replicas ${replicas}: ${counts.join(" → ")} lost quorum`);
    assert.equal(counts[counts.length - 1], replicas, "ends with exactly replicas members");
  }
});

test("decide: bounded stages run up to the policy's parallelism", () => {
  const d = decide(pool("worker", 3), [vm(1, { stale: true }), vm(2, { stale: true }), vm(3, { stale: true })], { parallelism: 2 });
  assert.equal(d.parallelism, 2);
  assert.deepEqual(d.stages.map((s) => [s.name, s.mode, s.sequences.length]), [["roll", "bounded", 3]]);
});

test("decide: the diff lines (plan output) follow ordinal order, deletes last", () => {
  const d = decide(pool("worker", 3), [vm(1, { resize: true }), vm(2, { stale: true }), vm(5)], { parallelism: 10 });
  assert.deepEqual(d.vmChanges.map((c) => [c.op, c.name]), [["update", "web-md-1"], ["replace", "web-md-2"], ["create", "web-md-3"], ["delete", "web-md-5"]]);
  assert.equal(d.current, 3);
  const create = d.vmChanges.find((c) => c.op === "create")!;
  assert.equal(create.uuid, vmUuid("t1", "t1/web/md", "web-md-3", SPEC), "deterministic uuid of the slot");
});

test("expectedSlots: the uuids a running create could hold — a missing ordinal's first name, a stale ordinal's replacement", () => {
  const slots = expectedSlots(pool("worker", 3), [vm(1), vm(2, { stale: true })]);
  assert.deepEqual(slots.map((x) => [x.ordinal, x.name]), [[2, `web-md-2-${HASH6}`], [3, "web-md-3"]]);
  for (const x of slots) assert.equal(x.uuid, vmUuid("t1", "t1/web/md", x.name, SPEC));
  assert.deepEqual(expectedSlots(pool("worker", 1), [vm(1)]), []);
});

test("decide: a refused ordinal 1 shows in the plan lines with its reason", () => {
  const d = decide(pool("control-plane", 3), [cp(2), cp(3)], { parallelism: 10 }, new Set(), { known: false, reason: "connect ECONNREFUSED" });
  const line = d.vmChanges.find((c) => c.name === "web-cp-1")!;
  assert.equal(line.op, "create");
  assert.match(line.reason ?? "", /^refused: cannot create web-cp-1: cluster web has control-plane VMs \(web-cp-2, web-cp-3\) and whether it was ever initialised is unknown \(connect ECONNREFUSED\)/);
});
