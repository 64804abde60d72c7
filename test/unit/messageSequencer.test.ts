import { MessageSequencer, type SequencerStep } from "../../src/client/MessageSequencer";
import type { RoomMessage } from "../../src/protocol";

const msg = (seq: number): RoomMessage => ({
  messageID: `m${seq}`,
  seq,
  timestamp: 1000 + seq,
  senderUserID: "u",
  type: "text",
  content: `#${seq}`,
});
const msgs = (...seqs: number[]) => seqs.map(msg);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const seqs = (step: SequencerStep) => step.deliver.map((m) => m.seq);

test("the join history is delivered and sets lastSeq; the next live message follows it", () => {
  const s = new MessageSequencer();
  expect(s.lastSeq).toBeNull();
  expect(seqs(s.joined({ messages: msgs(3, 4, 5), lastSeq: 5 }))).toEqual([3, 4, 5]);
  expect(s.lastSeq).toBe(5);
  expect(s.received(msgs(6))).toEqual({ deliver: msgs(6), syncAfter: undefined });
  expect(s.lastSeq).toBe(6);
});

test("live messages that arrive before the join history are held, then delivered after it without duplicates", () => {
  const s = new MessageSequencer();
  expect(s.received(msgs(6, 7))).toEqual({ deliver: [], syncAfter: undefined });
  expect(s.heldCount).toBe(2);
  const step = s.joined({ messages: msgs(4, 5), lastSeq: 5 });
  expect(seqs(step)).toEqual([4, 5, 6, 7]);
  expect(step.syncAfter).toBeUndefined();
  expect(s.heldCount).toBe(0);
});

test("an empty room's join history (lastSeq 0) lets seq 1 through", () => {
  const s = new MessageSequencer();
  expect(seqs(s.joined({ messages: [], lastSeq: 0 }))).toEqual([]);
  expect(seqs(s.received(msgs(1, 2)))).toEqual([1, 2]);
});

test("duplicates (seq <= lastSeq) are dropped, inside a batch and across batches", () => {
  const s = new MessageSequencer();
  s.joined({ messages: [], lastSeq: 10 });
  expect(seqs(s.received(msgs(9, 10, 11, 11)))).toEqual([11]);
  expect(seqs(s.received(msgs(11, 12)))).toEqual([12]);
});

test("a gap holds later messages and asks for one SYNC after lastSeq; the reply fills the gap and drains the held ones in order", () => {
  const s = new MessageSequencer();
  s.joined({ messages: [], lastSeq: 10 });
  const gap = s.received(msgs(13));
  expect(gap).toEqual({ deliver: [], syncAfter: 10 });
  // a second gap while the SYNC is under way does not ask again
  expect(s.received(msgs(15))).toEqual({ deliver: [], syncAfter: undefined });
  const reply = s.synced({ messages: msgs(11, 12, 13), lastSeq: 13 });
  expect(seqs(reply)).toEqual([11, 12, 13]);
  // 14 is still missing: held 15 needs another SYNC
  expect(reply.syncAfter).toBe(13);
  expect(seqs(s.synced({ messages: msgs(14, 15), lastSeq: 15 }))).toEqual([14, 15]);
  expect(s.lastSeq).toBe(15);
  expect(s.heldCount).toBe(0);
});

test("seqs a SYNC reply does not carry (recalled or trimmed) are skipped: lastSeq moves to the reply's lastSeq", () => {
  const s = new MessageSequencer();
  s.joined({ messages: [], lastSeq: 10 });
  expect(s.received(msgs(14)).syncAfter).toBe(10);
  // 11 and 13 were recalled; 14 is held
  const step = s.synced({ messages: msgs(12), lastSeq: 14 });
  expect(seqs(step)).toEqual([12, 14]);
  expect(step.syncAfter).toBeUndefined();
  expect(s.lastSeq).toBe(14);
  expect(seqs(s.received(msgs(15)))).toEqual([15]);
});

test("a held message that was recalled before the SYNC answered is still delivered once, in order", () => {
  const s = new MessageSequencer();
  s.joined({ messages: [], lastSeq: 1 });
  s.received(msgs(3));
  expect(seqs(s.synced({ messages: msgs(2), lastSeq: 3 }))).toEqual([2, 3]);
});

test("live messages newer than a SYNC reply's lastSeq stay held and drain once the reply closes the gap", () => {
  const s = new MessageSequencer();
  s.joined({ messages: [], lastSeq: 5 });
  s.received(msgs(8));
  s.received(msgs(9, 10));
  expect(seqs(s.synced({ messages: msgs(6, 7), lastSeq: 7 }))).toEqual([6, 7, 8, 9, 10]);
});

test("a reconnect always asks for a SYNC after lastSeq, even with no visible gap; late duplicates are dropped", () => {
  const s = new MessageSequencer();
  s.joined({ messages: msgs(1, 2), lastSeq: 2 });
  expect(s.reconnected()).toEqual({ deliver: [], syncAfter: 2 });
  // sent right after the reconnect, before the SYNC reply: held behind the missed ones
  expect(s.received(msgs(25))).toEqual({ deliver: [], syncAfter: undefined });
  const step = s.synced({ messages: msgs(...range(3, 24)), lastSeq: 24 });
  expect(seqs(step)).toEqual(range(3, 25));
  // the same messages again (a late broadcast, a second reply) change nothing
  expect(seqs(s.received(msgs(24, 25)))).toEqual([]);
  expect(seqs(s.synced({ messages: msgs(...range(3, 25)), lastSeq: 25 }))).toEqual([]);
  expect(s.lastSeq).toBe(25);
});

