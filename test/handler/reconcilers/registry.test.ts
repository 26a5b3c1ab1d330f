/**
 * The reconciler registry covers every plan kind: at run time (its keys are RESOURCE_KINDS) and at
 * compile time (`npm run typecheck` fails if the `@ts-expect-error` below stops being an error).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { RESOURCE_KINDS } from "../../../lib/schema/plan";
import { reconcilers, type ReconcilerRegistry } from "../../../lib/handler/reconcilers";

test("every plan kind has a reconciler with plan and apply", () => {
  assert.deepEqual(Object.keys(reconcilers).sort(), [...RESOURCE_KINDS].sort());
  for (const k of RESOURCE_KINDS) {
    assert.equal(typeof reconcilers[k].plan, "function", k);
    assert.equal(typeof reconcilers[k].apply, "function", k);
  }
  assert.equal(typeof reconcilers.PrivateCloudGateway.destroy, "function", "the PCG removes its local bundle on destroy");
  assert.equal(typeof reconcilers.PrivateCloudGateway.skipReason, "function", "the PCG explains a skip by its host cluster");
});

test("a registry that lacks a kind does not compile", () => {
  const { NodePool: _omitted, ...rest } = reconcilers;
  // @ts-expect-error NodePool is missing
  const partial: ReconcilerRegistry = rest;
  assert.equal(Object.keys(partial).length, RESOURCE_KINDS.length - 1);
});
