/**
 * BENCH_TRACE=1: times each stage of a message's way through the chat server, as µs since the
 * sender stamped it (the stamp is in the content; the clock is the machine's monotonic one, shared
 * by the processes). The stages are taken by wrapping methods of this process's chat classes, so
 * the server code runs unchanged; the receivers' own figure (send to decoded on the client) closes
 * the chain. For diagnosis only: the wrappers cost CPU, so a traced run's figures are not saved.
 */
import { Room } from "@colyseus/core";
import { MessageBatcher } from "../../rooms/MessageBatcher";
import { MessagePipeline } from "../../rooms/MessagePipeline";
import { ServerMessage, type RoomMessage } from "../../src/protocol";
import { nowUs, stampOf } from "../lib/clock";
import { quantile } from "../lib/stats";
import type { ServerTrace } from "../lib/protocol";

const STAGES = [
  "received (the room's send handler)",
  "numbered, queued for the batch",
  "batch handed to the broadcast",
  "encoded, framed for every member",
  "written to every member's socket",
] as const;
type Stage = (typeof STAGES)[number];

const samples = new Map<Stage, number[]>(STAGES.map((stage) => [stage, []]));

function mark(stage: Stage, content: unknown): void {
  if (typeof content !== "string") return;
  const sent = stampOf(content);
  if (Number.isFinite(sent)) samples.get(stage)?.push(nowUs() - sent);
}

/** Wraps the stages' methods (when BENCH_TRACE=1); returns the report function for the control channel, or undefined. */
export function installTrace(): (() => ServerTrace) | undefined {
  if (process.env.BENCH_TRACE !== "1") return undefined;
  /* eslint-disable @typescript-eslint/unbound-method -- each original is called with the wrapper's own `this` */
  const send = MessagePipeline.prototype.sendFromMember;
  MessagePipeline.prototype.sendFromMember = function (this: MessagePipeline, userId: string, body: unknown) {
    mark("received (the room's send handler)", (body as { content?: unknown } | null)?.content);
    return send.call(this, userId, body);
  };
  const push = MessageBatcher.prototype.push;
  MessageBatcher.prototype.push = function (this: MessageBatcher, message: RoomMessage) {
    mark("numbered, queued for the batch", message.content);
    push.call(this, message);
  };
  // the batch a flush broadcast, to time its writes once the flush (and its flushWrites) returns
  const current: { batch?: RoomMessage[] } = {};
  const broadcast = Room.prototype.broadcast;
  Room.prototype.broadcast = function (this: Room, type: string | number, message?: unknown, options?: unknown) {
    const batch = type === ServerMessage.MESSAGES && Array.isArray(message) ? (message as RoomMessage[]) : undefined;
    for (const m of batch ?? []) mark("batch handed to the broadcast", m.content);
    broadcast.call(this, type, message, options as never);
    for (const m of batch ?? []) mark("encoded, framed for every member", m.content);
    current.batch = batch;
  } as typeof Room.prototype.broadcast;
  const flush = MessageBatcher.prototype.flush;
  MessageBatcher.prototype.flush = function (this: MessageBatcher) {
    current.batch = undefined;
    flush.call(this);
    // set by the broadcast wrapper during the call (TypeScript cannot see that)
    const written = current.batch as RoomMessage[] | undefined;
    for (const m of written ?? []) mark("written to every member's socket", m.content);
    current.batch = undefined;
  };
  /* eslint-enable @typescript-eslint/unbound-method */
  return () => {
    const stages = STAGES.map((stage) => {
      const values = Float64Array.from(samples.get(stage) ?? []);
      return { stage, count: values.length, p50Us: quantile(values, 0.5), p99Us: quantile(values, 0.99) };
    });
    for (const list of samples.values()) list.length = 0;
    return { type: "trace", stages };
  };
}
