/**
 * Reading RongCloud form bodies (application/x-www-form-urlencoded, lists as repeated keys).
 * Each value is checked by its schema (src/schemas/form). Every reader throws ChatError naming the parameter and the rule it broke: PARAMETER (1002) for
 * a missing, malformed or out-of-range value or too many items, TOO_LONG (1005) for a value over
 * its length limit. Unknown parameters are ignored (SDKs send extras such as msgRandom).
 */
import express, { type Request, type RequestHandler } from "express";
import type { z } from "zod";
import { ChatError, ErrorCode } from "../core/errors";
import { MODERATION_LIMITS } from "../core/moderation";
import { assertHoldableRoomId } from "../core/objectKeys";
import {
  formBool,
  formInt,
  formJsonList,
  formMessageType,
  formName,
  formRoomId,
  formStringRecord,
  formText,
  formUserId,
} from "../schemas/form";
import { parseInput } from "../schemas/parse";

/** A decoded form: each key maps to one value, or to an array when the key was repeated. */
export type Form = Readonly<Record<string, string | string[] | undefined>>;

export { MAX_ID_LENGTH } from "../schemas/form";

/**
 * Body parser for every operator route: repeated keys become arrays (`extended: false` keeps
 * `chatroom[id]` keys literal), `+` and percent escapes are decoded, any Content-Type is read as
 * a form (some SDKs send none), and up to 5000 parameters fit (users/exist takes 1000 userIds).
 */
export function formBody(): RequestHandler {
  return express.urlencoded({ extended: false, type: () => true, limit: "1mb", parameterLimit: 5000 });
}

/**
 * The parsed form of `req` (empty when there was no body), as a null-prototype object: a
 * parameter is read only when the request sent it, whatever its name (a form without `toString`
 * has no `toString` value).
 */
export function formOf(req: Request): Form {
  const body: unknown = req.body;
  const form = Object.create(null) as Record<string, string | string[] | undefined>;
  if (typeof body !== "object" || body === null) return form;
  for (const [key, value] of Object.entries(body)) form[key] = value as string | string[] | undefined;
  return form;
}

