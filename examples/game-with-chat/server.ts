/**
 * A studio's game server with chat added: its own `battle` room next to a chat room type, the
 * chat operator API on its Express app. In a studio's project the imports read
 * `from "colyseus-chatrooms"`; this example imports the repository's sources.
 */
import { defineRoom, defineServer, Room, type Client, type Server } from "@colyseus/core";
import { schema, t, type SchemaType } from "@colyseus/schema";
import {
  ChatError,
  ChatRoom,
  createChatrooms,
  exitReasonName,
  type ChatMember,
  type ChatMessageDraft,
  type Chatrooms,
  type ChatroomsOptions,
  type ExitReason,
  type MemberEnterInfo,
} from "../../src/index";

/** Squares per side of the board. */
export const BOARD_SIZE = 8;

/** A player on the board. */
const Player = schema({ x: t.number().default(0), y: t.number().default(0), team: t.string() }, "Player");
type Player = SchemaType<typeof Player>;

/** The battle's synchronized state: players by session. */
const BattleState = schema({ players: t.map(Player) }, "BattleState");
type BattleState = SchemaType<typeof BattleState>;

const TEAMS = ["red", "blue"] as const;

/** A square of the board: an integer in 0..BOARD_SIZE-1. */
const isSquare = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0 && (value as number) < BOARD_SIZE;

/** The studio's own game room: players join a team and move on a board. Nothing here knows about chat. */
export class BattleRoom extends Room<{ state: BattleState }> {
  override state = new BattleState();

  override onCreate(): void {
    // "move" { x, y }: go to that square; anything off the board is ignored
    this.onMessage("move", (client: Client, move: { x?: unknown; y?: unknown } | null | undefined) => {
      const player = this.state.players.get(client.sessionId);
      if (!player || !isSquare(move?.x) || !isSquare(move.y)) return;
      player.x = move.x;
      player.y = move.y;
    });
  }

  override onJoin(client: Client): void {
    const player = new Player();
    player.team = TEAMS.at(this.state.players.size % TEAMS.length) ?? TEAMS[0];
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
  /** The member's team (from its join options) becomes a field every member sees. */
  protected override async onMemberEnter(member: ChatMember, info: MemberEnterInfo): Promise<void> {
    const team = typeof info.options.team === "string" && /^(red|blue)$/.test(info.options.team) ? info.options.team : "none";
    this.setMemberFields(member.userId, { team });
  }

  /** Once per member, when its last connection is gone for good (a game would update its presence service). */
  protected override async onMemberLeave(member: ChatMember, reason: ExitReason): Promise<void> {
    console.log(`chat ${this.roomId}: ${member.userId} (team ${member.fields.team}) left: ${exitReasonName(reason)}`);
  }

  /** Refuses cheating talk with the game's own code (the sender gets 30001), masks a word for everyone. */
  protected override async onBeforeMessage(_member: ChatMember, message: ChatMessageDraft): Promise<ChatMessageDraft> {
    if (/cheat/i.test(message.content)) throw new ChatError(30001, "no cheating talk");
    return { ...message, content: message.content.replace(MASKED, "****") };
  }
}

/**
 * Builds the server (not listening): the ten lines a studio adds, plus its own room. `chatOptions`
 * takes any chat setting (appKey, appSecret, redisUrl, historySize, ...), checked like the
 * environment variables.
 */
export function buildServer(chatOptions: ChatroomsOptions = {}): { server: Server; chat: Chatrooms } {
  const chat = createChatrooms(chatOptions);
  const server = defineServer({
    rooms: { battle: defineRoom(BattleRoom), chat: chat.defineRoom(GameChat) },
    express: (app) => {
      app.use("/chat-admin", chat.router());
    },
    greet: false,
  });
  // the chat's store (and its Redis connections, if any) closes once the rooms are gone
  server.onShutdown(() => chat.close());
  return { server, chat };
}
