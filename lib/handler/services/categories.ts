/**
 * Category keys and values: each key's values are listed once per run (`POST /categories/{key}/list`,
 * paged; a read) and only missing keys and values are PUT, each at most once per run and shared by every
 * caller, so a re-apply with everything present writes nothing.
 */
import type { PrismClient } from "../../prism/client";
import { CATEGORY_DESCRIPTION } from "../ownership";
import type { RunCache } from "./cache";

export class Categories {
  constructor(
    private readonly cache: RunCache,
    private readonly client: PrismClient,
  ) {}

  /**
   * The values of a key as listed once per run, plus the values this run has created since; null when
   * the key does not exist. Sets are shared: `ensure` adds what it PUTs.
   */
  values(key: string): Promise<Set<string> | null> {
    return this.cache.once(`category-list:${key}`, () => this.client.categoryValueNames(key).then((vs) => (vs === null ? null : new Set(vs))), { retryOnFailure: true });
  }

  /** Whether a category value exists (from the run's list of its key; a read). */
  async has(key: string, value: string): Promise<boolean> {
    return (await this.values(key))?.has(value) ?? false;
  }

  /** Starts listing the values of these keys (reads), so a later `ensure` finds them listed. */
  prefetch(keys: Iterable<string>): void {
    for (const k of keys) this.values(k).catch(() => undefined);
  }

  /** The values of a key, the key created (PUT) first when it is missing; once per run. */
  private keyValues(key: string): Promise<Set<string>> {
    return this.cache.once(
      `category-key:${key}`,
      async () => {
        const listed = await this.values(key);
        if (listed && listed.size > 0) return listed;
        // Whether the key exists is asked with GET /categories/{key} (CAPX and terraform-provider-nutanix do;
        // 404 ENTITY_NOT_FOUND when missing): what `POST /categories/{missing}/list` answers on a real PC is
        // not documented (404, or 200 with no values), so neither answer alone decides it.
        if (!(await this.client.ensureCategoryKey(key, CATEGORY_DESCRIPTION)) && listed) return listed;
        const created = new Set<string>();
        this.cache.set(`category-list:${key}`, Promise.resolve(created));
        return created;
      },
      { retryOnFailure: true },
    );
  }

  /** Ensures every key/value of a category map exists, in one parallel batch. */
  async ensure(categories: Record<string, string>): Promise<void> {
    await Promise.all(
      Object.entries(categories).map(async ([key, value]) => {
        const values = await this.keyValues(key);
        if (values.has(value)) return;
        await this.cache.once(
          `category-put:${key}\u0000${value}`,
          () => this.client.putCategoryValue(key, value, CATEGORY_DESCRIPTION).then(() => void values.add(value)),
          { retryOnFailure: true },
        );
      }),
    );
  }
}
