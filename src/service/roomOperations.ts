/**
 * What service code asks a live chat room to do, wherever the room runs: the contract between the
 * service layer and ChatRoom, which implements {@link ChatRoomOperations}. Services never name a
 * room method in a string: they call `ctx.directory.room(roomId)`, a {@link RoomCalls} whose
 * methods are exactly this interface's, so a renamed method breaks the build.
 */
import type { AttributeInfo, RoomInfo, RoomMessage } from "../protocol";
import type { Outcome } from "./remote";
import type { AdmittedEntry } from "./entry";
import type { ShardSnapshot } from "./shardWire";

/** Admission counters of a live room (see {@link ChatRoomOperations.operatorMessageStats}). */
export interface MessageStats {
  /** messages admitted (delivered) since the room was created */
  admitted: number;
  /** messages dropped by admission since the room was created */
  dropped: number;
  /** sequence number of the room's last message */
  lastSeq: number;
}

/**
 * The operations a chat room offers to other processes (through the matchmaker's remoteRoomCall).
 * Methods that can fail answer an {@link Outcome}: an exception thrown on another process would
 * reach the caller only as a timeout, losing its code. Arguments and answers must survive JSON.
 */
export interface ChatRoomOperations {
  /** Publishes a message ignoring mutes (still honouring the distribution switch); null when admission dropped it. */
  operatorPublish(senderUserID: string, type: string, content: string): Outcome<RoomMessage | null>;
  /** Recalls any message of the room's history and tells the members. */
  operatorRecall(messageID: string): Promise<Outcome<RoomMessage>>;
  /** Sets attributes owned by `ownerId`; without `isForce` only keys that are new or already `ownerId`'s. Answers the keys set. */
  operatorSetAttributes(ownerId: string, attributes: Record<string, string>, autoDelete: boolean, isForce: boolean): Outcome<string[]>;
  /** Deletes attributes; `actor` null ignores ownership. Answers the keys deleted. */
  operatorDeleteAttributes(actor: string | null, keys: string[]): Outcome<string[]>;
  /** Every attribute with owner, version and time. */
  operatorQueryAttributes(): Outcome<Record<string, AttributeInfo>>;
  /** Admission counters and the last sequence number. */
  operatorMessageStats(): Outcome<MessageStats>;
  /** The room's live info (cannot fail). */
  info(): RoomInfo;
  /** A relay shard (rooms/RelayShard.ts) attaches to this owner room: the state now, then frames. */
  shardAttach(relayId: string): Outcome<ShardSnapshot>;
  /** A relay closed (its sessions left before). */
  shardDetach(relayId: string): Outcome<null>;
  /** A member connection arrived at a relay: the entry as the owner's own onJoin runs it. Answers the room's last seq. */
  shardJoin(
    relayId: string,
    sessionId: string,
    entry: AdmittedEntry,
    options: Record<string, unknown>,
  ): Promise<Outcome<{ lastSeq: number }>>;
  /** A relay's connection left for good, with its close code and the room it switched to, if any. */
  shardLeave(relayId: string, sessionId: string, code: number | null, switchingTo: string | null): Outcome<null>;
  /** A relay's connection dropped; the relay holds its reconnection window. */
  shardDrop(relayId: string, sessionId: string): Outcome<null>;
  /** A relay's dropped connection came back. */
  shardReconnect(relayId: string, sessionId: string): Outcome<null>;
  /** A member request (ClientRequest) arriving at a relay, answered as if made here. */
  shardRequest(relayId: string, sessionId: string, type: string, body: unknown): Promise<Outcome<unknown>>;
}

/** The name of a {@link ChatRoomOperations} method. */
export type RoomOperation = keyof ChatRoomOperations;

/** What a caller gets from an operation: the value inside its Outcome, or its plain answer. */
type Answer<R> = Awaited<R> extends Outcome<infer T> ? T : Awaited<R>;

/**
 * A live room's operations as a caller on any process sees them: the same methods, each resolving
 * with the unwrapped answer, or rejecting with ChatError: ROOM_NOT_EXIST when the room is not
 * listed or does not answer, the room's own error from a failed Outcome, INTERNAL for an answer
 * that is no Outcome.
 */
export type RoomCalls = {
  readonly [K in RoomOperation]: (...args: Parameters<ChatRoomOperations[K]>) => Promise<Answer<ReturnType<ChatRoomOperations[K]>>>;
};

/** Whether an operation answers an Outcome to unwrap or a plain value, derived from its return type. */
type AnswerKind<K extends RoomOperation> = Awaited<ReturnType<ChatRoomOperations[K]>> extends Outcome<unknown> ? "outcome" : "value";

/** How a remote call of an operation is made and read. */
export interface OperationShape<A extends "outcome" | "value"> {
  readonly answer: A;
  /** How long to wait for the room [the matchmaker's default]. */
  readonly timeoutMs?: number;
}

/**
 * Every operation with the shape of its answer; typed so that the compiler demands each method of
 * {@link ChatRoomOperations} once and the right answer kind for it.
 */
export const ROOM_OPERATIONS: { readonly [K in RoomOperation]: OperationShape<AnswerKind<K>> } = {
  operatorPublish: { answer: "outcome" },
  operatorRecall: { answer: "outcome" },
  operatorSetAttributes: { answer: "outcome" },
  operatorDeleteAttributes: { answer: "outcome" },
  operatorQueryAttributes: { answer: "outcome" },
  operatorMessageStats: { answer: "outcome" },
  info: { answer: "value", timeoutMs: 2000 },
  shardAttach: { answer: "outcome" },
  shardDetach: { answer: "outcome" },
  shardJoin: { answer: "outcome", timeoutMs: 10_000 },
  shardLeave: { answer: "outcome" },
  shardDrop: { answer: "outcome" },
  shardReconnect: { answer: "outcome" },
  shardRequest: { answer: "outcome", timeoutMs: 10_000 },
};
