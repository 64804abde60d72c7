/**
 * A studio's game server with chat added: its own `battle` room next to a chat room type, the
 * chat operator API on its Express app. In a studio's project the imports read
 * `from "colyseus-chatrooms"`; this example imports the repository's sources.
 */
import { defineRoom, defineServer, Room, type Client, type Server } from "@colyseus/core";
import { schema, t, type SchemaType } from "@colyseus/schema";
import { ChatError, ChatRoom, createChatrooms, exitReasonName, type ChatMember, type ChatMessageDraft, type Chatrooms, type ChatroomsOptions, type ExitReason, type MemberEnterInfo } from "../../src/index";

/** A player on the board. */
const Player = schema({ x: t.number(), y: t.number(), team: t.string() }, "Player");
type Player = SchemaType<typeof Player>;

/** The battle's synchronized state: players by session. */
const BattleState = schema({ players: t.map(Player) }, "BattleState");
type BattleState = SchemaType<typeof BattleState>;

const TEAMS = ["red", "blue"] as const;

/** The studio's own game room: players join a team and move on a board. */
export class BattleRoom extends Room<{ state: BattleState }> {
  override state = new BattleState();

  override onCreate(): void {
    this.onMessage("move", (client: Client, move: { x?: unknown; y?: unknown }) => {
      const player = this.state.players.get(client.sessionId);
      if (!player || typeof move?.x !== "number" || typeof move?.y !== "number") return;
      player.x = move.x;
      player.y = move.y;
    });
  }

  override onJoin(client: Client): void {
    const player = new Player();
    player.team = TEAMS[this.state.players.size % TEAMS.length]!;
    this.state.players.set(client.sessionId, player);
  }

  override onLeave(client: Client): void {
    this.state.players.delete(client.sessionId);
  }
}

/** Words the chat masks (an example: a real game loads its list). */
const MASKED = /\bnoob\b/gi;

/** The game's chat: teams shown to everyone, no cheating talk, a friendlier tone. */
export class GameChat extends ChatRoom {
  /** Who entered and left, for the example's log (a game would update its presence service). */
  readonly log: string[] = [];

  protected override async onMemberEnter(member: ChatMember, info: MemberEnterInfo): Promise<void> {
    const team = typeof info.options.team === "string" && /^(red|blue)$/.test(info.options.team) ? info.options.team : "none";
    this.setMemberFields(member.userId, { team });
    this.log.push(`${member.userId} entered${info.switchedFrom ? ` from ${info.switchedFrom}` : ""}`);
  }

  protected override async onMemberLeave(member: ChatMember, reason: ExitReason): Promise<void> {
    this.log.push(`${member.userId} left: ${exitReasonName(reason)}`);
  }

  protected override async onBeforeMessage(_member: ChatMember, message: ChatMessageDraft): Promise<ChatMessageDraft> {
    if (/cheat/i.test(message.content)) throw new ChatError(30001, "no cheating talk");
    return { ...message, content: message.content.replace(MASKED, "****") };
  }
}

/** Builds the server (not listening): the ten lines a studio adds, plus its own room. */
export function buildServer(chatOptions: ChatroomsOptions = {}): { server: Server; chat: Chatrooms } {
  const chat = createChatrooms(chatOptions);
  const server = defineServer({
    rooms: { battle: defineRoom(BattleRoom), chat: chat.defineRoom(GameChat) },
    express: (app) => {
      app.use("/chat-admin", chat.router());
    },
    greet: false,
  });
  return { server, chat };
}
