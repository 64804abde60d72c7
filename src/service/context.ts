import type { ChatConfig } from "../config";
import type { ChatStore } from "../store/types";
import type { ClaimKeeper } from "./claimKeeper";
import type { ProcessDrain } from "./drain";
import type { RoomDirectory } from "./directory";
import type { ChatEvents } from "./events";
import type { ModerationCaches } from "./moderationCache";

/** What rooms and services share on one server: its configuration, its store and its clock. */
export interface ChatContext {
  /** Settings; a room type registered with its own settings sees them merged in here. */
  readonly config: ChatConfig;
  readonly store: ChatStore;
  /** Current time in ms; injected so tests and rules agree on one clock. */
  now(): number;
  /** Unique id of this chatrooms instance (owner of its room-id claims, marker of its room types). */
  readonly processToken: string;
  /** This process's room-id claims, renewed while their rooms live. */
  readonly claims: ClaimKeeper;
  /** The moderation caches of this process's rooms, reloaded by every moderation change made here. */
  readonly moderationCaches: ModerationCaches;
  /** This instance's chat room types and their listings. */
  readonly directory: RoomDirectory;
  /** What happens in this instance's rooms (chat.events). */
  readonly events: ChatEvents;
  /** This process's chat rooms and whether it drains (chat.drain()). */
  readonly drain: ProcessDrain;
  /** Checks a user token (when an app secret is set); throws AUTH_FAILED. */
  authenticate(userId: string, token: string | undefined): void;
}
