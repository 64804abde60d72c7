import { getHeapSpaceStatistics } from "node:v8";
import type { ServerCommand, ServerReady, ServerStats, ServerTrace } from "../lib/protocol";

/**
 * The IPC side every benchmark server runs: answers `stats` (CPU and memory of this process,
 * after a full GC when asked), `trace` (BENCH_TRACE's stage timings, when the server keeps them)
 * and `exit` (calls `stop`, then exits). Exits too when the
 * orchestrator goes away, so no server outlives a run.
 */
export function serveControl(ready: Omit<ServerReady, "type">, stop: () => Promise<void>, trace?: () => ServerTrace): void {
  const send = (message: ServerReady | ServerStats | ServerTrace) => process.send?.(message);
  process.on("message", (message: ServerCommand) => {
    switch (message.cmd) {
      case "stats": {
        if (message.gc) {
          // twice: the first pass may only schedule finalizers
          global.gc?.();
          global.gc?.();
        }
        const cpu = process.cpuUsage();
        const memory = process.memoryUsage();
        send({
          type: "stats",
          cpuUs: cpu.user + cpu.system,
          rss: memory.rss,
          heapUsed: memory.heapUsed,
          heapTotal: memory.heapTotal,
          spaces: Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.physical_space_size])),
          external: memory.external,
          arrayBuffers: memory.arrayBuffers,
        });
        break;
      }
      case "trace":
        // a server without tracing answers with no stages
        send(trace ? trace() : { type: "trace", stages: [] });
        break;
      case "exit": {
        const timer = setTimeout(() => process.exit(0), 5000);
        void stop().finally(() => {
          clearTimeout(timer);
          process.exit(0);
        });
        break;
      }
    }
  });
  process.on("disconnect", () => process.exit(0));
  send({ type: "listening", ...ready });
}

/** The port from PORT (0 = any free port). */
export function benchPort(): number {
  return Number(process.env.PORT ?? 0);
}
