/**
 * Live-stream moderation endpoints (docs/moderation.md): slow mode, the word filter and shadow
 * bans. The app-wide filter mirrors RongCloud's sensitive-word API (`/sensitiveword/add.json`,
 * `/sensitiveword/batch/delete.json`, `/sensitiveword/list.json`); the rest are our extensions.
 */
import { ChatError, ErrorCode } from "../../core/errors";
import { MODERATION_LIMITS } from "../../core/moderation";
import { SLOW_MODE_LIMITS } from "../../core/slowMode";
import { FILTER_ACTIONS, FILTER_LIMITS, type FilterAction, type FilterEntry } from "../../core/wordFilter";
import * as live from "../../service/liveModeration";
import {
  boolParam,
  intParam,
  minutesParam,
  listParam,
  optionalString,
  requiredString,
  roomIdParam,
  userIdsParam,
  type Form,
} from "../form";
import { timedUsersAnswer } from "../wireTime";
import type { OperatorRoute } from "./route";

const { usersPerCall } = MODERATION_LIMITS;

/** RongCloud's sensitive-word `type`: 0 replaced (our mask), 1 blocked; ours: 2 flagged. */
const TYPE_OF_ACTION: Readonly<Record<FilterAction, string>> = { mask: "0", block: "1", flag: "2" };

/**
 * The entry of an add call: `word` (a word, or a regex with `isRegex=1`), `action` block | mask |
 * flag; without `action`, RongCloud's rule: mask when `replaceWord` is given, else block.
 */
function entryParam(form: Form): FilterEntry {
  const isRegex = boolParam(form, "isRegex", false);
  const pattern = requiredString(form, "word", Number.MAX_SAFE_INTEGER);
  const action = optionalString(form, "action", 16);
  const replaceWord = optionalString(form, "replaceWord", FILTER_LIMITS.maxWordLength);
  if (action !== undefined && !FILTER_ACTIONS.includes(action as FilterAction)) {
    throw new ChatError(ErrorCode.PARAMETER, `action must be one of ${FILTER_ACTIONS.join(", ")}, got ${JSON.stringify(action)}`);
  }
  return { pattern, isRegex, action: (action as FilterAction | undefined) ?? (replaceWord === undefined ? "block" : "mask") };
}

/** The patterns of a batch delete: `words` repeated, 1..50 of them. */
function wordsParam(form: Form): string[] {
  return listParam(form, "words", {
    max: FILTER_LIMITS.patternsPerDelete,
    check: (name, value) => {
      if (value.length > FILTER_LIMITS.maxRegexLength)
        throw new ChatError(ErrorCode.TOO_LONG, `${name}: each value is at most ${FILTER_LIMITS.maxRegexLength} characters`);
      return value;
    },
  });
}

const listed = (entries: readonly FilterEntry[]) => ({
  words: entries.map((e) => ({ word: e.pattern, type: TYPE_OF_ACTION[e.action], action: e.action, isRegex: e.isRegex })),
});

export const liveModerationRoutes: OperatorRoute[] = [
  {
    path: "/chatroom/slowmode/set.json",
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      const seconds = intParam(form, "seconds", { min: SLOW_MODE_LIMITS.minSeconds, max: SLOW_MODE_LIMITS.maxSeconds });
      await live.setSlowMode(ctx, roomId, seconds);
    },
  },
  {
    path: "/chatroom/slowmode/query.json",
    readOnly: true,
    handle: async (ctx, form) => ({ seconds: await live.getSlowMode(ctx, roomIdParam(form)) }),
  },
  {
    path: "/sensitiveword/add.json",
    handle: async (ctx, form) => {
      await live.addFilterEntries(ctx, null, [entryParam(form)]);
    },
  },
  {
    path: "/sensitiveword/batch/delete.json",
    handle: async (ctx, form) => {
      await live.removeFilterEntries(ctx, null, wordsParam(form));
    },
  },
  {
    path: "/sensitiveword/list.json",
    readOnly: true,
    handle: async (ctx, form) => {
      // RongCloud's type: 0 replaced (mask), 1 blocked, 2 every entry (our default: flag entries have no RongCloud type)
      const type = intParam(form, "type", { min: 0, max: 2, default: 2 });
      const entries = await live.listFilterEntries(ctx, null);
      return listed(type === 2 ? entries : entries.filter((e) => TYPE_OF_ACTION[e.action] === String(type)));
    },
  },
  {
    path: "/chatroom/filter/add.json",
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      await live.addFilterEntries(ctx, roomId, [entryParam(form)]);
    },
  },
  {
    path: "/chatroom/filter/batch/delete.json",
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      await live.removeFilterEntries(ctx, roomId, wordsParam(form));
    },
  },
  {
    path: "/chatroom/filter/list.json",
    readOnly: true,
    handle: async (ctx, form) => listed(await live.listFilterEntries(ctx, roomIdParam(form))),
  },
  {
    path: "/chatroom/user/shadowban/add.json",
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      const userIds = userIdsParam(form, usersPerCall);
      await live.shadowBanUsers(ctx, roomId, userIds, minutesParam(form));
    },
  },
  {
    path: "/chatroom/user/shadowban/rollback.json",
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      await live.unShadowBanUsers(ctx, roomId, userIdsParam(form, usersPerCall));
    },
  },
  {
    path: "/chatroom/user/shadowban/list.json",
    readOnly: true,
    handle: async (ctx, form) => timedUsersAnswer(await live.listShadowBanned(ctx, roomIdParam(form))),
  },
  {
    path: "/chatroom/user/shadowban/global/add.json",
    handle: async (ctx, form) => {
      const userIds = userIdsParam(form, usersPerCall);
      await live.shadowBanGlobally(ctx, userIds, minutesParam(form));
    },
  },
  {
    path: "/chatroom/user/shadowban/global/remove.json",
    handle: async (ctx, form) => {
      await live.unShadowBanGlobally(ctx, userIdsParam(form, usersPerCall));
    },
  },
  {
    path: "/chatroom/user/shadowban/global/query.json",
    readOnly: true,
    handle: async (ctx) => timedUsersAnswer(await live.listShadowBannedGlobally(ctx)),
  },
];
