export class PlanTemplate {}; export class Match {}
