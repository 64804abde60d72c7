/**
 * Schemas of the room's attribute requests (set and delete, from members and the operator). They
 * check the request's shape; the attribute rules themselves (key alphabet, lengths, counts,
 * ownership, versions) are core/attributes' AttributeTable, with their own codes.
 */
import { z } from "zod";
import { nonNegativeInt, optionalBoolean, stringRecord } from "./fields";
import { shown } from "./parse";

function requestObject<T extends z.ZodRawShape>(shape: T, expected: string) {
  return z.object(shape, {
    error: (issue) => (issue.code === "invalid_type" && !issue.path?.length ? `must be ${expected}, got ${shown(issue.input)}` : undefined),
  });
}

/** A set request: `{ attributes, isForce?, isDeleteAfterOwnerLeft?, expectedVersion? }`. */
export const setAttributesSchema = requestObject(
  {
    attributes: stringRecord(),
    isForce: optionalBoolean,
    isDeleteAfterOwnerLeft: optionalBoolean,
    expectedVersion: nonNegativeInt.optional(),
  },
  "{ attributes, isForce?, isDeleteAfterOwnerLeft?, expectedVersion? }",
);

/** A delete request: `{ keys, isForce? }`. */
export const deleteAttributesSchema = requestObject(
  {
    keys: z.array(z.string(), { error: (issue) => `must be an array of strings, got ${shown(issue.input)}` }),
    isForce: optionalBoolean,
  },
  "{ keys, isForce? }",
);