test("a failed SYNC is asked for again by retry while still needed, and not once answered", () => {
  const s = new MessageSequencer();
  s.joined({ messages: [], lastSeq: 4 });
  expect(s.reconnected().syncAfter).toBe(4);
  s.syncFailed();
  expect(s.retry().syncAfter).toBe(4);
  // under way: no second request
  expect(s.retry().syncAfter).toBeUndefined();
  s.synced({ messages: [], lastSeq: 4 });
  expect(s.retry().syncAfter).toBeUndefined();
});

test("a reconnect before the join history arrived syncs from 0 and delivers what the room keeps", () => {
  const s = new MessageSequencer();
  s.received(msgs(7));
  expect(s.reconnected().syncAfter).toBe(0);
  expect(seqs(s.synced({ messages: msgs(5, 6), lastSeq: 6 }))).toEqual([5, 6, 7]);
});

test("a random interleaving of live batches (with drops) and SYNC replies delivers every seq once, in order", () => {
  const all = msgs(...range(1, 300));
  for (let round = 0; round < 50; round++) {
    let seed = round + 1;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const s = new MessageSequencer();
    const delivered: number[] = [];
    const pendingSyncs: number[] = [];
    const take = (step: SequencerStep) => {
      delivered.push(...seqs(step));
      if (step.syncAfter !== undefined) pendingSyncs.push(step.syncAfter);
    };
    let sent = 20;
    take(s.joined({ messages: all.slice(10, 20), lastSeq: 20 }));
    while (sent < all.length || pendingSyncs.length > 0) {
      if (sent < all.length && random() < 0.7) {
        const n = 1 + Math.floor(random() * 5);
        const batch = all.slice(sent, sent + n);
        sent += batch.length;
        // 20% of live batches are lost (the connection was down)
        if (random() < 0.8) take(s.received(batch));
        else if (random() < 0.5) take(s.reconnected());
      } else if (pendingSyncs.length > 0) {
        const afterSeq = pendingSyncs.shift()!;
        take(s.synced({ messages: all.filter((m) => m.seq > afterSeq && m.seq <= sent), lastSeq: sent }));
      } else {
        take(s.reconnected());
      }
    }
    take(s.reconnected());
    take(s.synced({ messages: all.filter((m) => m.seq > s.lastSeq!), lastSeq: all.length }));
    expect(delivered).toEqual(range(11, 300));
  }
});

describe("resuming after a re-entry into the same room (resumeAfter)", () => {
  test("the join history is partial: the messages it repeats are dropped, the ones between are asked for with SYNC after the old lastSeq", () => {
    const s = new MessageSequencer();
    s.resumeAfter(20);
    expect(s.lastSeq).toBe(20);
    // the new connection's history: the last 10 messages, 17..26 (17..20 were delivered before the move)
    const step = s.joined({ messages: msgs(...range(17, 26)), lastSeq: 26 });
    expect(seqs(step)).toEqual(range(21, 26));
    // delivered 21..26 at once (no gap after 20); the SYNC still asks after 26: messages may be missing without a visible gap
    expect(step.syncAfter).toBe(26);
    expect(seqs(s.synced({ messages: [], lastSeq: 26 }))).toEqual([]);
    expect(s.lastSeq).toBe(26);
  });

  test("a gap between the old lastSeq and the join history is held, then filled by the SYNC reply in seq order, each once", () => {
    const s = new MessageSequencer();
    s.resumeAfter(20);
    const step = s.joined({ messages: msgs(...range(31, 40)), lastSeq: 40 });
    expect(step).toEqual({ deliver: [], syncAfter: 20 });
    expect(s.heldCount).toBe(10);
    // a live message arrives before the reply: held too
    expect(seqs(s.received(msgs(41)))).toEqual([]);
    const reply = s.synced({ messages: msgs(...range(21, 40)), lastSeq: 40 });
    expect(seqs(reply)).toEqual(range(21, 41));
    expect(reply.syncAfter).toBeUndefined();
    expect(s.lastSeq).toBe(41);
  });

  test("live messages after the old lastSeq that come before the join history are delivered once, not again from it", () => {
    const s = new MessageSequencer();
    s.resumeAfter(5);
    expect(seqs(s.received(msgs(6, 7)))).toEqual([6, 7]);
    const step = s.joined({ messages: msgs(...range(1, 8)), lastSeq: 8 });
    expect(seqs(step)).toEqual([8]);
    expect(step.syncAfter).toBe(8);
  });

  test("without resumeAfter a join history is complete (no SYNC); resumeAfter after the history came changes nothing", () => {
    const s = new MessageSequencer();
    const step = s.joined({ messages: msgs(9, 10), lastSeq: 10 });
    expect(step.syncAfter).toBeUndefined();
    s.resumeAfter(3);
    expect(s.lastSeq).toBe(10);
    expect(seqs(s.received(msgs(10, 11)))).toEqual([11]);
  });
});
