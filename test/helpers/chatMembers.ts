/**
 * ChatClient members of the cluster suites: what each received and reported, a sender that keeps
 * sending, and the checks that every accepted message reached every member once, in seq order.
 */
import type { Redis } from "ioredis";
import { ChatClient, type RoomMessage } from "../../src/client";
import type { ServerProcess } from "./cluster";
import { tokenFor, type OperatorCredentials } from "./operator";
import { waitFor } from "./wait";

/** A ChatClient with what it received and reported, in order. */
export interface Member {
  chat: ChatClient;
  userId: string;
  /** seqs of roomMessageReceived, in the order they came. */
  seqs: number[];
  states: string[];
  exits: string[];
}

export async function member(via: ServerProcess, userId: string, creds: OperatorCredentials): Promise<Member> {
  const chat = new ChatClient(`ws://127.0.0.1:${via.port}`, { userId, token: await tokenFor(via.httpUrl, userId, creds) });
  const m: Member = { chat, userId, seqs: [], states: [], exits: [] };
  chat.on("roomMessageReceived", (messages: RoomMessage[]) => m.seqs.push(...messages.map((x) => x.seq)));
  chat.on("roomStateChanged", (roomID, state, event) => m.states.push(`${roomID} ${state}/${event}`));
  chat.on("exitRoom", (roomID, reason) => m.exits.push(`${roomID}:${reason}`));
  return m;
}

/** The public address ("127.0.0.1:port") of the process hosting room `roomId`, from Colyseus' listings in Redis. */
export async function hostOf(admin: Redis, roomId: string): Promise<string | undefined> {
  const listing = await admin.hget("roomcaches", roomId);
  return listing === null ? undefined : (JSON.parse(listing) as { publicAddress?: string }).publicAddress;
}

export const addressOf = (p: ServerProcess) => `127.0.0.1:${p.port}`;

/** A member that keeps sending to `roomID` until stopped; a send refused while its room moves is not accepted. */
export function keepSending(sender: Member, roomID: string): { accepted: number[]; stop(): Promise<void> } {
  const accepted: number[] = [];
  const state = { sending: true };
  const loop = (async () => {
    for (let i = 0; state.sending; i++) {
      await sender.chat.sendRoomMessage(roomID, { type: "text", content: `m${i}` }).then(
        (message) => accepted.push(message.seq),
        () => undefined,
      );
      await new Promise((r) => setTimeout(r, 15)); // the sender's pace, not a wait for a condition
    }
  })();
  return {
    accepted,
    async stop() {
      state.sending = false;
      await loop;
    },
  };
}

/** Every member received every accepted message, each once, in seq order. */
export async function expectEveryMessageOnce(members: readonly Member[], accepted: readonly number[]): Promise<void> {
  const last = accepted.at(-1) as number;
  await waitFor(() => members.every((m) => m.seqs.includes(last)), 5000, "the last accepted message everywhere");
  for (const m of members) {
    expect(m.seqs).toEqual([...new Set(m.seqs)].sort((x, y) => x - y));
    expect(accepted.filter((seq) => !m.seqs.includes(seq))).toEqual([]);
  }
}

/** Every member reported the room as reconnecting and is back in it. */
export const allBack = (members: readonly Member[], roomID: string) =>
  members.every((m) => m.states.includes(`${roomID} connecting/interrupted`) && m.states.at(-1) === `${roomID} connected/success`);
