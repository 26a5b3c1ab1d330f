export { PlanTemplate } from "./plan-template";
export type { IPlanSource } from "./plan-template";
export { Match, Matcher, matchPartial } from "./match";
export type { Mismatch, MatchResult } from "./match";
