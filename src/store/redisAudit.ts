/**
 * The Redis audit trail: one stream, `<prefix>audit`, each entry a JSON field, trimmed on every
 * append to the newest `maxEntries` and to entries younger than `maxAgeMs` (stream ids carry
 * Redis' own time, so the age cut is made on Redis' clock; queries also filter on the entry's time,
 * by the store's clock).
 */
import type { Redis } from "ioredis";
import { checkRetention, matchesAudit } from "./audit";
import { LuaScript } from "./luaScript";
import type { AuditEntry, AuditLogStore, AuditQuery, AuditRetention } from "./types";

/** Entries read per XREVRANGE while a query looks for matches. */
const PAGE = 500;
/** A query stops reading this long before `since`: processes' clocks may differ a little from Redis'. */
const CLOCK_MARGIN_MS = 60_000;

/** KEYS: the stream. ARGV: entry JSON, maxEntries, maxAgeMs. Appends, then trims by count and by Redis' time. */
const APPEND = new LuaScript(`
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[2], '*', 'e', ARGV[1])
local time = redis.call('TIME')
local cutoff = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) - tonumber(ARGV[3])
if cutoff > 0 then redis.call('XTRIM', KEYS[1], 'MINID', string.format('%d', cutoff)) end
return 1`);

export class RedisAuditLog implements AuditLogStore {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly retention: AuditRetention,
    private readonly clock: () => number,
  ) {
    checkRetention(retention);
    this.key = `${prefix}audit`;
  }

  async append(entry: AuditEntry): Promise<void> {
    await APPEND.run(this.redis, [this.key], [JSON.stringify(entry), this.retention.maxEntries, this.retention.maxAgeMs]);
  }

  async query(query: AuditQuery): Promise<AuditEntry[]> {
    const found: AuditEntry[] = [];
    const cutoff = this.clock() - this.retention.maxAgeMs;
    const stopBelow = Math.max(cutoff, query.since ?? 0) - CLOCK_MARGIN_MS;
    let end = "+";
    for (let read = 0; read < this.retention.maxEntries && found.length < query.limit; read += PAGE) {
      const page = await this.redis.xrevrange(this.key, end, "-", "COUNT", PAGE);
      for (const [id, fields] of page) {
        const entry = JSON.parse(fields[1] ?? "null") as AuditEntry | null;
        if (entry && entry.at >= cutoff && matchesAudit(entry, query)) found.push(entry);
        if (found.length === query.limit) return found;
        end = `(${id}`;
        if (entry && entry.at < stopBelow) return found;
      }
      if (page.length < PAGE) break;
    }
    return found;
  }
}
