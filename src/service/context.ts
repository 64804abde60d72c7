import type { ChatConfig } from "../config";
import type { ChatStore } from "../store/types";
import type { ClaimKeeper } from "./claimKeeper";
import type { ModerationCaches } from "./moderationCache";

/** What rooms and services share on one server: its configuration, its store and its clock. */
export interface ChatContext {
  readonly config: ChatConfig;
  readonly store: ChatStore;
  /** Current time in ms; injected so tests and rules agree on one clock. */
  now(): number;
  /** Unique id of this server process (owner of its room-id claims). */
  readonly processToken: string;
  /** This process's room-id claims, renewed while their rooms live. */
  readonly claims: ClaimKeeper;
  /** The moderation caches of this process's rooms, reloaded by every moderation change made here. */
  readonly moderationCaches: ModerationCaches;
}
