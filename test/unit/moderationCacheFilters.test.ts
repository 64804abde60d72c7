/**
 * The rooms' copies of the word filter (src/service/moderationCache): loaded from the store with the
 * rest of the moderation, compiled once per change of a list and shared by the rooms of a process.
 */
import { resolveConfig } from "../../src/config";
import { encodeFilterEntry } from "../../src/core/wordFilter";
import type { ChatContext } from "../../src/service/context";
import { ModerationCache } from "../../src/service/moderationCache";
import { Scope } from "../../src/service/scopes";
import { createMemoryStore } from "../../src/store/memory";

function context(): ChatContext {
  const partial: Pick<ChatContext, "config" | "store" | "now"> = {
    config: resolveConfig({}),
    store: createMemoryStore(),
    now: () => Date.now(),
  };
  return partial as ChatContext;
}

test("every room shares one compiled app-wide list, recompiled only when the list changed; each room has its own list", async () => {
  const ctx = context();
  const { sets } = ctx.store;
  await sets.add(Scope.appWordFilter, [encodeFilterEntry({ pattern: "shared", isRegex: false, action: "block" })], null);
  await sets.add(Scope.roomWordFilter("r1"), [encodeFilterEntry({ pattern: "mine", isRegex: false, action: "mask" })], null);
  const r1 = new ModerationCache(ctx, "r1");
  const r2 = new ModerationCache(ctx, "r2");
  await Promise.all([r1.reload(), r2.reload()]);
  const [app1, room1] = r1.wordFilters();
  const [app2, room2] = r2.wordFilters();
  expect(app1).toBe(app2);
  expect([room1?.empty, room2?.empty]).toEqual([false, true]);

  // a reload after another moderation change keeps the compiled lists
  await sets.add(Scope.muted("r1"), ["someone"], null);
  await r1.reload();
  expect(r1.wordFilters()[0]).toBe(app1);

  // a changed app-wide list is compiled anew, once for both rooms
  await sets.add(Scope.appWordFilter, [encodeFilterEntry({ pattern: "more", isRegex: false, action: "flag" })], null);
  await Promise.all([r1.reload(), r2.reload()]);
  expect(r1.wordFilters()[0]).not.toBe(app1);
  expect(r1.wordFilters()[0]).toBe(r2.wordFilters()[0]);
});
