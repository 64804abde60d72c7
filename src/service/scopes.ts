/**
 * Names of the {@link ExpiringSetStore} scopes and bus topics, in one place so the rooms, the
 * services and the HTTP API cannot drift apart.
 */
export const Scope = {
  /** Room ids that are never auto-destroyed. */
  keepAlive: "keepalive",
  /** Room ids a user is a member of (rooms-per-user limit, leaveAll across processes). */
  userRooms: (userId: string) => `user-rooms:${userId}`,
  /** Users banned (blocked) from a room. */
  banned: (roomId: string) => `banned:${roomId}`,
  /** Users protected from automatic kick-out in a room. */
  protectedUsers: (roomId: string) => `protected:${roomId}`,
} as const;

export const Topic = {
  /** Commands and change notices for one room, wherever it lives: {@link RoomCommand}. */
  room: (roomId: string) => `room:${roomId}`,
  /** Changes that concern every room (global mute, app-wide lists). */
  allRooms: "rooms:*",
} as const;

/** Messages on {@link Topic.room}. */
export type RoomCommand =
  | { type: "remove"; userIds: string[]; reason: number }
  | { type: "destroy"; reason: number }
  | { type: "moderation" }
  | { type: "policy" };
