/**
 * Counters of a redis-server of the bench's own (INFO stats and commandstats): commands executed
 * and bytes on its connections, read before and after a round to get what a round cost Redis.
 */
import type { Redis } from "ioredis";

/** Totals since the redis-server started. */
export interface RedisCounters {
  /** Commands executed, INFO (the bench's own reads) left out. */
  commands: number;
  /** PUBLISH commands among them. */
  publishes: number;
  /** total_net_input_bytes and total_net_output_bytes: every connection, both ways. */
  inBytes: number;
  outBytes: number;
  /** Bytes of this read's own reply, sent after its counters were taken (to subtract from the next read's output). */
  infoReplyBytes: number;
}

/** A field `name:<integer>` of an INFO reply. */
function field(info: string, name: string): number {
  const match = new RegExp(`^${name}:(\\d+)`, "m").exec(info);
  if (!match?.[1]) throw new Error(`INFO has no ${name}`);
  return Number(match[1]);
}

/** Reads the counters (one INFO call). */
export async function readRedisCounters(redis: Redis): Promise<RedisCounters> {
  const info = await redis.info("stats", "commandstats");
  let commands = 0;
  let publishes = 0;
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const [, name, calls] = match;
    if (name === "info") continue;
    commands += Number(calls);
    if (name === "publish") publishes += Number(calls);
  }
  // the reply is a RESP bulk string: `$<length>\r\n<body>\r\n`
  const body = Buffer.byteLength(info);
  return {
    commands,
    publishes,
    inBytes: field(info, "total_net_input_bytes"),
    outBytes: field(info, "total_net_output_bytes"),
    infoReplyBytes: body + String(body).length + 5,
  };
}
