/**
 * Schemas of the room-role requests a member sends (KICK, MUTE, UNMUTE, SET_ROLE): a refusal is
 * PARAMETER naming the field and its rule, e.g. `minutes must be an integer in 1..43200, got 0`.
 */
import { z } from "zod";
import { USER_ID_PATTERN } from "../core/ids";
import { MODERATION_LIMITS } from "../core/moderation";
import { isObjectPrototypeName } from "../core/objectKeys";
import { intIn } from "./fields";
import { shown } from "./parse";

/** A user id: 1..64 of [A-Za-z0-9+=_-], never an Object.prototype name (such a user can never be a member). */
export const userIdField = z
  .string({ error: (issue) => `must be a user id (a string of 1..64 characters of [A-Za-z0-9+=_-]), got ${shown(issue.input)}` })
  .regex(USER_ID_PATTERN, { error: (issue) => `must be 1..64 characters of [A-Za-z0-9+=_-], got ${shown(issue.input)}` })
  .refine((id) => !isObjectPrototypeName(id), {
    error: (issue) => `must not be the name of an Object.prototype property, got ${shown(issue.input)}`,
  });

/** Body of KICK and UNMUTE. */
export const memberActionSchema = z.strictObject({ userId: userIdField });

/** Body of MUTE. */
export const muteMemberSchema = z.strictObject({
  userId: userIdField,
  minutes: intIn(MODERATION_LIMITS.minMinutes, MODERATION_LIMITS.maxMinutes),
});

/** Body of SET_ROLE: the roles a member may give (the owner changes through the operator API only), or null. */
export const setRoleSchema = z.strictObject({
  userId: userIdField,
  role: z.union([z.literal("admin"), z.literal("moderator"), z.null()], {
    error: (issue) => `must be "admin", "moderator" or null, got ${shown(issue.input)}`,
  }),
});
