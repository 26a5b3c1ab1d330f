/** What the handler makes of etcd's answers to a member remove (act-kube.ts): retry later, done, or fail. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { KubeApiError } from "../../../lib/kube";
import { etcdMemberGone, etcdRemoveRetryable } from "../../../lib/handler/reconcilers/node-pool/act-kube";

const answer = (status: number, message: string): KubeApiError => new KubeApiError({ status, method: "POST", path: "/v3/cluster/member/remove", message, body: {} });

test("etcd member remove answers: 'not now' is retried, 'member not found' means removed, the rest fails", () => {
  const rows: Array<[KubeApiError | Error, boolean, boolean]> = [
    [answer(503, "etcdserver: unhealthy cluster"), true, false],
    [answer(412, "etcdserver: re-configuration failed due to not enough started members"), true, false],
    [answer(404, "etcdserver: member not found"), false, true],
    [answer(404, "the server could not find the requested resource"), false, false],
    [answer(500, "etcdserver: member not found"), false, false],
    [answer(403, "permission denied"), false, false],
    [new Error("etcdserver: member not found"), false, false],
  ];
  for (const [e, retry, gone] of rows) {
    assert.equal(etcdRemoveRetryable(e), retry, `retryable: ${e.message}`);
    assert.equal(etcdMemberGone(e), gone, `gone: ${e.message}`);
  }
});
