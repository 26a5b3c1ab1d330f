/** GET /users/me: the authenticated user, and a session cookie for later requests. */
import { renderUser } from "../render";
import { methodNotAllowed, route, type Route, type RouteRequest } from "./route";

export function userRoutes(req: RouteRequest): Route | undefined {
  const { emu, method, segs, user } = req;
  if (segs[0] !== "users" || segs[1] !== "me" || segs.length !== 2) return undefined;
  if (method !== "GET") return methodNotAllowed(method, "/users/me", "GET");
  return route("/users/me", false, () => {
    const cookie = emu.auth.openSession(user, emu.opts.https);
    return { status: 200, body: renderUser(user), headers: { "Set-Cookie": [cookie] } };
  });
}
