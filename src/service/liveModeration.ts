/**
 * Live-stream moderation use-cases (docs/moderation.md): slow mode, the word filter (app-wide and
 * per room) and shadow bans (per room and app-wide). State lives in `ctx.store.sets`, shared by
 * every process; every change is announced like the other moderation changes (a "moderation"
 * notice on the room's topic or on all rooms), so each room's {@link ModerationCache} reloads it
 * at once, wherever the room runs. Slow mode and the room's filter die with the room; shadow bans,
 * like bans and mutes, are kept by room id until they expire.
 */
import { ChatError, ErrorCode } from "../core/errors";
import { SLOW_MODE_LIMITS } from "../core/slowMode";
import {
  assertValidFilterEntry,
  decodeFilterEntry,
  encodeFilterEntry,
  FILTER_LIMITS,
  regexProgramSize,
  type FilterEntry,
} from "../core/wordFilter";
import type { ExpiringEntry } from "../store/types";
import type { ChatContext } from "./context";
import { addTimed, announce, removeTimed } from "./moderation";
import { assertRoomExists } from "./roomExists";
import { Scope, Topic } from "./scopes";

/** Sets a live room's slow mode: 0 (off) or 1..120 seconds between one member's messages. */
export async function setSlowMode(ctx: ChatContext, roomId: string, seconds: number): Promise<void> {
  if (!Number.isInteger(seconds) || seconds < SLOW_MODE_LIMITS.minSeconds || seconds > SLOW_MODE_LIMITS.maxSeconds) {
    throw new ChatError(
      ErrorCode.PARAMETER,
      `seconds must be an integer in ${SLOW_MODE_LIMITS.minSeconds}..${SLOW_MODE_LIMITS.maxSeconds} (0 = off), got ${seconds}`,
    );
  }
  await assertRoomExists(ctx, roomId);
  const scope = Scope.slowMode(roomId);
  await ctx.store.sets.clear(scope);
  if (seconds > 0) await ctx.store.sets.add(scope, [String(seconds)], null);
  await announce(ctx, Topic.room(roomId), { type: "moderation" });
}

/** The slow-mode seconds of a store scope's entries (0 when none or not a valid number). */
export function slowModeSecondsOf(entries: readonly ExpiringEntry[]): number {
  for (const { member } of entries) {
    const seconds = Number(member);
    if (Number.isInteger(seconds) && seconds > 0 && seconds <= SLOW_MODE_LIMITS.maxSeconds) return seconds;
  }
  return 0;
}

/** A room's slow-mode seconds (0 = off). */
export async function getSlowMode(ctx: ChatContext, roomId: string): Promise<number> {
  return slowModeSecondsOf(await ctx.store.sets.list(Scope.slowMode(roomId), ctx.now()));
}

/** Where a filter list lives: the app-wide one (null) or a room's. */
const filterScope = (roomId: string | null): string => (roomId === null ? Scope.appWordFilter : Scope.roomWordFilter(roomId));
const filterTopic = (roomId: string | null): string => (roomId === null ? Topic.allRooms : Topic.room(roomId));

/** Entries of a store scope's members (members that are not entries are skipped). */
export function filterEntriesOf(entries: readonly ExpiringEntry[]): FilterEntry[] {
  return entries.flatMap((e) => decodeFilterEntry(e.member) ?? []);
}

/**
 * Adds entries to the app-wide list (`roomId` null) or a live room's list. An entry whose pattern
 * (word or regex) is already listed replaces it (its new action holds). Every entry is checked
 * first (assertValidFilterEntry); all or nothing: PARAMETER when the list would go over its cap
 * (500 app-wide, 100 per room), and nothing is added.
 */
