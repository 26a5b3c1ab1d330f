/** Request counters (GET/DELETE /_emulator/counters, RunningEmulator.counters()). */

export interface Counters {
  total: number;
  reads: number;
  writes: number;
  /** "METHOD /template", e.g. "POST /vms", "GET /vms/{uuid}". */
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  faults: { "500": number; "503": number; "429": number; reset: number; budget: number; taskFailed: number };
  badRequests: number;
}

export function emptyCounters(): Counters {
  return { total: 0, reads: 0, writes: 0, byRoute: {}, byStatus: {}, faults: { "500": 0, "503": 0, "429": 0, reset: 0, budget: 0, taskFailed: 0 }, badRequests: 0 };
}
