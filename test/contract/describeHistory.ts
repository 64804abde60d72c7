/**
 * The {@link HistoryStore} part of the store contract, run by `describeStore` for every backend
 * (its own file only to keep each suite file short).
 */
import type { RoomMessage } from "../../src/protocol";
import type { ChatStore, HistoryQuery } from "../../src/store/types";

/** Message `seq` of a room: id `m<seq>`, timestamp `seq * 1000` unless given. */
export const message = (seq: number, timestamp = seq * 1000): RoomMessage => ({
  messageID: `m${seq}`,
  seq,
  timestamp,
  senderUserID: `user-${seq % 3}`,
  type: "text",
  content: `message ${seq}`,
});

const seqs = (messages: readonly RoomMessage[]): number[] => messages.map((m) => m.seq);

/** Defines the history tests; `current` returns the store of the running test. */
export function describeHistoryContract(current: () => ChatStore): void {
  describe("history", () => {
    const KEEP = 100;
    const appendAll = async (roomId: string, messages: readonly RoomMessage[], keep = KEEP): Promise<void> => {
      for (const m of messages) await current().history.append(roomId, m, keep);
    };
    const query = async (roomId: string, q: Partial<HistoryQuery> & Pick<HistoryQuery, "direction">): Promise<number[]> =>
      seqs(await current().history.query(roomId, { limit: KEEP, ...q }));

    /** Seqs 1..5 at timestamps 1000..5000. */
    const fiveMessages = async (roomId = "r"): Promise<void> =>
      appendAll(
        roomId,
        [1, 2, 3, 4, 5].map((s) => message(s)),
      );

    test("forward gives the oldest `limit`, backward the newest `limit`, both oldest first", async () => {
      await fiveMessages();
      expect(await current().history.query("r", { limit: 10, direction: "forward" })).toEqual([1, 2, 3, 4, 5].map((s) => message(s)));
      expect(await query("r", { limit: 3, direction: "forward" })).toEqual([1, 2, 3]);
      expect(await query("r", { limit: 3, direction: "backward" })).toEqual([3, 4, 5]);
      expect(await query("r", { limit: 5, direction: "backward" })).toEqual([1, 2, 3, 4, 5]);
    });

    test("limit 0, an unknown room and bounds matching nothing give []", async () => {
      await fiveMessages();
      expect(await query("r", { limit: 0, direction: "forward" })).toEqual([]);
      expect(await query("r", { limit: 0, direction: "backward" })).toEqual([]);
      expect(await query("never-used", { direction: "backward" })).toEqual([]);
      expect(await query("r", { afterSeq: 5, direction: "forward" })).toEqual([]);
      expect(await query("r", { beforeSeq: 1, direction: "backward" })).toEqual([]);
      expect(await query("r", { since: 5001, direction: "forward" })).toEqual([]);
      expect(await query("r", { afterSeq: 3, beforeSeq: 4, direction: "forward" })).toEqual([]);
    });

    test("afterSeq and beforeSeq are exclusive, in both directions and combined", async () => {
      await fiveMessages();
      expect(await query("r", { afterSeq: 2, direction: "forward" })).toEqual([3, 4, 5]);
      expect(await query("r", { afterSeq: 2, limit: 2, direction: "forward" })).toEqual([3, 4]);
      expect(await query("r", { afterSeq: 2, limit: 2, direction: "backward" })).toEqual([4, 5]);
      expect(await query("r", { beforeSeq: 4, direction: "backward" })).toEqual([1, 2, 3]);
      expect(await query("r", { beforeSeq: 4, limit: 2, direction: "forward" })).toEqual([1, 2]);
      expect(await query("r", { beforeSeq: 4, limit: 2, direction: "backward" })).toEqual([2, 3]);
      expect(await query("r", { afterSeq: 1, beforeSeq: 5, direction: "forward" })).toEqual([2, 3, 4]);
      expect(await query("r", { afterSeq: 1, beforeSeq: 5, limit: 1, direction: "forward" })).toEqual([2]);
      expect(await query("r", { afterSeq: 1, beforeSeq: 5, limit: 1, direction: "backward" })).toEqual([4]);
      expect(await query("r", { afterSeq: 0, direction: "forward" })).toEqual([1, 2, 3, 4, 5]);
    });

    test("since and until are inclusive, in both directions and combined", async () => {
      await fiveMessages();
      expect(await query("r", { since: 2000, direction: "forward" })).toEqual([2, 3, 4, 5]);
      expect(await query("r", { since: 2001, direction: "forward" })).toEqual([3, 4, 5]);
      expect(await query("r", { until: 4000, direction: "backward" })).toEqual([1, 2, 3, 4]);
      expect(await query("r", { until: 3999, direction: "backward" })).toEqual([1, 2, 3]);
      expect(await query("r", { since: 2000, until: 4000, direction: "forward" })).toEqual([2, 3, 4]);
      expect(await query("r", { since: 2000, until: 4000, limit: 2, direction: "forward" })).toEqual([2, 3]);
      expect(await query("r", { since: 2000, until: 4000, limit: 2, direction: "backward" })).toEqual([3, 4]);
      expect(await query("r", { since: 3000, until: 3000, direction: "backward" })).toEqual([3]);
    });

    test("the limit applies to the matches, not to the messages before filtering", async () => {
      await fiveMessages();
      expect(await query("r", { since: 4000, limit: 1, direction: "forward" })).toEqual([4]);
      expect(await query("r", { until: 2000, limit: 1, direction: "backward" })).toEqual([2]);
      expect(await query("r", { afterSeq: 3, limit: 1, direction: "forward" })).toEqual([4]);
      expect(await query("r", { beforeSeq: 3, limit: 1, direction: "backward" })).toEqual([2]);
    });

    test("seq and time bounds combine", async () => {
      await fiveMessages();
      expect(await query("r", { afterSeq: 2, until: 4000, direction: "forward" })).toEqual([3, 4]);
      expect(await query("r", { beforeSeq: 5, since: 2000, limit: 2, direction: "backward" })).toEqual([3, 4]);
      expect(await query("r", { afterSeq: 1, beforeSeq: 5, since: 3000, until: 5000, limit: 1, direction: "forward" })).toEqual([3]);
    });

    test("timestamps are filtered as stored, even when they do not grow with seq", async () => {
      await appendAll("r", [message(1, 5000), message(2, 1000), message(3, 3000), message(4, 2000)]);
      expect(await query("r", { since: 2500, direction: "forward" })).toEqual([1, 3]);
      expect(await query("r", { until: 2500, limit: 1, direction: "backward" })).toEqual([4]);
      expect(await query("r", { until: 2500, limit: 1, direction: "forward" })).toEqual([2]);
    });

    test("append trims the room to its newest `keep`; a smaller keep later trims further", async () => {
      await appendAll(
        "r",
        [1, 2, 3, 4, 5].map((s) => message(s)),
        3,
      );
      expect(await query("r", { direction: "forward" })).toEqual([3, 4, 5]);
      expect(await query("r", { limit: 1, direction: "forward" })).toEqual([3]);
      expect(await current().history.remove("r", "m2")).toBeUndefined();
      await current().history.append("r", message(6), 2);
      expect(await query("r", { direction: "backward" })).toEqual([5, 6]);
      await current().history.append("r", message(7), 0);
      expect(await query("r", { direction: "backward" })).toEqual([]);
      expect(await current().history.remove("r", "m7")).toBeUndefined();
      expect(await current().history.lastSeq("r")).toBe(7);
    });

    test("lastSeq: 0 for a new room, then the highest seq, surviving trimming and remove", async () => {
      expect(await current().history.lastSeq("r")).toBe(0);
      await appendAll("r", [message(1), message(2), message(7)], 2);
      expect(await current().history.lastSeq("r")).toBe(7);
      expect(await current().history.remove("r", "m7")).toEqual(message(7));
      expect(await current().history.remove("r", "m2")).toEqual(message(2));
      expect(await query("r", { direction: "forward" })).toEqual([]);
      expect(await current().history.lastSeq("r")).toBe(7);
    });

    test("an append whose seq is not above lastSeq rejects with RangeError and changes nothing", async () => {
      await fiveMessages();
      await current().history.remove("r", "m5");
      await expect(current().history.append("r", message(5), KEEP)).rejects.toThrow(RangeError);
      await expect(current().history.append("r", message(3), KEEP)).rejects.toThrow(/greater than the room's last seq 5/);
      expect(await query("r", { direction: "forward" })).toEqual([1, 2, 3, 4]);
      expect(await current().history.lastSeq("r")).toBe(5);
      await current().history.append("r", message(9), KEEP);
      expect(await query("r", { direction: "backward", limit: 1 })).toEqual([9]);
    });

    test("remove resolves with the message and it leaves every query; unknown ids give undefined", async () => {
      await fiveMessages();
      expect(await current().history.remove("r", "m3")).toEqual(message(3));
      expect(await query("r", { direction: "forward" })).toEqual([1, 2, 4, 5]);
      expect(await query("r", { afterSeq: 2, limit: 1, direction: "forward" })).toEqual([4]);
      expect(await query("r", { since: 3000, until: 3000, direction: "forward" })).toEqual([]);
      expect(await current().history.remove("r", "m3")).toBeUndefined();
      expect(await current().history.remove("r", "no-such-id")).toBeUndefined();
      expect(await current().history.remove("other-room", "m1")).toBeUndefined();
      expect(await query("r", { direction: "forward" })).toEqual([1, 2, 4, 5]);
    });

    test("clear forgets the messages and the seq of that room only", async () => {
      await fiveMessages("r");
      await fiveMessages("s");
      await current().history.clear("r");
      expect(await query("r", { direction: "forward" })).toEqual([]);
      expect(await current().history.lastSeq("r")).toBe(0);
      expect(await current().history.remove("r", "m1")).toBeUndefined();
      await current().history.append("r", message(1), KEEP);
      expect(await query("r", { direction: "forward" })).toEqual([1]);
      expect(await query("s", { direction: "forward" })).toEqual([1, 2, 3, 4, 5]);
      expect(await current().history.lastSeq("s")).toBe(5);
      await current().history.clear("never-used");
    });

    test("rooms are independent, whatever characters their ids hold", async () => {
      const rooms = ["r", "r:msgs", "msgs:r", "r*", "ü 😀 {x}"];
      for (const [i, roomId] of rooms.entries()) await appendAll(roomId, [message(1), message(2 + i)], 1 + i);
      for (const [i, roomId] of rooms.entries()) {
        expect(await query(roomId, { direction: "forward" })).toEqual(i === 0 ? [2] : [1, 2 + i]);
        expect(await current().history.lastSeq(roomId)).toBe(2 + i);
      }
      expect(await current().history.remove("r:msgs", "m1")).toEqual(message(1));
      expect(await query("msgs:r", { direction: "forward" })).toEqual([1, 4]);
      expect(await query("r*", { direction: "forward" })).toEqual([1, 5]);
    });

    test("messages come back equal but never as the caller's objects, odd text included", async () => {
      const sent = { ...message(1), content: `quotes " \\ \n, unicode ü 😀, json {"a":[1]}` };
      await current().history.append("r", sent, 1);
      await current().history.append("r", message(2), 1); // trims the odd one
      const third = { ...sent, seq: 3, messageID: "m3" };
      await current().history.append("r", third, 2);
      third.content = "changed";
      const a = (await current().history.query("r", { afterSeq: 2, limit: 1, direction: "forward" })).at(0);
      expect(a?.content).toBe(`quotes " \\ \n, unicode ü 😀, json {"a":[1]}`);
      if (a) a.content = "mutated";
      const b = (await current().history.query("r", { afterSeq: 2, limit: 1, direction: "forward" })).at(0);
      expect(b?.content).toBe(`quotes " \\ \n, unicode ü 😀, json {"a":[1]}`);
      expect(await current().history.remove("r", "m1")).toBeUndefined();
      expect((await current().history.remove("r", "m3"))?.content).toBe(b?.content);
    });

    test("invalid arguments reject with RangeError naming the parameter", async () => {
      const history = current().history;
      await expect(history.append("r", message(1), -1)).rejects.toThrow(/keep must be a non-negative integer/);
      await expect(history.append("r", message(1), 1.5)).rejects.toThrow(RangeError);
      await expect(history.append("r", message(0), 10)).rejects.toThrow(/seq must be a positive integer/);
      await expect(history.append("r", message(1.5), 10)).rejects.toThrow(RangeError);
      await expect(history.query("r", { limit: -1, direction: "forward" })).rejects.toThrow(/limit/);
      await expect(history.query("r", { limit: 2.5, direction: "forward" })).rejects.toThrow(RangeError);
      await expect(history.query("r", { limit: 1, afterSeq: Number.NaN, direction: "forward" })).rejects.toThrow(/afterSeq/);
      await expect(history.query("r", { limit: 1, direction: "sideways" as HistoryQuery["direction"] })).rejects.toThrow(/direction/);
      expect(await history.lastSeq("r")).toBe(0);
    });
  });
}
