/**
 * Schemas of RongCloud form parameters (src/http/form reads them): every value arrives as text,
 * so integers and booleans are read from text here, ids and names are length-checked with
 * TOO_LONG (1005, the operator API's code for an over-long parameter) and checked against their
 * alphabet with PARAMETER (1002).
 */
import { z } from "zod";
import { ErrorCode } from "../core/errors";
import { MAX_NAME_LENGTH, ROOM_ID_PATTERN, USER_ID_PATTERN } from "../core/ids";
import { jsonText, stringRecord, text } from "./fields";
import { MAX_MESSAGE_TYPE_LENGTH } from "./messages";
import { shown } from "./parse";

/** Longest room or user id (RongCloud: 64 bytes; ours are ASCII). */
export const MAX_ID_LENGTH = 64;

const texts = new Map<number, z.ZodType<string, string>>();

/** A text over `max` characters is TOO_LONG (1005), as every over-long operator parameter (one schema per limit, kept). */
export function formText(max: number): z.ZodType<string, string> {
  let schema = texts.get(max);
  if (!schema) texts.set(max, (schema = text(max, { code: ErrorCode.TOO_LONG })));
  return schema;
}

function idSchema(pattern: RegExp, alphabet: string): z.ZodType<string> {
  return formText(MAX_ID_LENGTH).pipe(
    z.string().regex(pattern, { error: (issue) => `must be 1..${MAX_ID_LENGTH} characters of ${alphabet}, got ${shown(issue.input)}` }),
  );
}

/** A room id (its alphabet and length; core/objectKeys' rule on inherited names is applied by the reader). */
export const formRoomId = idSchema(ROOM_ID_PATTERN, "[A-Za-z0-9_-]");
/** A user id. */
export const formUserId = idSchema(USER_ID_PATTERN, "[A-Za-z0-9+=_-]");
/** A room or user display name. */
export const formName = formText(MAX_NAME_LENGTH);
/** A message type (RongCloud `objectName`): 1..32 characters, TOO_LONG over 32. */
export const formMessageType = z.string().min(1).pipe(formText(MAX_MESSAGE_TYPE_LENGTH));

/** A decimal integer in min..max, read from text (surrounding spaces allowed). */
export function formInt(min: number, max: number): z.ZodType<number> {
  const refusal = (raw: string) => `must be an integer in ${min}..${max}, got ${JSON.stringify(raw)}`;
  return z.string().transform((raw, ctx) => {
    const value = /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      ctx.addIssue({ code: "custom", message: refusal(raw), input: raw });
      return z.NEVER;
    }
    return value;
  });
}

const TRUE = new Set(["true", "1"]);
const FALSE = new Set(["false", "0"]);

/** A boolean sent as true/false or 1/0 (any case, surrounding spaces allowed). */
export const formBool: z.ZodType<boolean> = z.string().transform((raw, ctx) => {
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  ctx.addIssue({ code: "custom", message: `must be true, false, 1 or 0, got ${JSON.stringify(raw)}`, input: raw });
  return z.NEVER;
});

const JSON_OBJECT = 'a JSON object such as {"key":"value"}';

/** A JSON object of string values, e.g. `entryInfo={"k1":"v1"}` (a null-prototype copy: any key works). */
export const formStringRecord = jsonText(stringRecord({ notObject: `must be ${JSON_OBJECT}` }), JSON_OBJECT);

const JSON_ARRAY = 'a JSON array of strings such as ["k1","k2"]';

/** A JSON array of at least one string, e.g. `entryKeys=["k1","k2"]`. */
export const formJsonList = jsonText(
  z
    .array(z.unknown(), { error: (issue) => `must be ${JSON_ARRAY}, got ${shown(issue.input)}` })
    .refine((items) => items.every((item) => typeof item === "string"), { error: `must be ${JSON_ARRAY}` })
    .refine((items) => items.length > 0, { error: "must name at least one key" })
    .transform((items) => items as string[]),
  JSON_ARRAY,
);
