/** Prism Central v3 client. */
export * from "./types";
export * from "./errors";
export * from "./client";
export { parseEndpoint, parseCaBundle, parseRetryAfter, BASE_PATH, DEFAULT_PORT } from "./transport";
