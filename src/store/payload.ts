/**
 * The one wire format of {@link ChatBus} payloads, shared by both backends so that the memory bus
 * hands handlers exactly what the Redis bus would: a fresh JSON copy (no shared references, no
 * `undefined` fields, Dates as strings, Maps as `{}`).
 */
import type { ChatBus } from "./types";

/** JSON.stringify as it behaves: undefined for undefined, a function or a symbol (its declared type leaves that out). */
const toJson: (value: unknown) => string | undefined = JSON.stringify;

/**
 * Encodes a payload for publishing.
 * @throws TypeError when the payload is not JSON-serializable (undefined, a function, a BigInt,
 * a cycle), so a publish fails at the publisher, not silently at the receivers.
 */
export function encodePayload(topic: string, payload: unknown): string {
  let text: string | undefined;
  try {
    text = toJson(payload);
  } catch (error) {
    throw new TypeError(`ChatBus.publish("${topic}"): payload is not JSON-serializable (${String(error)})`, { cause: error });
  }
  if (text === undefined) {
    throw new TypeError(`ChatBus.publish("${topic}"): payload must be JSON-serializable, got ${typeof payload}`);
  }
  return text;
}

/** Decodes a payload for one handler: each handler gets its own copy. */
export function decodePayload(text: string): unknown {
  return JSON.parse(text) as unknown;
}

/** Handler type of {@link ChatBus.subscribe}. */
export type BusHandler = Parameters<ChatBus["subscribe"]>[1];

/** Called when a bus handler throws; the other handlers still run. */
export type BusErrorReporter = (error: unknown, topic: string) => void;

/** Default {@link BusErrorReporter}: logs to stderr, never rethrows (a throw would crash the process). */
export const reportToConsole: BusErrorReporter = (error, topic) => {
  console.error(`ChatBus handler for "${topic}" threw:`, error);
};

/** Delivers one encoded message to a snapshot of handlers, each with its own copy, isolating throws. */
export function deliver(topic: string, text: string, handlers: Iterable<BusHandler>, onError: BusErrorReporter): void {
  for (const handler of [...handlers]) {
    try {
      handler(decodePayload(text));
    } catch (error) {
      onError(error, topic);
    }
  }
}
