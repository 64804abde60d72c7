/**
 * Schemas of the room's message requests: a member's send (also what `onBeforeMessage` returns),
 * a history page and a reconnect sync. Parse them with core/messages' functions or
 * {@link parseInput}; a refusal is PARAMETER naming the field, MESSAGE_TOO_LARGE for content over
 * CHAT_MAX_MESSAGE_BYTES.
 */
import { z } from "zod";
import { ErrorCode } from "../core/errors";
import { nonNegativeInt, utf8Content } from "./fields";
import { shown } from "./parse";

/** Longest message type name (RongCloud's object names are at most 32 characters). */
export const MAX_MESSAGE_TYPE_LENGTH = 32;

/** Message priorities, lowest first. */
export const PRIORITIES = ["low", "normal", "high"] as const;

/** A message type: 1..32 characters. */
export const messageTypeSchema = z
  .string({ error: (issue) => `must be a string of 1..${MAX_MESSAGE_TYPE_LENGTH} characters, got ${shown(issue.input)}` })
  .min(1)
  .max(MAX_MESSAGE_TYPE_LENGTH);

/** Accepts only objects; the predicate names the expected shape. */
function objectOf<T extends z.ZodRawShape>(shape: T, expected: string) {
  return z.object(shape, {
    error: (issue) =>
      issue.code === "invalid_type" && !issue.path?.length ? `must be an object ${expected}, got ${shown(issue.input)}` : undefined,
  });
}

/** Anything that is not an object reads as `{}` (every field then takes its default). */
function orEmpty(input: unknown): unknown {
  return typeof input === "object" && input !== null ? input : {};
}

const sendSchemas = new Map<number, ReturnType<typeof buildSendSchema>>();

function buildSendSchema(maxContentBytes: number) {
  return objectOf(
    {
      type: messageTypeSchema,
      content: utf8Content(maxContentBytes, ErrorCode.MESSAGE_TOO_LARGE),
      priority: z.enum(PRIORITIES).default("normal"),
    },
    "{ type, content, priority? }",
  );
}

/** A send body `{ type, content, priority? }` with content of at most `maxContentBytes` UTF-8 bytes (one schema per limit, kept). */
export function sendSchema(maxContentBytes: number): ReturnType<typeof buildSendSchema> {
  let schema = sendSchemas.get(maxContentBytes);
  if (!schema) sendSchemas.set(maxContentBytes, (schema = buildSendSchema(maxContentBytes)));
  return schema;
}

const optionalSeq = nonNegativeInt.nullish().transform((v) => v ?? undefined);

const historySchemas = new Map<number, ReturnType<typeof buildHistorySchema>>();

function buildHistorySchema(maxLimit: number) {
  return z.preprocess(
    orEmpty,
    z
      .object({
        afterSeq: optionalSeq,
        beforeSeq: optionalSeq,
        since: optionalSeq,
        until: optionalSeq,
        limit: z
          .number({ error: (issue) => `must be an integer in 1..${maxLimit}, got ${shown(issue.input)}` })
          .int()
          .min(1)
          .max(maxLimit)
          .nullish()
          .transform((v) => v ?? maxLimit),
        direction: z.enum(["forward", "backward"]).nullish(),
      })
      .transform(({ direction, ...q }) => {
        const query: {
          afterSeq?: number;
          beforeSeq?: number;
          since?: number;
          until?: number;
          limit: number;
          direction: "forward" | "backward";
        } = {
          limit: q.limit,
          // from a lower bound the oldest come first; otherwise the newest before the bounds
          direction: direction ?? (q.afterSeq !== undefined || q.since !== undefined ? "forward" : "backward"),
        };
        for (const field of ["afterSeq", "beforeSeq", "since", "until"] as const) if (q[field] !== undefined) query[field] = q[field];
        return query;
      }),
  );
}

/**
 * A history query: optional afterSeq / beforeSeq / since / until (integers >= 0; null = absent),
 * limit 1..maxLimit [maxLimit], direction "forward" or "backward" [forward from a lower bound,
 * else backward]. A body that is no object reads as `{}`.
 */
export function historyQuerySchema(maxLimit: number): ReturnType<typeof buildHistorySchema> {
  let schema = historySchemas.get(maxLimit);
  if (!schema) historySchemas.set(maxLimit, (schema = buildHistorySchema(maxLimit)));
  return schema;
}

/** A reconnect sync `{ afterSeq }`: the messages after it are asked for. */
export const syncSchema = z.preprocess(orEmpty, z.object({ afterSeq: nonNegativeInt }));
