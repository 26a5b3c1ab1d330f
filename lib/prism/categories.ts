/** Categories: keys and values, read, created idempotently (remembered per client), listed and deleted. */
import type { Call } from "./api";
import { isNotFound } from "./not-found";
import { MAX_PAGE_LENGTH, collectPages } from "./paging";
import type { CategoryKey, CategoryValue, ListResponse } from "./types";

const enc = encodeURIComponent;
const valueId = (key: string, value: string): string => `${key}\u0000${value}`;

export class Categories {
  /** Keys, and `key\0value` pairs, known to exist. */
  private readonly known = new Set<string>();

  constructor(private readonly call: Call) {}

  /** Forgets which keys and values are known to exist. */
  forget(): void {
    this.known.clear();
  }

  async getCategoryKey(key: string): Promise<CategoryKey | null> {
    try {
      return await this.call<CategoryKey>("GET", `/categories/${enc(key)}`);
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async getCategoryValue(key: string, value: string): Promise<CategoryValue | null> {
    try {
      return await this.call<CategoryValue>("GET", `/categories/${enc(key)}/${enc(value)}`);
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  /** PUT a category key (create or update; idempotent). */
  async putCategoryKey(key: string, description?: string): Promise<void> {
    await this.call<CategoryKey>("PUT", `/categories/${enc(key)}`, { name: key, description: description ?? "Managed by nutanix-palette-cdk" }, { isWrite: true });
    this.known.add(key);
  }

  /** PUT a category value (create or update; idempotent). The key must exist. */
  async putCategoryValue(key: string, value: string, description?: string): Promise<void> {
    const body: { value: string; description?: string } = { value };
    if (description !== undefined) body.description = description;
    await this.call<CategoryValue>("PUT", `/categories/${enc(key)}/${enc(value)}`, body, { isWrite: true });
    this.known.add(valueId(key, value));
  }

  /** GET the key; PUT it when missing. Returns true when it was created. Cached per client. */
  async ensureCategoryKey(key: string, description?: string): Promise<boolean> {
    if (this.known.has(key)) return false;
    let created = false;
    if ((await this.getCategoryKey(key)) === null) {
      await this.putCategoryKey(key, description);
      created = true;
    }
    this.known.add(key);
    return created;
  }

  /** Ensures the key, then GET the value and PUT it when missing. Returns true when the value was created. */
  async ensureCategoryValue(key: string, value: string, description?: string): Promise<boolean> {
    const id = valueId(key, value);
    if (this.known.has(id)) return false;
    await this.ensureCategoryKey(key);
    let created = false;
    if ((await this.getCategoryValue(key, value)) === null) {
      await this.putCategoryValue(key, value, description);
      created = true;
    }
    this.known.add(id);
    return created;
  }

  /** Every value of a category key (`POST /categories/{key}/list`, paged). Throws on a missing key. */
  async listCategoryValues(key: string): Promise<CategoryValue[]> {
    return collectPages(
      (offset) => this.call<ListResponse<CategoryValue>>("POST", `/categories/${enc(key)}/list`, { kind: "category", length: MAX_PAGE_LENGTH, offset }),
      MAX_PAGE_LENGTH,
      (e) => (typeof e.value === "string" ? e.value : undefined),
    );
  }

  /** The value names of a category key (paged list), or null when the key does not exist. */
  async categoryValueNames(key: string): Promise<string[] | null> {
    try {
      return (await this.listCategoryValues(key)).map((v) => v.value).filter((v): v is string => typeof v === "string");
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  /** DELETE a category value; false when it did not exist. */
  async deleteCategoryValue(key: string, value: string): Promise<boolean> {
    this.known.delete(valueId(key, value));
    try {
      await this.call<unknown>("DELETE", `/categories/${enc(key)}/${enc(value)}`);
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  /** DELETE a category key (its values must be deleted first); false when it did not exist. */
  async deleteCategoryKey(key: string): Promise<boolean> {
    this.known.delete(key);
    try {
      await this.call<unknown>("DELETE", `/categories/${enc(key)}`);
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }
}
