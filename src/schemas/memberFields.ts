/** The schema of a member's custom fields (ChatRoom.setMemberFields), built on {@link stringRecord}. */
import { z } from "zod";
import { stringRecord } from "./fields";
import { parseInput } from "./parse";

/** The limits of custom member fields (rooms/memberHooks holds the values). */
export interface MemberFieldLimits {
  /** Most fields per member. */
  maxFields: number;
  /** Field names, e.g. 1..32 of [A-Za-z0-9_-]. */
  key: RegExp;
  /** How {@link key} reads in a message: "1..32 characters of [A-Za-z0-9_-]". */
  keyRule: string;
  /** Longest value, in characters. */
  maxValue: number;
}

const schemas = new Map<string, z.ZodType<Record<string, string>>>();

/** The member-fields schema for `limits` (built once per set of limits). */
export function memberFieldsSchema(limits: MemberFieldLimits): z.ZodType<Record<string, string>> {
  const id = `${limits.maxFields}/${String(limits.key)}/${limits.maxValue}`;
  let schema = schemas.get(id);
  if (!schema) {
    schema = stringRecord({
      key: z.string().regex(limits.key, { error: `must be named with ${limits.keyRule}` }),
      value: z.string().max(limits.maxValue),
      maxEntries: { max: limits.maxFields, noun: "fields" },
    });
    schemas.set(id, schema);
  }
  return schema;
}

/**
 * Validates custom member fields; returns a null-prototype copy. Throws PARAMETER naming the
 * field and the limit it broke (`member field "bio" must be at most 512 characters, got 513 characters`).
 */
export function parseMemberFields(fields: unknown, limits: MemberFieldLimits): Record<string, string> {
  return parseInput(memberFieldsSchema(limits), fields, {
    root: "member fields",
    subject: (path) => `member field ${JSON.stringify(String(path[0]))}`,
  });
}
