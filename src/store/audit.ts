/**
 * The audit trail's rules both stores share (retention defaults, which entries a query matches),
 * and the in-memory audit log.
 */
import type { AuditEntry, AuditLogStore, AuditQuery, AuditRetention } from "./types";

/** Kept by default: the newest 100,000 entries of the last 30 days. */
export const DEFAULT_AUDIT_RETENTION: AuditRetention = { maxEntries: 100_000, maxAgeMs: 30 * 24 * 3600 * 1000 };

/** Throws RangeError for a retention a store cannot keep. */
export function checkRetention(retention: AuditRetention): AuditRetention {
  if (!Number.isInteger(retention.maxEntries) || retention.maxEntries < 1) {
    throw new RangeError(`audit retention: maxEntries must be a positive integer, got ${retention.maxEntries}`);
  }
  if (!Number.isFinite(retention.maxAgeMs) || retention.maxAgeMs < 1) {
    throw new RangeError(`audit retention: maxAgeMs must be a positive number, got ${retention.maxAgeMs}`);
  }
  return retention;
}

/** Whether `entry` is one `query` asks for (the limit aside). */
export function matchesAudit(entry: AuditEntry, query: AuditQuery): boolean {
  if (query.since !== undefined && entry.at < query.since) return false;
  if (query.until !== undefined && entry.at > query.until) return false;
  if (query.roomId !== undefined && !entry.roomIds.includes(query.roomId)) return false;
  if (query.userId !== undefined && !entry.userIds.includes(query.userId)) return false;
  return true;
}

/** A JSON copy, so callers never share objects with the log. */
const copy = (entry: AuditEntry): AuditEntry => JSON.parse(JSON.stringify(entry)) as AuditEntry;

/** The audit trail of one process, oldest first in an array trimmed on each append. */
export class MemoryAuditLog implements AuditLogStore {
  private entries: AuditEntry[] = [];

  constructor(
    private readonly retention: AuditRetention,
    private readonly clock: () => number,
  ) {
    checkRetention(retention);
  }

  async append(entry: AuditEntry): Promise<void> {
    this.entries.push(copy(entry));
    const cutoff = this.clock() - this.retention.maxAgeMs;
    let drop = Math.max(0, this.entries.length - this.retention.maxEntries);
    while (drop < this.entries.length && (this.entries[drop]?.at ?? Infinity) < cutoff) drop++;
    if (drop > 0) this.entries = this.entries.slice(drop);
  }

  async query(query: AuditQuery): Promise<AuditEntry[]> {
    const found: AuditEntry[] = [];
    const cutoff = this.clock() - this.retention.maxAgeMs;
    for (let i = this.entries.length - 1; i >= 0 && found.length < query.limit; i--) {
      const entry = this.entries.at(i);
      if (entry && entry.at >= cutoff && matchesAudit(entry, query)) found.push(copy(entry));
    }
    return found;
  }
}
