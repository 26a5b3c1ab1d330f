/**
 * Telling this stack's VMs from copies of them. A clone made in Prism Central keeps its source's
 * categories and description (the v3 clone takes the source's spec, with overrides such as the name), so
 * categories alone cannot tell them apart. Chosen marker: every VM the handler creates carries its own
 * uuid in its description (`vm=<uuid>`, filled with the reserved uuid at the POST,
 * RESERVED_UUID_PLACEHOLDER); a VM whose description names another uuid is a copy: reported, never
 * modified, never deleted. The uuid is the one thing a clone cannot copy; a name check would miss a clone
 * given its source's name, and the reservation of a slot expires (so it cannot be asked later).
 * VMs without the marker (made before it existed) count as the stack's, as before. What the Prism clone
 * copies is a guess from the v3 API (`POST /vms/{uuid}/clone` with `override_spec`); nothing public says
 * whether it copies the description, hence a marker that is harmless when it does not.
 */
import { RESERVED_UUID_PLACEHOLDER } from "../prism/client";
import type { VmEntity } from "../prism/types";

const MARKER = / vm=([0-9a-fA-F-]{36}|\{reserved-uuid\})$/;

/** The description with the origin marker for `uuid` (the VM's own; at create, the placeholder). */
export function withOriginMarker(description: string, uuid: string = RESERVED_UUID_PLACEHOLDER): string {
  return `${description.replace(MARKER, "")} vm=${uuid.toLowerCase()}`;
}

/** The uuid a VM's description names as its own, or undefined when it has no marker. */
export function originUuidOf(vm: Pick<VmEntity, "spec">): string | undefined {
  const d = vm.spec?.description;
  if (typeof d !== "string") return undefined;
  const m = MARKER.exec(d);
  return m ? m[1]!.toLowerCase() : undefined;
}

/** When the VM is a copy of another (its description names another uuid): that uuid. Undefined for an original. */
export function cloneSourceOf(vm: Pick<VmEntity, "spec" | "metadata">): string | undefined {
  const origin = originUuidOf(vm);
  const own = vm.metadata.uuid?.toLowerCase();
  return origin !== undefined && own !== undefined && origin !== own ? origin : undefined;
}
