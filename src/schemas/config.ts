/**
 * Every setting of {@link ChatConfig} as one table of zod schemas, read three ways: options given
 * in code (createChatrooms, createChatServer), the environment variables (strings coerced to
 * numbers first) and per-room-type settings (chat.defineRoom). A bad value is refused with the same
 * range whichever way it came, naming the option and its variable.
 */
import { z } from "zod";
import type { ChatConfig } from "../config";
import { DESTROY_LIMITS } from "../core/destroyPolicy";
import type { KickoutMode } from "../core/kickout";
import { httpUrl, intIn, isHttpUrl, redisKeyPrefix } from "./fields";

/** An integer setting: its environment variable and its accepted range (one table for env and code). */
export interface IntSetting {
  env: string;
  min: number;
  max: number;
}

/** The range of every numeric setting and its environment variable. */
export const INT_SETTINGS = {
  port: { env: "PORT", min: 0, max: 65535 },
  reconnectWindowS: { env: "CHAT_RECONNECT_WINDOW_S", min: 1, max: 3600 },
  pingIntervalS: { env: "CHAT_PING_INTERVAL_S", min: 1, max: 300 },
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
  shardThreshold: { env: "CHAT_SHARD_THRESHOLD", min: 0, max: 10_000_000 },
  historySize: { env: "CHAT_HISTORY_SIZE", min: 10, max: 10_000 },
  auditMaxEntries: { env: "CHAT_AUDIT_MAX_ENTRIES", min: 1, max: 100_000_000 },
  auditRetentionDays: { env: "CHAT_AUDIT_RETENTION_DAYS", min: 1, max: 3650 },
  webhookBatchMs: { env: "CHAT_WEBHOOK_BATCH_MS", min: 0, max: 60_000 },
  webhookAttempts: { env: "CHAT_WEBHOOK_ATTEMPTS", min: 1, max: 1000 },
  webhookBackoffMs: { env: "CHAT_WEBHOOK_BACKOFF_MS", min: 0, max: 3_600_000 },
  webhookTimeoutMs: { env: "CHAT_WEBHOOK_TIMEOUT_MS", min: 1, max: 600_000 },
  beforeSendTimeoutMs: { env: "CHAT_BEFORE_SEND_TIMEOUT_MS", min: 1, max: 60_000 },
  signatureMaxSkewS: { env: "CHAT_SIGNATURE_MAX_SKEW_S", min: 0, max: 31_536_000 },
  signatureReplayWindowS: { env: "CHAT_SIGNATURE_REPLAY_WINDOW_S", min: 0, max: 86_400 },
  apiRateLimit: { env: "CHAT_API_RATE_LIMIT", min: 1, max: 1_000_000 },
  keepAliveMax: { env: "CHAT_KEEPALIVE_MAX", min: 0, max: 1_000_000 },
  tokenTtlS: { env: "CHAT_TOKEN_TTL_S", min: 0, max: 3_153_600_000 },
} as const satisfies Partial<Record<keyof ChatConfig, IntSetting>>;

/** String settings and their environment variables. */
const STRING_SETTINGS = {
  redisUrl: "REDIS_URL",
  publicAddress: "CHAT_PUBLIC_ADDRESS",
  appKey: "CHAT_APP_KEY",
  appSecret: "CHAT_APP_SECRET",
  operatorPassword: "CHAT_OPERATOR_PASSWORD",
} as const satisfies Partial<Record<keyof ChatConfig, string>>;

/** Boolean settings and their environment variables ("true"/"1" or "false"/"0" there). */
const BOOLEAN_SETTINGS = {
  beforeSendFailOpen: "CHAT_BEFORE_SEND_FAIL_OPEN",
} as const satisfies Partial<Record<keyof ChatConfig, string>>;

/** The URLs of a comma-separated list (blank entries dropped). */
export function urlList(value: string): string[] {
  return value
    .split(",")
    .map((url) => url.trim())
    .filter((url) => url !== "");
}

const httpUrls = z.string().superRefine((value, ctx) => {
  const urls = urlList(value);
  if (urls.length === 0 || urls.length > 16)
    ctx.addIssue({ code: "custom", message: `must list 1..16 comma-separated URLs, got ${urls.length}`, input: value });
  const bad = urls.find((url) => !isHttpUrl(url));
  if (bad !== undefined)
    ctx.addIssue({ code: "custom", message: `must list http or https URLs, got ${JSON.stringify(bad)}`, input: value });
});

const KICKOUT_MODES = ["rongcloud", "timer"] as const satisfies readonly KickoutMode[];

