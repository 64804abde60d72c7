import { DESTROY_LIMITS } from "./core/destroyPolicy";
import { ChatError, ErrorCode } from "./core/errors";
import type { KickoutMode } from "./core/kickout";
import { MEMBER_LIST_CAP } from "./protocol";

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
  /** Messages kept per room for history, join delivery and reconnect recovery (CHAT_HISTORY_SIZE) [100]. */
  historySize: number;
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
  historySize: 100,
  appKey: undefined,
  appSecret: undefined,
  signatureMaxSkewS: 0,
  signatureReplayWindowS: 0,
  apiRateLimit: 100,
  keepAliveMax: 5,
  tokenTtlS: 0,
  operatorPassword: undefined,
};

/** An integer setting: its environment variable and its accepted range (one table for env and code). */
interface IntSetting {
  env: string;
  min: number;
  max: number;
}

/**
 * The range of every numeric setting, shared by {@link configFromEnv} and {@link validateConfig},
 * so a bad value is refused with the same message whether it comes from the environment or code.
 */
export const INT_SETTINGS = {
  port: { env: "PORT", min: 0, max: 65535 },
  reconnectWindowS: { env: "CHAT_RECONNECT_WINDOW_S", min: 1, max: 3600 },
  kickoutMessageLimit: { env: "CHAT_KICKOUT_MESSAGE_LIMIT", min: 1, max: 100_000 },
  inactivityMin: { env: "CHAT_INACTIVITY_MIN", ...DESTROY_LIMITS.inactivityMin },
  destroyDelayS: { env: "CHAT_DESTROY_DELAY_S", ...DESTROY_LIMITS.emptyDelayS },
  maxRooms: { env: "CHAT_MAX_ROOMS", min: 1, max: 10_000_000 },
  maxRoomsPerUser: { env: "CHAT_MAX_ROOMS_PER_USER", min: 1, max: 10_000 },
  maxMessageBytes: { env: "CHAT_MAX_MESSAGE_BYTES", min: 1, max: 1_048_576 },
  sendRatePerSecond: { env: "CHAT_SEND_RATE_PER_S", min: 1, max: 10_000 },
  admissionWindow: { env: "CHAT_ADMISSION_WINDOW", min: 2, max: 1_000_000 },
  memberListCap: { env: "CHAT_MEMBER_LIST_CAP", min: 1, max: 10_000 },
  largeRoomCountMs: { env: "CHAT_LARGE_ROOM_COUNT_MS", min: 50, max: 60_000 },
  historySize: { env: "CHAT_HISTORY_SIZE", min: 10, max: 10_000 },
  signatureMaxSkewS: { env: "CHAT_SIGNATURE_MAX_SKEW_S", min: 0, max: 31_536_000 },
  signatureReplayWindowS: { env: "CHAT_SIGNATURE_REPLAY_WINDOW_S", min: 0, max: 86_400 },
  apiRateLimit: { env: "CHAT_API_RATE_LIMIT", min: 1, max: 1_000_000 },
  keepAliveMax: { env: "CHAT_KEEPALIVE_MAX", min: 0, max: 1_000_000 },
  tokenTtlS: { env: "CHAT_TOKEN_TTL_S", min: 0, max: 3_153_600_000 },
} as const satisfies Partial<Record<keyof ChatConfig, IntSetting>>;

type IntKey = keyof typeof INT_SETTINGS;

/** String settings and their environment variables. */
const STRING_SETTINGS = {
  redisUrl: "REDIS_URL",
  publicAddress: "CHAT_PUBLIC_ADDRESS",
  appKey: "CHAT_APP_KEY",
  appSecret: "CHAT_APP_SECRET",
  operatorPassword: "CHAT_OPERATOR_PASSWORD",
} as const satisfies Partial<Record<keyof ChatConfig, string>>;

const KICKOUT_MODES: readonly KickoutMode[] = ["rongcloud", "timer"];

function intFrom(env: NodeJS.ProcessEnv, key: IntKey): number | undefined {
  const { env: name, min, max } = INT_SETTINGS[key];
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ChatError(ErrorCode.PARAMETER, `${name} must be an integer in ${min}..${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Reads the environment variables documented in README.md; throws naming the variable on a bad value. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<ChatConfig> {
  const mode = env.CHAT_KICKOUT_MODE;
  if (mode !== undefined && mode !== "" && !KICKOUT_MODES.includes(mode as KickoutMode)) {
    throw new ChatError(ErrorCode.PARAMETER, `CHAT_KICKOUT_MODE must be "rongcloud" or "timer", got ${JSON.stringify(mode)}`);
  }
  const config: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(INT_SETTINGS) as IntKey[]) config[key] = intFrom(env, key);
  for (const [key, name] of Object.entries(STRING_SETTINGS)) config[key] = env[name] || undefined;
  config.kickoutMode = mode || undefined;
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as Partial<ChatConfig>;
}

/**
 * Checks settings given in code (createChatrooms, createChatServer, chat.defineRoom) against the
 * same ranges as the environment variables and returns them without undefined values. Throws
 * ChatError(PARAMETER) naming the option and its range; unknown options are refused too, so a
 * misspelt setting does not silently keep its default.
 */
export function validateConfig(overrides: unknown, what = "option"): Partial<ChatConfig> {
  if (overrides === undefined || overrides === null) return {};
  if (typeof overrides !== "object" || Array.isArray(overrides)) throw new ChatError(ErrorCode.PARAMETER, `chat settings must be an object, got ${JSON.stringify(overrides)}`);
  const result: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(DEFAULT_CONFIG, key)) {
      throw new ChatError(ErrorCode.PARAMETER, `unknown ${what} ${JSON.stringify(key)}; known: ${Object.keys(DEFAULT_CONFIG).join(", ")}`);
    }
    if (Object.hasOwn(INT_SETTINGS, key)) {
      const { env, min, max } = INT_SETTINGS[key as IntKey];
      if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        throw new ChatError(ErrorCode.PARAMETER, `${what} ${key} (${env}) must be an integer in ${min}..${max}, got ${JSON.stringify(value)}`);
      }
    } else if (key === "kickoutMode") {
      if (!KICKOUT_MODES.includes(value as KickoutMode)) throw new ChatError(ErrorCode.PARAMETER, `${what} kickoutMode (CHAT_KICKOUT_MODE) must be "rongcloud" or "timer", got ${JSON.stringify(value)}`);
    } else if (typeof value !== "string") {
      throw new ChatError(ErrorCode.PARAMETER, `${what} ${key} must be a string, got ${JSON.stringify(value)}`);
    }
    result[key] = value;
  }
  return result as Partial<ChatConfig>;
}

/** Defaults overlaid with `overrides`, validated by {@link validateConfig}. */
export function resolveConfig(overrides: Partial<ChatConfig> = {}): ChatConfig {
  return { ...DEFAULT_CONFIG, ...validateConfig(overrides) };
}
