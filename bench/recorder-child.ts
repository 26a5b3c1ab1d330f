/**
 * The recording proxy (recorder.ts) in a process of its own, so its forwarding does not share the measured
 * handler's event loop: `startRecorderProcess` forks this file; it answers `{ url }` once listening, then
 * `reset` (forget the log), `dump` (send the log) and `stop` over the IPC channel.
 */
import { startRecorder } from "./recorder";

type Command = { cmd: "reset" | "dump" | "stop" };

void (async () => {
  const target = process.argv[2];
  if (!target || !process.send) throw new Error("usage: forked by startRecorderProcess with the emulator's URL");
  const r = await startRecorder(target);
  process.send({ url: r.url });
  process.on("message", (m: Command) => {
    if (m.cmd === "reset") {
      r.requests.length = 0;
      process.send!({ ok: true });
    } else if (m.cmd === "dump") {
      process.send!({ requests: r.requests });
    } else if (m.cmd === "stop") {
      void r.stop().then(() => process.exit(0));
    }
  });
  process.on("disconnect", () => void r.stop().then(() => process.exit(0)));
})();
