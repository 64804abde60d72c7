/**
 * A Lua script the Redis store runs, through ioredis' own script commands (`defineCommand`).
 *
 * Why not EVALSHA with an EVAL fallback on NOSCRIPT: the fallback resends a call after later calls
 * on the same connection were already written, so calls can land out of order. With an empty script
 * cache (a new or restarted Redis), a history append of seq 2 fell back behind seq 3, which the
 * script then refused as "not increasing": an accepted message lost. ioredis instead sends EVAL
 * (which loads the script) as the first call of each script on each socket, and EVALSHA after it,
 * so every call keeps its place in the connection's order, also after a reconnect.
 *
 * What it still cannot order: a SCRIPT FLUSH on a live connection. The socket believes the script is
 * loaded, its EVALSHA gets NOSCRIPT, and ioredis resends it as EVAL behind later calls, as before.
 */
import type { Redis } from "ioredis";

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

let defined = 0;

export class LuaScript {
  /** The command name this script gets on each connection; unique per script. */
  private readonly name = `chatroomsScript${++defined}`;
  /** Connections that know this script's command. */
  private readonly connections = new WeakSet<Redis>();

  constructor(private readonly body: string) {}

  /** Runs the script on `redis` with `keys` as KEYS and `args` as ARGV; resolves with its reply. */
  run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    if (!this.connections.has(redis)) {
      redis.defineCommand(this.name, { lua: this.body });
      this.connections.add(redis);
    }
    const command = Reflect.get(redis, this.name) as ScriptCommand;
    return command.call(redis, keys.length, ...keys, ...args);
  }
}
