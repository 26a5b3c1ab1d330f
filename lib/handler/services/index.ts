/**
 * The services a reconciler is handed for one run, each small and about one thing: the plan index, the
 * Prism client, lookups, the VM inventory, running tasks, categories, writes (the semaphore and task
 * waits), readiness, the login (resolved once), the run's features, progress. All memoized reads share
 * the run's one cache.
 */
import type { PrismClient } from "../../prism/client";
import type { Plan, PlanResource } from "../../schema/plan";
import { PlanIndex } from "../plan-index";
import type { Progress } from "../progress";
import type { PrismLogin } from "../target";
import { RunCache } from "./cache";
import { Categories } from "./categories";
import { defaultFeatures, type RunFeatures } from "./features";
import { loadInventory, type Inventory } from "./inventory";
import { Lookups } from "./lookups";
import { Readiness } from "./readiness";
import { RunningTasks } from "./running-tasks";
import { Writes, type PollOptions } from "./writes";

export { RunCache } from "./cache";
export { Categories } from "./categories";
export { defaultFeatures, type RunFeatures } from "./features";
export { Inventory, isDeleting, nameOf } from "./inventory";
export { Lookups, type MachineLookups } from "./lookups";
export { Readiness } from "./readiness";
export { RUNNING_CREATES_FILTER, RunningTasks } from "./running-tasks";
export { DEFAULT_POLL, Writes, type PollOptions } from "./writes";

export interface Services {
  readonly plan: PlanIndex;
  /** The plan's stack (`metadata.stack`). */
  readonly stack: string;
  /** The stack identity `<project>/<stack>`: what ownership checks compare. */
  readonly identity: string;
  readonly client: PrismClient;
  /** The Prism Central login of this run, resolved once. */
  readonly login: PrismLogin;
  /** Where secret references (environment variables) are read. */
  readonly env: NodeJS.ProcessEnv;
  readonly cache: RunCache;
  readonly lookups: Lookups;
  /** The run's one VM list. */
  inventory(): Promise<Inventory>;
  readonly runningTasks: RunningTasks;
  readonly categories: Categories;
  readonly writes: Writes;
  readonly readiness: Readiness;
  readonly features: RunFeatures;
  readonly progress: Progress;
  /** False for `plan`: no writes allowed. */
  readonly writable: boolean;
  /** True when resource `id` is applied (or planned) by this run (`--resource` narrows the run to one). */
  inScope(id: string): boolean;
}

/**
 * The services of a run that may span several Prism Central accounts (issue 12, item 6): each resource's
 * account's services, and one per distinct Prism Central endpoint (what prune, destroy and status walk).
 */
export interface RunServices {
  /** The services of the account `r` is applied through. */
  servicesOf(r: PlanResource): Services;
  /** One per distinct Prism Central endpoint, in lock order. */
  readonly sites: readonly Services[];
}

/** Pure: `scope` grouped by the services its resources run with, in first-seen order. */
export function groupByServices(run: RunServices, scope: readonly PlanResource[]): Array<{ services: Services; resources: PlanResource[] }> {
  const groups: Array<{ services: Services; resources: PlanResource[] }> = [];
  for (const r of scope) {
    const services = run.servicesOf(r);
    const g = groups.find((x) => x.services === services);
    if (g) g.resources.push(r);
    else groups.push({ services, resources: [r] });
  }
  return groups;
}

/**
 * The services that may hold what resource id `id` owns: its account's when it is in the plan, else every
 * Prism Central of the run (a resource removed from the plan may have been on any of them).
 */
export function servicesOfId(run: RunServices, plan: PlanIndex, id: string): readonly Services[] {
  const r = plan.get(id);
  return r ? [run.servicesOf(r)] : run.sites;
}

export interface ServicesInit {
  plan: Plan;
  client: PrismClient;
  login: PrismLogin;
  env: NodeJS.ProcessEnv;
  parallelism: number;
  progress: Progress;
  /** @default DEFAULT_POLL */
  poll?: Partial<PollOptions>;
  writable: boolean;
  /** @default everything off (defaultFeatures) */
  features?: RunFeatures;
  /** The one resource of this run (`--resource`). @default every resource of the plan */
  resource?: string;
}

/** The services of one run. */
export function createServices(init: ServicesInit): Services {
  const plan = new PlanIndex(init.plan);
  const cache = new RunCache();
  const features = init.features ?? defaultFeatures({ endpoint: init.client.endpoint.toString(), credentials: init.login, insecure: false });
  const inventory = (): Promise<Inventory> => loadInventory(cache, init.client);
  return {
    plan,
    stack: plan.stack,
    identity: plan.identity,
    client: init.client,
    login: init.login,
    env: init.env,
    cache,
    lookups: new Lookups(cache, init.client, features),
    inventory,
    runningTasks: new RunningTasks(cache, init.client, inventory),
    categories: new Categories(cache, init.client),
    writes: new Writes(init.client, init.parallelism, init.poll),
    readiness: new Readiness(plan, inventory),
    features,
    progress: init.progress,
    writable: init.writable,
    inScope: (id) => init.resource === undefined || init.resource === id,
  };
}
