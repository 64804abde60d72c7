import type { IRoomCache } from "@colyseus/core";
import { relayProcess } from "../../src/core/drain";
import { isRelay, seatsOnRelay, shardingOn } from "../../src/service/placement";
import { relayRoomId, SHARD_KEY } from "../../src/service/shardWire";
import { createMemoryStore } from "../../src/store/memory";
import { ROOM_ID_PATTERN } from "../../src/core/ids";
import type { ChatConfig } from "../../src/config";
import type { ChatStore } from "../../src/store/types";

const processes = [
  { processId: "owner", roomCount: 1, ccu: 2000 },
  { processId: "busy", roomCount: 0, ccu: 900 },
  { processId: "idle", roomCount: 9, ccu: 10 },
  { processId: "relay", roomCount: 1, ccu: 5 },
];

describe("where a relay shard goes (core/drain relayProcess)", () => {
  test("the process with the fewest connections among those holding no part of the room, whatever its room count", () => {
    expect(relayProcess(processes, new Set(["owner", "relay"]), new Set())).toBe("idle");
  });
  test("never a draining process while another is left; any non-draining one once every process holds part of the room", () => {
    expect(relayProcess(processes, new Set(["owner", "relay"]), new Set(["idle"]))).toBe("busy");
    expect(relayProcess(processes, new Set(["owner", "relay", "busy", "idle"]), new Set(["relay"]))).toBe("idle");
    expect(relayProcess(processes, new Set(), new Set(["owner", "busy", "idle", "relay"]))).toBeUndefined();
  });
});

describe("who sits on a relay (service/placement)", () => {
  const shared = { claims: { isAlive: () => Promise.resolve(true) } } as unknown as ChatStore;
  const listing = (clients: number) => ({ clients }) as IRoomCache;
  const ctx = (shardThreshold: number, store: ChatStore = shared) => ({ config: { shardThreshold } as ChatConfig, store });

  test("a joiner goes to a relay once the owner holds the threshold's connections, not before", () => {
    expect(seatsOnRelay(ctx(3), listing(2))).toBe(false);
    expect(seatsOnRelay(ctx(3), listing(3))).toBe(true);
    expect(seatsOnRelay(ctx(3), undefined)).toBe(false);
  });
  test("never with the threshold 0, nor on a store of one process (memory)", () => {
    expect(seatsOnRelay(ctx(0), listing(10_000))).toBe(false);
    expect(shardingOn(ctx(3, createMemoryStore()))).toBe(false);
    expect(seatsOnRelay(ctx(3, createMemoryStore()), listing(10_000))).toBe(false);
  });
  test("a relay is told by its metadata, and its Colyseus id can never be a chatroom id", () => {
    expect(isRelay({ [SHARD_KEY]: 1 })).toBe(true);
    expect(isRelay({ [SHARD_KEY]: 0 })).toBe(false);
    expect(isRelay(undefined)).toBe(false);
    const random = (n: number) => "x".repeat(n);
    for (const chatroomId of ["a", "live", "z".repeat(64)]) {
      const id = relayRoomId(chatroomId, random);
      expect(id.startsWith(`${chatroomId}_relay_`)).toBe(true);
      expect(ROOM_ID_PATTERN.test(id)).toBe(false);
      expect(/^[A-Za-z0-9_-]+$/.test(id)).toBe(true);
    }
  });
});
