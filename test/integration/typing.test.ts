/**
 * The room's side of typing indicators, through real SDK rooms: what is relayed to whom, the
 * bounds a client cannot exceed, rooms above the member-list cap, and bad requests.
 */
import type { Room } from "@colyseus/sdk";
import { ErrorCode } from "../../src/core/errors";
import { ClientRequest, ServerMessage, TYPING_REPEAT_MS, type RoomMessage, type TypingNotice } from "../../src/protocol";
import { TYPING_BURST } from "../../src/core/typing";
import { collect, sdkEnter, useServer, waitFor } from "../helpers/server";

const typing = (room: Room, value: unknown) => room.request(ClientRequest.TYPING, { typing: value });

/**
 * Sends a message from `from` and waits for `to` to receive it: notices relayed before it (same
 * room, same order) have then arrived.
 */
async function fence(from: Room, to: Room, content: string): Promise<void> {
  const seen = collect<RoomMessage[]>(to, ServerMessage.MESSAGES);
  await from.request(ClientRequest.SEND, { type: "text", content });
  await waitFor(() => seen.flat().some((m) => m.content === content), 5000, `the message ${content}`);
}

describe("typing in a room under the member-list cap", () => {
  const t = useServer();
  const enter = (roomId: string, userId: string) => sdkEnter(t.httpUrl, { roomId, userId, mode: "enter" }).then((room) => t.track(room));

  test("a start reaches the other members, not the typist; repeats inside the interval are not relayed; a stop is", async () => {
    const ann = await enter("ty-1", "ann");
    const bob = await enter("ty-1", "bob");
    const atBob = collect<TypingNotice>(bob, ServerMessage.TYPING);
    const atAnn = collect<TypingNotice>(ann, ServerMessage.TYPING);
    for (let i = 0; i < 10; i++) await typing(ann, true);
    await typing(ann, false);
    await typing(ann, false);
    await fence(ann, bob, "after the notices");
    expect(atBob).toEqual([
      { userId: "ann", typing: true },
      { userId: "ann", typing: false },
    ]);
    expect(atAnn).toEqual([]);
  });

  test(`whatever a client sends, at most ${TYPING_BURST} notices per member go out per ${TYPING_REPEAT_MS} ms`, async () => {
    const ann = await enter("ty-2", "ann");
    const bob = await enter("ty-2", "bob");
    const atBob = collect<TypingNotice>(bob, ServerMessage.TYPING);
    const started = Date.now();
    for (let i = 0; i < 50; i++) await typing(ann, i % 2 === 0);
    await fence(ann, bob, "after the flood");
    // the whole flood fits in one interval (checked, or the bound would be per two)
    expect(Date.now() - started).toBeLessThan(TYPING_REPEAT_MS);
    expect(atBob).toHaveLength(TYPING_BURST);
  });

  test("after a message, the next start is relayed at once", async () => {
    const ann = await enter("ty-3", "ann");
    const bob = await enter("ty-3", "bob");
    const atBob = collect<TypingNotice>(bob, ServerMessage.TYPING);
    await typing(ann, true);
    await fence(ann, bob, "first");
    await typing(ann, true);
    await fence(ann, bob, "second");
    expect(atBob).toEqual([
      { userId: "ann", typing: true },
      { userId: "ann", typing: true },
    ]);
  });

  test("a bad request is refused with PARAMETER naming the field, and the member stays", async () => {
    const ann = await enter("ty-4", "ann");
    for (const body of [{ typing: "yes" }, {}, { typing: true, extra: 1 }, "typing"]) {
      const refusal = ann.request(ClientRequest.TYPING, body);
      await expect(refusal).rejects.toMatchObject({ reason: { code: ErrorCode.PARAMETER, message: expect.stringContaining("typing") } });
    }
    await expect(typing(ann, true)).resolves.toEqual({});
  });
});

describe("typing in a room above the member-list cap", () => {
  const t = useServer({ memberListCap: 1 });

  test("nothing is relayed", async () => {
    const ann = t.track(await sdkEnter(t.httpUrl, { roomId: "ty-big", userId: "ann", mode: "enter" }));
    const bob = t.track(await sdkEnter(t.httpUrl, { roomId: "ty-big", userId: "bob", mode: "enter" }));
    const atBob = collect<TypingNotice>(bob, ServerMessage.TYPING);
    await typing(ann, true);
    await fence(ann, bob, "marker");
    expect(atBob).toEqual([]);
  });
});
