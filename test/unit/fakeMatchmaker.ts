/**
 * A fake of the service layer's Matchmaker seam and a ChatContext over it with the in-memory
 * store: unit tests of the directory, room calls and entry rules without a Colyseus server.
 */
import type { IRoomCache } from "@colyseus/core";
import { resolveConfig, type ChatConfig } from "../../src/config";
import { ClaimKeeper } from "../../src/service/claimKeeper";
import type { ChatContext } from "../../src/service/context";
import { ProcessDrain } from "../../src/service/drain";
import { APP_ON_AUTH, CHAT_CONTEXT, createRoomDirectory, type AppOnAuth } from "../../src/service/directory";
import { ChatEvents } from "../../src/service/events";
import type { Matchmaker, RoomHandler, SeatReservation } from "../../src/service/matchmaker";
import { ModerationCaches } from "../../src/service/moderationCache";
import { createMemoryStore } from "../../src/store/memory";

/** The process token of the context {@link fakeContext} builds. */
export const TOKEN = "token-of-this-instance";

/** One remote call the fake received. */
export interface RemoteCall {
  roomId: string;
  method: string;
  args: unknown[];
  timeoutMs: number | undefined;
}

/** A registered room class bound to the chatrooms instance of `processToken`, optionally with an app onAuth. */
export function chatHandler(processToken = TOKEN, appOnAuth?: AppOnAuth): RoomHandler {
  return { klass: { [CHAT_CONTEXT]: { processToken }, [APP_ON_AUTH]: appOnAuth } };
}

/** A registered room class of the app's own (no chat context). */
export function otherHandler(): RoomHandler {
  // eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a stand-in for an app's own room class: only its identity (no chat context) matters
  return { klass: class BattleRoom {} };
}

/** A listing of room `roomId` of type `name`. */
export function listing(roomId: string, name: string): IRoomCache {
  return { roomId, name, processId: "proc-1", clients: 0, maxClients: Infinity } as IRoomCache;
}

/**
 * The matchmaker as a table: registered handlers, listings by room id, and answers to remote calls
 * from {@link answer}. Creating a room lists it; every call is recorded.
 */
export class FakeMatchmaker implements Matchmaker {
  readonly handlers: Record<string, RoomHandler> = Object.create(null);
  readonly listings = new Map<string, IRoomCache>();
  readonly remoteCalls: RemoteCall[] = [];
  readonly created: { roomType: string; options: Record<string, unknown> }[] = [];
  readonly seats: { listing: IRoomCache; options: Record<string, unknown>; auth: unknown }[] = [];
  /** What a remote call answers (or throws); by default an ok Outcome of null. */
  answer: (call: RemoteCall) => unknown = () => ({ ok: true, value: null });
  /** What createRoom does; by default lists a room of that type under options.roomId. */
  onCreate: (roomType: string, options: Record<string, unknown>) => Promise<IRoomCache> = async (roomType, options) => {
    const created = listing(String(options.roomId), roomType);
    this.listings.set(created.roomId, created);
    return created;
  };
  /** What reserveSeatFor does; by default a seat in the listing. */
  onReserve: (listing: IRoomCache) => Promise<SeatReservation> = async (room) => ({
    name: room.name,
    roomId: room.roomId,
    processId: room.processId,
    sessionId: `s${this.seats.length}`,
  });

  async getRoomById(roomId: string): Promise<IRoomCache | undefined> {
    return this.listings.get(roomId);
  }
  async query(): Promise<IRoomCache[]> {
    return [...this.listings.values()];
  }
  getAllHandlers(): Readonly<Record<string, RoomHandler>> {
    return this.handlers;
  }
  createRoom(roomType: string, options: Record<string, unknown>): Promise<IRoomCache> {
    this.created.push({ roomType, options });
    return this.onCreate(roomType, options);
  }
  reserveSeatFor(room: IRoomCache, options: Record<string, unknown>, auth: unknown): Promise<SeatReservation> {
    this.seats.push({ listing: room, options, auth });
    return this.onReserve(room);
  }
  async remoteRoomCall(roomId: string, method: string, args: unknown[], timeoutMs?: number): Promise<unknown> {
    const call = { roomId, method, args, timeoutMs };
    this.remoteCalls.push(call);
    return this.answer(call);
  }
}

/**
 * A context over `matchmaker` and a fresh in-memory store, with the clock `now` and default settings
 * overridden by `config` (unchecked, so a test may go below a setting's minimum); stop its claims
 * and close its store after the test.
 */
export function fakeContext(
  matchmaker: Matchmaker,
  options: { preferredType?: string; now?: () => number; config?: Partial<ChatConfig> } = {},
): ChatContext {
  const store = createMemoryStore();
  const now = options.now ?? Date.now;
  return {
    config: { ...resolveConfig({}), ...options.config },
    store,
    now,
    processToken: TOKEN,
    claims: new ClaimKeeper(store.claims, TOKEN),
    moderationCaches: new ModerationCaches(),
    directory: createRoomDirectory(TOKEN, options.preferredType, matchmaker),
    events: new ChatEvents(),
    drain: new ProcessDrain(store.sets, now, () => "fake-process"),
    authenticate() {},
  };
}
