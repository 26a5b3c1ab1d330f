import { PrismApiError } from "./errors";

/** An answer saying the entity does not exist (ENTITY_NOT_FOUND, CATEGORY_NAME_VALUE_MISMATCH, or a bare 404). */
export function isNotFound(e: unknown): e is PrismApiError {
  return (
    e instanceof PrismApiError &&
    (e.hasReason("ENTITY_NOT_FOUND") || e.hasReason("CATEGORY_NAME_VALUE_MISMATCH") || (e.status === 404 && e.reasons.length === 0))
  );
}