export async function addFilterEntries(
  ctx: ChatContext,
  roomId: string | null,
  entries: readonly FilterEntry[],
  field = "word",
): Promise<void> {
  for (const entry of entries) assertValidFilterEntry(entry, field);
  if (roomId !== null) await assertRoomExists(ctx, roomId);
  const scope = filterScope(roomId);
  const present = await ctx.store.sets.list(scope, ctx.now());
  const key = (e: FilterEntry) => `${e.isRegex ? "re" : "w"}:${e.pattern}`;
  const adding = new Map(entries.map((e) => [key(e), e]));
  const replaced = present.filter((p) => {
    const entry = decodeFilterEntry(p.member);
    return entry === undefined || adding.has(key(entry));
  });
  const which = roomId === null ? "app-wide word filter" : `word filter of chatroom ${roomId}`;
  const max = roomId === null ? FILTER_LIMITS.appEntries : FILTER_LIMITS.roomEntries;
  const after = present.length - replaced.length + adding.size;
  if (after > max) {
    throw new ChatError(
      ErrorCode.PARAMETER,
      `the ${which} holds at most ${max} entries: it has ${present.length}, this call would make it ${after}`,
    );
  }
  // matching costs up to the regexes' program size per character: their total is bounded too
  const size = (list: readonly FilterEntry[]) => list.reduce((sum, e) => sum + regexProgramSize(e), 0);
  const presentEntries = filterEntriesOf(present);
  const sizeBefore = size(presentEntries);
  const sizeAfter = size(presentEntries.filter((e) => !adding.has(key(e)))) + size([...adding.values()]);
  const maxSize = roomId === null ? FILTER_LIMITS.appRegexProgramSize : FILTER_LIMITS.roomRegexProgramSize;
  if (sizeAfter > maxSize && sizeAfter > sizeBefore) {
    throw new ChatError(
      ErrorCode.PARAMETER,
      `the regexes of the ${which} may hold at most ${maxSize} RE2 instructions in all: they have ${sizeBefore}, this call would make it ${sizeAfter}`,
    );
  }
  const added = [...adding.values()].map(encodeFilterEntry);
  const kept = new Set(added);
  const stale = replaced.map((p) => p.member).filter((member) => !kept.has(member));
  if (stale.length > 0) await ctx.store.sets.remove(scope, stale);
  await ctx.store.sets.add(scope, added, null);
  await announce(ctx, filterTopic(roomId), { type: "moderation" });
}

/** Removes entries by pattern (words and regexes alike; patterns not listed are ignored). Resolves with how many were removed. */
export async function removeFilterEntries(ctx: ChatContext, roomId: string | null, patterns: readonly string[]): Promise<number> {
  const scope = filterScope(roomId);
  const wanted = new Set(patterns);
  const present = await ctx.store.sets.list(scope, ctx.now());
  const gone = present.filter((p) => {
    const entry = decodeFilterEntry(p.member);
    return entry !== undefined && wanted.has(entry.pattern);
  });
  const removed =
    gone.length > 0
      ? await ctx.store.sets.remove(
          scope,
          gone.map((p) => p.member),
        )
      : 0;
  await announce(ctx, filterTopic(roomId), { type: "moderation" });
  return removed;
}

/** The entries of the app-wide list (`roomId` null) or of a room's, sorted by pattern. */
export async function listFilterEntries(ctx: ChatContext, roomId: string | null): Promise<FilterEntry[]> {
  const entries = filterEntriesOf(await ctx.store.sets.list(filterScope(roomId), ctx.now()));
  return entries.sort((a, b) => a.pattern.localeCompare(b.pattern) || Number(a.isRegex) - Number(b.isRegex));
}

/**
 * Shadow-bans users in a room for `minutes`: their sends still succeed from their point of view,
 * but no other member receives their messages (docs/moderation.md "Shadow ban").
 */
export function shadowBanUsers(ctx: ChatContext, roomId: string, userIds: readonly string[], minutes: number): Promise<void> {
  return addTimed(ctx, Scope.shadowBanned(roomId), Topic.room(roomId), userIds, minutes);
}

/** Lifts room shadow bans. */
export function unShadowBanUsers(ctx: ChatContext, roomId: string, userIds: readonly string[]): Promise<void> {
  return removeTimed(ctx, Scope.shadowBanned(roomId), Topic.room(roomId), userIds);
}

/** A room's shadow bans with their end times. */
export function listShadowBanned(ctx: ChatContext, roomId: string): Promise<ExpiringEntry[]> {
  return ctx.store.sets.list(Scope.shadowBanned(roomId), ctx.now());
}

/** Shadow-bans users in every room for `minutes`. */
export function shadowBanGlobally(ctx: ChatContext, userIds: readonly string[], minutes: number): Promise<void> {
  return addTimed(ctx, Scope.globallyShadowBanned, Topic.allRooms, userIds, minutes);
}

/** Lifts app-wide shadow bans. */
export function unShadowBanGlobally(ctx: ChatContext, userIds: readonly string[]): Promise<void> {
  return removeTimed(ctx, Scope.globallyShadowBanned, Topic.allRooms, userIds);
}

/** App-wide shadow bans with their end times. */
export function listShadowBannedGlobally(ctx: ChatContext): Promise<ExpiringEntry[]> {
  return ctx.store.sets.list(Scope.globallyShadowBanned, ctx.now());
}
