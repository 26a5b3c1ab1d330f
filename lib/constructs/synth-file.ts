/**
 * Files a construct adds to its stack's synth output beside the plan (such as a cluster's CAPX
 * manifests). Types only, so constructs can produce files without importing the stack.
 */
import type { IConstruct } from "constructs";
import type { Plan } from "../schema/plan";

/** A file written beside the plan at synth. */
export interface SynthFile {
  /** Path relative to the stack's synth directory, `/`-separated, e.g. `manifests/pcg-host.yaml`. */
  readonly path: string;
  /** The file's contents. */
  readonly contents: string;
}

/** Produces the contents of one synth file from the validated plan. */
export type SynthFileProducer = (plan: Plan) => string;

/**
 * A construct anywhere in a NutanixStack that contributes files to the stack's synth output.
 * The stack calls `synthFiles(plan)` after the plan validated, before anything is written.
 */
export interface ISynthFileProducer extends IConstruct {
  synthFiles(plan: Plan): readonly SynthFile[];
}

/** Whether a construct implements ISynthFileProducer. */
export function isSynthFileProducer(c: IConstruct): c is ISynthFileProducer {
  return typeof (c as Partial<ISynthFileProducer>).synthFiles === "function";
}
