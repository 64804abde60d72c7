import type { z } from "zod";
import type { KickoutMode } from "./core/kickout";
import { MEMBER_LIST_CAP } from "./protocol";
import { envSchema, optionSubject, settingsSchema } from "./schemas/config";
import { parseInput } from "./schemas/parse";

/**
 * Every tunable of the server, with their defaults (README "Configuration"). `createChatServer` takes a
 * `Partial<ChatConfig>`; `configFromEnv` reads the documented environment variables.
 */
export interface ChatConfig {
  /** TCP port (PORT) [2567]. 0 picks a free port. */
  port: number;
  /** Redis URL (REDIS_URL); unset = in-memory presence, driver and store on one process. */
  redisUrl: string | undefined;
  /** host:port other processes and clients use to reach this one (CHAT_PUBLIC_ADDRESS). */
  publicAddress: string | undefined;
  /** Seconds a dropped member stays (offline) before the kick-out rule may remove it (CHAT_RECONNECT_WINDOW_S) [30]. */
  reconnectWindowS: number;
  /**
   * The standalone server's WebSocket heartbeat: every connection is pinged once per this many
   * seconds and closed after 2 unanswered pings, so a connection that died without closing (a
   * phone losing its network) is noticed within 2-3 intervals (CHAT_PING_INTERVAL_S) [10]. Each
   * pong costs the server a wake-up: at 3 s the heartbeat of 500 idle members took 12-18 ms of CPU
   * a second (bench/idle.ts). Plugin mode: the transport of your own defineServer decides.
   */
  pingIntervalS: number;
  /** Offline kick-out mode (CHAT_KICKOUT_MODE) ["rongcloud"]. */
  kickoutMode: KickoutMode;
  /** RongCloud mode: messages an offline member may miss inside the window; the next one kicks it [30]. */
  kickoutMessageLimit: number;
  /** Minutes without a join, leave or message before a room is destroyed (CHAT_INACTIVITY_MIN) [60]. */
  inactivityMin: number;
  /** Seconds an empty room lives before it is destroyed (CHAT_DESTROY_DELAY_S) [0]. */
  destroyDelayS: number;
  /** Most rooms at once in the cluster (CHAT_MAX_ROOMS) [no limit]. */
  maxRooms: number | undefined;
  /** Most rooms one user may be in at once (CHAT_MAX_ROOMS_PER_USER) [10]. */
  maxRoomsPerUser: number;
  /** Largest message content in UTF-8 bytes (CHAT_MAX_MESSAGE_BYTES) [8192]. */
  maxMessageBytes: number;
  /** Messages one user may send per second (CHAT_SEND_RATE_PER_S) [5]. */
  sendRatePerSecond: number;
  /**
   * Room admission window: messages distributed per room per 200 ms (CHAT_ADMISSION_WINDOW) [40];
   * half of it is reserved for high-priority messages (README "Configuration").
   */
  admissionWindow: number;
  /**
   * Members listed in a room's synchronized state; above it, member events carry counts only
   * (CHAT_MEMBER_LIST_CAP) [500, as RongCloud and ZIM].
   */
  memberListCap: number;
  /**
   * Above the member-list cap, how often member counts go out (the count events and the state's
   * memberCount), in ms (CHAT_LARGE_ROOM_COUNT_MS) [1000]. A big room's joins and leaves then cost
   * one frame per member per interval instead of one per patch, as live rooms refresh counts.
   */
  largeRoomCountMs: number;
  /**
   * Live rooms over processes (docs/scaling.md): once a room's owner process holds this many of its
   * connections, new joiners are seated on relay shards on the least-loaded other processes
   * (CHAT_SHARD_THRESHOLD) [2000; 0 = never]. Needs a shared store (redisUrl); ignored in memory.
   */
  shardThreshold: number;
  /** Messages kept per room for history, join delivery and reconnect recovery (CHAT_HISTORY_SIZE) [100]. */
  historySize: number;
  /** Audit trail entries kept, newest first (CHAT_AUDIT_MAX_ENTRIES) [100,000]. */
  auditMaxEntries: number;
  /** Days an audit trail entry is kept (CHAT_AUDIT_RETENTION_DAYS) [30]. */
  auditRetentionDays: number;
  /**
   * Event webhooks: comma-separated http(s) URLs that get every room event, batched, signed with
   * appKey and appSecret (both required then), retried, queued on Redis when redisUrl is set
   * (CHAT_WEBHOOK_URLS; docs/webhooks.md). Unset: no webhooks.
   */
  webhookUrls: string | undefined;
  /** How long events are collected into one webhook batch, ms (CHAT_WEBHOOK_BATCH_MS) [250]. */
  webhookBatchMs: number;
  /** Tries per webhook batch and URL before it is given up (CHAT_WEBHOOK_ATTEMPTS) [8]. */
  webhookAttempts: number;
  /** Wait after a failed webhook try, doubling after each further one, ms (CHAT_WEBHOOK_BACKOFF_MS) [500]. */
  webhookBackoffMs: number;
  /** Time limit of one webhook request, ms (CHAT_WEBHOOK_TIMEOUT_MS) [5000]. */
  webhookTimeoutMs: number;
  /** Prefix of the webhook queue's Redis keys; processes sharing it share the queue (CHAT_WEBHOOK_PREFIX) [chat-webhooks]. */
  webhookPrefix: string | undefined;
  /**
   * The before-send callback: an http(s) URL asked about every member message before it goes out
   * (pass, refuse or replace), signed with appKey and appSecret (both required then)
   * (CHAT_BEFORE_SEND_URL; docs/webhooks.md). Unset: no callback.
   */
  beforeSendUrl: string | undefined;
  /** Time limit of one before-send call, ms (CHAT_BEFORE_SEND_TIMEOUT_MS) [1500]. */
  beforeSendTimeoutMs: number;
  /** A failed before-send call lets the message pass (true) or refuses it with INTERNAL (false) (CHAT_BEFORE_SEND_FAIL_OPEN) [true]. */
  beforeSendFailOpen: boolean;
  /** RongCloud-style App Key for the operator API (CHAT_APP_KEY). */
  appKey: string | undefined;
  /** App Secret; when set, the operator API requires signatures and rooms require user tokens (CHAT_APP_SECRET). */
  appSecret: string | undefined;
  /**
   * Operator API: largest accepted difference between a request's Timestamp (seconds or ms) and
   * the server clock, in seconds (CHAT_SIGNATURE_MAX_SKEW_S) [0 = not checked]. Off by default
   * because RongCloud's Node SDK signs once at start-up and reuses that Timestamp for the life of
   * the process; any freshness window would break long-running Node apps.
   */
  signatureMaxSkewS: number;
  /**
   * Operator API replay protection: when above 0, a request's Timestamp (seconds or ms) must be
   * within this many seconds of the server clock, and each Nonce is accepted once within that
   * window (remembered in the store, so on every process sharing it); anything else answers 1004
   * saying why (CHAT_SIGNATURE_REPLAY_WINDOW_S) [0 = off, RongCloud's behaviour]. Turn it on only
   * when every operator client signs each request with a fresh Nonce and Timestamp: RongCloud's
   * Node SDK signs once at start-up and would be refused from its second request on.
   */
  signatureReplayWindowS: number;
  /** Operator API: requests per second per endpoint per App Key, as RongCloud (CHAT_API_RATE_LIMIT) [100]. */
  apiRateLimit: number;
  /** Operator API: most keep-alive rooms at once; more answer 1016, as RongCloud's quota (CHAT_KEEPALIVE_MAX) [5]. */
  keepAliveMax: number;
  /**
   * Lifetime of user tokens from /user/getToken.json in seconds (CHAT_TOKEN_TTL_S) [0 = never expire,
   * as RongCloud tokens, which apps commonly store once per user].
   */
  tokenTtlS: number;
  /**
   * Password of the demo's operator panel and its signing proxy (/operator/), asked through HTTP
   * basic auth (CHAT_OPERATOR_PASSWORD). Unset: the panel is off, except in open development mode
   * (no appSecret), where it is open to anyone.
   */
  operatorPassword: string | undefined;
}