function all(form: Form, name: string): string[] {
  const value = form[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function single(form: Form, name: string): string | undefined {
  const values = all(form, name);
  if (values.length > 1) throw new ChatError(ErrorCode.PARAMETER, `${name} must be given once, got ${values.length} values`);
  return values[0] === "" ? undefined : values[0];
}

/** Parses one parameter's text with `schema`; the refusal names the parameter (and the key inside it: `entryInfo: the value of "k"`). */
function read<T>(schema: z.ZodType<T>, name: string, value: string): T {
  return parseInput(schema, value, {
    root: name,
    subject: (path) => `${name}: the value of ${path.map((part) => JSON.stringify(String(part))).join(".")}`,
  });
}

/** A required single string of at most `maxLength` characters. */
export function requiredString(form: Form, name: string, maxLength: number): string {
  const value = single(form, name);
  if (value === undefined) throw new ChatError(ErrorCode.PARAMETER, `${name} is required`);
  return read(formText(maxLength), name, value);
}

/** An optional single string of at most `maxLength` characters (empty = absent). */
export function optionalString(form: Form, name: string, maxLength: number): string | undefined {
  const value = single(form, name);
  return value === undefined ? undefined : read(formText(maxLength), name, value);
}

/**
 * Checks a room id taken from anywhere in a form (e.g. a `chatroom[<id>]` key): the alphabet, and
 * not a name plain objects inherit (`toString`, `__proto__`, ...), which Colyseus cannot hold as a
 * room id (core/objectKeys). PARAMETER (1002) either way, as every malformed parameter.
 */
export function checkRoomId(name: string, value: string): string {
  return assertHoldableRoomId(read(formRoomId, name, value), name, ErrorCode.PARAMETER);
}

/** Checks one user id. */
export function checkUserId(name: string, value: string): string {
  return read(formUserId, name, value);
}

/** A required room id (`chatroomId` unless named otherwise). */
export function roomIdParam(form: Form, name = "chatroomId"): string {
  return checkRoomId(name, requiredString(form, name, Number.MAX_SAFE_INTEGER));
}

/** A required single user id. */
export function userIdParam(form: Form, name = "userId"): string {
  return checkUserId(name, requiredString(form, name, Number.MAX_SAFE_INTEGER));
}

/** Options of {@link listParam}. */
export interface ListOptions {
  /** most values per call */
  max: number;
  /** at least one value [true] */
  required?: boolean;
  /** checks and returns one value */
  check: (name: string, value: string) => string;
}

/** A repeated parameter (`userId=a&userId=b`), duplicates removed, first order kept. */
export function listParam(form: Form, name: string, options: ListOptions): string[] {
  const values = all(form, name).filter((v) => v !== "");
  if (values.length === 0 && options.required !== false)
    throw new ChatError(ErrorCode.PARAMETER, `${name} is required (repeat the key for several values)`);
  if (values.length > options.max)
    throw new ChatError(ErrorCode.PARAMETER, `${name} takes at most ${options.max} values per call, got ${values.length}`);
  return [...new Set(values.map((v) => options.check(name, v)))];
}

/** Repeated user ids, at most `max`. */
export function userIdsParam(form: Form, max: number, name = "userId", required = true): string[] {
  return listParam(form, name, { max, required, check: checkUserId });
}

/** Repeated room ids, at most `max`. */
export function roomIdsParam(form: Form, max: number, name = "chatroomId"): string[] {
  return listParam(form, name, { max, check: checkRoomId });
}

/** Options of {@link intParam}. */
export interface IntOptions {
  min: number;
  max: number;
  /** value when absent; without it the parameter is required */
  default?: number;
}

/** A decimal integer in min..max. */
export function intParam(form: Form, name: string, options: IntOptions): number {
  const raw = single(form, name);
  if (raw === undefined) {
    if (options.default === undefined)
      throw new ChatError(ErrorCode.PARAMETER, `${name} is required (an integer in ${options.min}..${options.max})`);
    return options.default;
  }
  return read(formInt(options.min, options.max), name, raw);
}

/** `minute` of a ban, mute or shadow ban: 1..43200 (30 days). */
export function minutesParam(form: Form): number {
  return intParam(form, "minute", { min: MODERATION_LIMITS.minMinutes, max: MODERATION_LIMITS.maxMinutes });
}

/** An optional integer with no default: undefined when absent. */
export function optionalIntParam(form: Form, name: string, min: number, max: number): number | undefined {
  return single(form, name) === undefined ? undefined : intParam(form, name, { min, max });
}

/** A boolean sent as true/false or 1/0 (any case); `fallback` when absent. */
export function boolParam(form: Form, name: string, fallback: boolean): boolean {
  const raw = single(form, name);
  return raw === undefined ? fallback : read(formBool, name, raw);
}

/** A display name of at most 128 characters (core/ids MAX_NAME_LENGTH; TOO_LONG over it). */
export function checkName(name: string, value: string): string {
  return read(formName, name, value);
}

/** Checks a message type (RongCloud `objectName`): 1..32 characters, TOO_LONG (1005) over 32. */
export function checkMessageType(name: string, value: string): string {
  return read(formMessageType, name, value);
}

/** A required message type (`objectName` unless named otherwise). */
export function messageTypeParam(form: Form, name = "objectName"): string {
  return checkMessageType(name, requiredString(form, name, Number.MAX_SAFE_INTEGER));
}

/**
 * A required JSON object of string values, e.g. `entryInfo={"k1":"v1"}`, as a null-prototype
 * object. Throws PARAMETER naming the parameter when it is not JSON, not an object, or a value is
 * not a string.
 */
export function stringRecordParam(form: Form, name: string): Record<string, string> {
  return read(formStringRecord, name, requiredString(form, name, Number.MAX_SAFE_INTEGER));
}

/**
 * A list sent either as one JSON array string (`entryKeys=["k1","k2"]`, RongCloud's documented
 * form) or as the key repeated (`entryKeys=k1&entryKeys=k2`). Duplicates removed, order kept.
 * Throws PARAMETER when absent or when the JSON is not an array of strings.
 */
export function jsonOrRepeatedListParam(form: Form, name: string): string[] {
  const values = all(form, name).filter((v) => v !== "");
  const first = values.at(0);
  if (first === undefined)
    throw new ChatError(ErrorCode.PARAMETER, `${name} is required: a JSON array string such as ["k1","k2"] or the key repeated`);
  if (values.length > 1 || !first.trimStart().startsWith("[")) return [...new Set(values)];
  return [...new Set(read(formJsonList, name, first))];
}
