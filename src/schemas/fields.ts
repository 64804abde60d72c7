/**
 * Field schemas shared by every input surface (room messages, the operator API's forms, join
 * options, settings): integers in a range, text with a length or UTF-8 byte limit, and
 * {@link stringRecord}, the one builder for objects of string values (attributes, member fields,
 * entryInfo). Messages are predicates; {@link parseInput} puts the field's name in front.
 */
import { z } from "zod";
import type { ChatErrorCode } from "../core/errors";
import { predicateOf, shown, withCode } from "./parse";

/** An integer in min..max: one message for a wrong type, a fraction and either bound. */
export function intIn(min: number, max: number): z.ZodNumber {
  const error = (issue: { input?: unknown }) => `must be an integer in ${min}..${max}, got ${shown(issue.input)}`;
  return z.number({ error }).int().min(min).max(max);
}

/** An integer >= 0 (sequence numbers, times, versions). */
export const nonNegativeInt = z
  .number({ error: (issue) => `must be an integer >= 0, got ${shown(issue.input)}` })
  .int()
  .min(0);

/** An optional boolean: true or false, nothing else. */
export const optionalBoolean = z.boolean().optional();

/**
 * A string of at most `max` characters; over it answers `code` when given (the operator API's
 * TOO_LONG), else the caller's code. `min` 1 refuses the empty string.
 */
export function text(max: number, options: { min?: number; code?: ChatErrorCode } = {}): z.ZodType<string, string> {
  const base = z.string();
  const bounded = options.min === undefined ? base : base.min(options.min);
  if (options.code === undefined) return bounded.max(max);
  const code = options.code;
  return bounded.superRefine((value, ctx) => {
    if (value.length > max)
      ctx.addIssue({ code: "custom", message: `is ${value.length} characters: at most ${max}`, params: withCode(code), input: value });
  });
}

/** UTF-8 bytes of `value` (a lone surrogate counts as the 3 bytes of U+FFFD, as it is sent). */
export function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, "utf8");
}

/**
 * The one UTF-8 size limit of message content: a string of at most `maxBytes` bytes, over it
 * `code` (rooms: MESSAGE_TOO_LARGE; the operator API, whose every over-long parameter is 1005:
 * TOO_LONG), worded `is 9000 bytes: at most 8192 bytes (CHAT_MAX_MESSAGE_BYTES)`. One schema per
 * limit and code, kept.
 */
export function utf8Content(maxBytes: number, code: ChatErrorCode): z.ZodType<string, string> {
  const id = `${maxBytes}/${code}`;
  let schema = contentSchemas.get(id);
  if (!schema) contentSchemas.set(id, (schema = buildUtf8Content(maxBytes, code)));
  return schema;
}

const contentSchemas = new Map<string, z.ZodType<string, string>>();

function buildUtf8Content(maxBytes: number, code: ChatErrorCode): z.ZodType<string, string> {
  return z.string().superRefine((value, ctx) => {
    // each UTF-16 unit is at most 3 bytes: short strings need no count
    if (value.length * 3 <= maxBytes) return;
    const bytes = utf8Bytes(value);
    if (bytes > maxBytes) {
      ctx.addIssue({
        code: "custom",
        message: `is ${bytes} bytes: at most ${maxBytes} bytes (CHAT_MAX_MESSAGE_BYTES)`,
        params: withCode(code),
        input: value,
      });
    }
  });
}

/** Rules of a {@link stringRecord}. */
export interface StringRecordRules {
  /** Each value [any string]. */
  value?: z.ZodType<string>;
  /** Each key, worded as a predicate of the key (e.g. "must be named with 1..32 characters of ..."). */
  key?: z.ZodType<string>;
  /** Most entries, and the noun counting them ("fields"); over it: `may hold at most 16 fields, got 17`. */
  maxEntries?: { max: number; noun: string; code?: ChatErrorCode };
  /** Predicate when the input is not an object [`must be an object of string values`]. */
  notObject?: string;
}

function firstMessage(schema: z.ZodType, value: unknown): { message: string; params?: unknown } | undefined {
  const result = schema.safeParse(value, { error: predicateOf });
  if (result.success) return undefined;
  const issue = result.error.issues.at(0);
  if (!issue) return { message: "is not valid" };
  return { message: issue.message, params: issue.code === "custom" ? issue.params : undefined };
}

/**
 * The one schema for objects of string values (attributes, member fields, entryInfo, room
 * attributes at creation). Outputs a null-prototype copy of the own entries, so any key works,
 * `__proto__` and `constructor` included (zod's `z.record` drops a `__proto__` key and builds a
 * plain object). A bad key or value is reported at its own path (`attributes.k must be a string`).
 */
export function stringRecord(rules: StringRecordRules = {}): z.ZodType<Record<string, string>> {
  const valueRule = rules.value ?? z.string();
  const notObject = rules.notObject ?? "must be an object of string values";
  return z
    .custom<object>((input) => typeof input === "object" && input !== null && !Array.isArray(input), {
      error: (issue) => `${notObject}, got ${shown(issue.input)}`,
    })
    .transform((input, ctx) => {
      const entries = Object.entries(input);
      const limit = rules.maxEntries;
      if (limit && entries.length > limit.max) {
        ctx.addIssue({
          code: "custom",
          message: `may hold at most ${limit.max} ${limit.noun}, got ${entries.length}`,
          params: limit.code === undefined ? undefined : withCode(limit.code),
          input,
        });
        return z.NEVER;
      }
      const copy = Object.create(null) as Record<string, string>;
      for (const [key, value] of entries) {
        const problem = (rules.key && firstMessage(rules.key, key)) || firstMessage(valueRule, value);
        if (problem) {
          ctx.addIssue({
            code: "custom",
            message: problem.message,
            params: problem.params as Record<string, unknown> | undefined,
            path: [key],
            input: value,
          });
          return z.NEVER;
        }
        copy[key] = value as string;
      }
      return copy;
    });
}

/**
 * A JSON text holding what `schema` accepts (the operator API's `entryInfo={"k":"v"}`); text that
 * is not JSON is refused with `expected` ("a JSON object such as {...}").
 */
export function jsonText<T>(schema: z.ZodType<T>, expected: string): z.ZodType<T> {
  return z
    .string()
    .transform((raw, ctx): unknown => {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: `must be ${expected}, got text that is not JSON`, input: raw });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/** True for an http or https URL. */
export function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

/** An http or https URL (webhook receivers, the before-send callback). */
export const httpUrl = z.string().refine(isHttpUrl, { error: (issue) => `must be an http or https URL, got ${shown(issue.input)}` });

/** A prefix of Redis keys: 1..64 characters that need no quoting (hash tags allowed). */
export const redisKeyPrefix = z.string().regex(/^[A-Za-z0-9_:.{}-]{1,64}$/, "must be 1..64 characters of [A-Za-z0-9_:.{}-]");
