import { ChatError, ErrorCode } from "../core/errors";
import type { ChatContext } from "./context";

/** The cap of a store set and how an error names it. */
export interface SetCap {
  /** most members the set may hold */
  max: number;
  /** the set, as the error names it: "the <what> holds at most ..." */
  what: string;
  /** what its members are, plural ("users", "types") */
  unit: string;
}

/**
 * Adds `members` (without expiry) to the store set `scope` unless the set would then hold more
 * than `cap.max`: members already in it do not count twice. All or nothing: throws PARAMETER
 * naming the set, its cap, its current size and the size after the call, and adds nothing.
 */
export async function addCapped(ctx: ChatContext, scope: string, members: readonly string[], cap: SetCap): Promise<void> {
  const present = new Set((await ctx.store.sets.list(scope, ctx.now())).map((e) => e.member));
  const after = new Set([...present, ...members]).size;
  if (after > cap.max) {
    throw new ChatError(
      ErrorCode.PARAMETER,
      `the ${cap.what} holds at most ${cap.max} ${cap.unit}: it has ${present.size}, this call would make it ${after}`,
    );
  }
  await ctx.store.sets.add(scope, members, null);
}
