import { schema, t, type SchemaType } from "@colyseus/schema";

/** A member as synchronized to every client (plain @colyseus/sdk clients read it too). */
export const MemberState = schema(
  {
    userId: t.string(),
    userName: t.string(),
    joinedAt: t.number(),
    online: t.boolean(),
    devices: t.uint8(),
    /**
     * The app's custom member fields (ChatRoom.setMemberFields); absent while a member has none, so a
     * joiner's full state carries no empty map per listed member (it halved the decode of a 500-member list).
     */
    fields: t.map("string").optional(),
  },
  "MemberState",
);
export type MemberState = SchemaType<typeof MemberState>;

/** The synchronized state of a chatroom. `attributes` holds the room key-value pairs. */
export const ChatState = schema(
  {
    roomId: t.string(),
    roomName: t.string(),
    createdAt: t.number(),
    memberCount: t.uint32(),
    members: t.map(MemberState),
    attributes: t.map("string"),
    /** Room roles by user id ("owner", "admin", "moderator"), present members or not; members without a role are absent. */
    roles: t.map("string"),
    /** Slow mode: seconds between one member's messages (0 = off; docs/moderation.md). */
    slowModeSeconds: t.uint8(),
  },
  "ChatState",
);
export type ChatState = SchemaType<typeof ChatState>;