/** The defaults (README "Configuration"). */
export const DEFAULT_CONFIG: ChatConfig = {
  port: 2567,
  redisUrl: undefined,
  publicAddress: undefined,
  reconnectWindowS: 30,
  pingIntervalS: 10,
  kickoutMode: "rongcloud",
  kickoutMessageLimit: 30,
  inactivityMin: 60,
  destroyDelayS: 0,
  maxRooms: undefined,
  maxRoomsPerUser: 10,
  maxMessageBytes: 8192,
  sendRatePerSecond: 5,
  admissionWindow: 40,
  memberListCap: MEMBER_LIST_CAP,
  largeRoomCountMs: 1000,
  shardThreshold: 2000,
  historySize: 100,
  auditMaxEntries: 100_000,
  auditRetentionDays: 30,
  webhookUrls: undefined,
  webhookBatchMs: 250,
  webhookAttempts: 8,
  webhookBackoffMs: 500,
  webhookTimeoutMs: 5000,
  webhookPrefix: undefined,
  beforeSendUrl: undefined,
  beforeSendTimeoutMs: 1500,
  beforeSendFailOpen: true,
  appKey: undefined,
  appSecret: undefined,
  signatureMaxSkewS: 0,
  signatureReplayWindowS: 0,
  apiRateLimit: 100,
  keepAliveMax: 5,
  tokenTtlS: 0,
  operatorPassword: undefined,
};

/** The range and variable of every integer setting (src/schemas/config.ts holds every setting's schema). */
export { INT_SETTINGS, type IntSetting } from "./schemas/config";

/** Reads the environment variables documented in README.md; throws PARAMETER naming the variable and its range on a bad value. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<ChatConfig> {
  return parseInput(envSchema, env, { subject: (path) => String(path[0]) });
}

/**
 * Checks settings given in code (createChatrooms, createChatServer, chat.defineRoom) against the
 * same schemas as the environment variables and returns them without undefined values. Throws
 * ChatError(PARAMETER) naming the option, its variable and its range; unknown options are refused
 * too, so a misspelt setting does not silently keep its default.
 */
export function validateConfig(overrides: unknown, what = "option"): Partial<ChatConfig> {
  return parseSettings(settingsSchema(what), overrides, what);
}

/**
 * Parses settings given in code with `schema` (see {@link validateConfig}); entries whose value is
 * undefined are left out first, as if not given.
 */
export function parseSettings(schema: z.ZodType<Partial<ChatConfig>>, overrides: unknown, what: string): Partial<ChatConfig> {
  if (overrides === undefined || overrides === null) return {};
  return parseInput(schema, definedEntries(overrides), {
    root: what === "option" ? "chat settings" : `${what}s`,
    subject: optionSubject(what),
  });
}

/** The own entries of `value` whose value is not undefined (a null-prototype copy), or `value` itself when it is no plain object. */
function definedEntries(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const copy = Object.create(null) as Record<string, unknown>;
  for (const [key, v] of Object.entries(value)) if (v !== undefined) copy[key] = v;
  return copy;
}

/** Defaults overlaid with `overrides`, validated by {@link validateConfig}. */
export function resolveConfig(overrides: Partial<ChatConfig> = {}): ChatConfig {
  return { ...DEFAULT_CONFIG, ...validateConfig(overrides) };
}
