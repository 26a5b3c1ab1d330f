export * from "./types";
export * from "./control-plane";
export * from "./workers";
export * from "./upgrade-order";
export * from "./init-role";