/** A setting's environment variable and schema. */
interface Setting {
  env: string;
  schema: z.ZodType;
}

/** Every setting's schema and environment variable (a null-prototype table). */
const SETTINGS: Record<keyof ChatConfig, Setting> = (() => {
  const table = Object.create(null) as Record<keyof ChatConfig, Setting>;
  for (const [key, s] of Object.entries(INT_SETTINGS) as [keyof typeof INT_SETTINGS, IntSetting][])
    table[key] = { env: s.env, schema: intIn(s.min, s.max) };
  for (const [key, env] of Object.entries(STRING_SETTINGS) as [keyof typeof STRING_SETTINGS, string][])
    table[key] = { env, schema: z.string() };
  for (const [key, env] of Object.entries(BOOLEAN_SETTINGS) as [keyof typeof BOOLEAN_SETTINGS, string][])
    table[key] = { env, schema: z.boolean() };
  table.kickoutMode = { env: "CHAT_KICKOUT_MODE", schema: z.enum(KICKOUT_MODES) };
  table.webhookUrls = { env: "CHAT_WEBHOOK_URLS", schema: httpUrls };
  table.webhookPrefix = {
    env: "CHAT_WEBHOOK_PREFIX",
    schema: redisKeyPrefix,
  };
  table.beforeSendUrl = { env: "CHAT_BEFORE_SEND_URL", schema: httpUrl };
  return table;
})();

/** Names of every setting, in the order of {@link ChatConfig}'s table. */
export const SETTING_NAMES = Object.keys(SETTINGS) as (keyof ChatConfig)[];

/** The environment variable of setting `key` (undefined for a name that is not a setting). */
export function envOf(key: string): string | undefined {
  return Object.hasOwn(SETTINGS, key) ? SETTINGS[key as keyof ChatConfig].env : undefined;
}

/**
 * The schema of settings given in code: an object of the named settings, each optional; a
 * misspelt or unknown name is refused (`unknown option "x"; known: ...`) instead of silently
 * keeping its default. `keys` narrows it (per-room-type settings), `refuseKey` words the refusal
 * of a key outside them.
 */
export function settingsSchema(
  what: string,
  keys: readonly (keyof ChatConfig)[] = SETTING_NAMES,
  refuseKey?: (key: string) => string | undefined,
): z.ZodType<Partial<ChatConfig>> {
  const shape = Object.fromEntries(keys.map((key) => [key, SETTINGS[key].schema.optional()]));
  const unknownKey = (key: string) => `: ${refuseKey?.(key) ?? `unknown ${what} ${JSON.stringify(key)}; known: ${keys.join(", ")}`}`;
  return z
    .strictObject(shape, {
      error: (issue) => (issue.code === "unrecognized_keys" ? unknownKey(issue.keys.at(0) ?? "") : undefined),
    })
    .transform((value) => value as Partial<ChatConfig>);
}

/** How a setting given in code is named in a message: `option reconnectWindowS (CHAT_RECONNECT_WINDOW_S)`. */
export function optionSubject(what: string): (path: readonly PropertyKey[]) => string {
  return (path) => {
    const key = String(path[0]);
    const env = envOf(key);
    return env === undefined ? `${what} ${key}` : `${what} ${key} (${env})`;
  };
}

/** A variable's text as its setting's schema reads it: "" is unset, numeric text a number. */
function fromEnvText(key: keyof ChatConfig, raw: string | undefined): unknown {
  if (raw === undefined || raw === "") return undefined;
  if (Object.hasOwn(BOOLEAN_SETTINGS, key)) return raw === "true" || raw === "1" ? true : raw === "false" || raw === "0" ? false : raw;
  if (!Object.hasOwn(INT_SETTINGS, key)) return raw;
  const value = Number(raw);
  // text that is no number stays text, so the refusal shows what was set
  return Number.isNaN(value) ? raw : value;
}

/**
 * The schema of the environment: reads every setting's variable (other variables are ignored),
 * coerces integer settings from text, and outputs the settings that were set.
 */
export const envSchema: z.ZodType<Partial<ChatConfig>> = z
  .object(
    Object.fromEntries(
      SETTING_NAMES.map((key) => [
        SETTINGS[key].env,
        z.preprocess((raw) => fromEnvText(key, raw as string | undefined), SETTINGS[key].schema.optional()),
      ]),
    ),
  )
  .transform((vars) => {
    const config = Object.create(null) as Record<string, unknown>;
    for (const key of SETTING_NAMES) {
      const value = (vars as Record<string, unknown>)[SETTINGS[key].env];
      if (value !== undefined) config[key] = value;
    }
    return { ...config };
  });
