/**
 * Names of the {@link ExpiringSetStore} scopes and bus topics, in one place so the rooms, the
 * services and the HTTP API cannot drift apart.
 */
import type { RoomRole } from "../core/roles";

export const Scope = {
  /** Room ids that are never auto-destroyed. */
  keepAlive: "keepalive",
  /** Room ids a user is a member of (rooms-per-user limit, leaveAll across processes). */
  userRooms: (userId: string) => `user-rooms:${userId}`,
  /** Users banned (blocked) from a room. */
  banned: (roomId: string) => `banned:${roomId}`,
  /** Users protected from automatic kick-out in a room. */
  protectedUsers: (roomId: string) => `protected:${roomId}`,
  /** Users muted (gagged) in a room: they read but cannot send. */
  muted: (roomId: string) => `muted:${roomId}`,
  /** Users muted in every room. */
  globallyMuted: "global-muted",
  /** Room ids in mute-all. */
  muteAllRooms: "mute-all",
  /** Users who may still send while their room is in mute-all. */
  muteExceptions: (roomId: string) => `mute-exceptions:${roomId}`,
  /** Message types dropped first under load, app-wide (chatroom/message/priority). */
  lowPriorityTypes: "low-priority-types",
  /** Message types never dropped, app-wide (chatroom/whitelist). */
  protectedTypes: "protected-types",
  /** Room ids whose message distribution is stopped. */
  distributionStopped: "distribution-stopped",
  /** At most one member: the room's slow-mode interval in seconds (core/slowMode); none = off. */
  slowMode: (roomId: string) => `slow-mode:${roomId}`,
  /** Users shadow-banned in a room: their messages reach only themselves. */
  shadowBanned: (roomId: string) => `shadow-banned:${roomId}`,
  /** Users shadow-banned in every room. */
  globallyShadowBanned: "global-shadow-banned",
  /** The app-wide word filter: encoded entries (core/wordFilter). */
  appWordFilter: "word-filter",
  /** A room's own word filter: encoded entries (core/wordFilter). */
  roomWordFilter: (roomId: string) => `word-filter:${roomId}`,
  /** At most one member: the room's destroy type and time set by the operator API (core/destroyOverride). */
  destroyOverride: (roomId: string) => `destroy-override:${roomId}`,
  /** Users holding `role` in a room (src/core/roles.ts): one scope per role, so each is capped on its own. */
  roomRole: (roomId: string, role: RoomRole) => `role-${role}:${roomId}`,
  /** Colyseus process ids that are draining (chat.drain()): new rooms go elsewhere. Each expires unless renewed. */
  drainingProcesses: "draining-processes",
} as const;

export const Topic = {
  /** Commands and change notices for one room, wherever it lives: {@link RoomCommand}. */
  room: (roomId: string) => `room:${roomId}`,
  /** An owner room's frames to its relay shards on other processes (rooms/shardWire.ts). */
  shard: (roomId: string) => `shard:${roomId}`,
  /** Changes that concern every room (global mute, app-wide lists, broadcast): {@link RoomCommand} too. */
  allRooms: "rooms:*",
} as const;

/** Messages on {@link Topic.room}. */
export type RoomCommand =
  | { type: "remove"; userIds: string[]; reason: number }
  | { type: "destroy"; reason: number }
  | { type: "moderation" }
  | { type: "policy" }
  /** the room's roles changed (service/roles) */
  | { type: "roles" }
  /** message settings changed: low-priority/protected types or the distribution switch */
  | { type: "lists" }
  /** a message from the operator API */
  | { type: "publish"; senderUserID: string; messageType: string; content: string };
