/**
 * The before-send callback against a real receiver (node:http) and a real Colyseus server with
 * SDK clients: pass, reject (the sender's request gets the receiver's code and message), replace,
 * and a receiver that does not answer in time or answers nonsense, failing open and closed.
 *
 * Room types: `open` and `closed` are ChatRoom with the callback (fail-open / fail-closed, 300 ms);
 * `guarded` is a subclass with its own onBeforeMessage, which runs before the callback.
 * The receiver answers by content: `cheat...` refuse 30001, `shout:<text>` replace, `slow...`
 * hold (never in time), `garbage...` not JSON, `bad...` a reply of the wrong shape, else pass.
 */
import { defineServer } from "@colyseus/core";
import { Client, type Room as SdkRoom } from "@colyseus/sdk";
import {
  ChatError,
  ChatRoom,
  createBeforeSendCallback,
  createChatrooms,
  DEFAULT_REFUSAL_MESSAGE,
  ErrorCode,
  withBeforeSendCallback,
  type BeforeSendRequest,
  type ChatMember,
  type ChatMessageDraft,
  type Chatrooms,
  type RoomMessage,
} from "../../src/index";
import { nextEvent } from "../helpers/server";
import { firstState, opened, servePlugin, type PluginServer } from "../plugin/helpers";
import { bounded, CREDS, startReceiver, type Handler, type Receiver } from "./receiver";

const TIMEOUT_MS = 300;

/** Refuses "local..." itself, before the callback is asked. */
class GuardedChat extends ChatRoom {
  protected override async onBeforeMessage(_member: ChatMember, message: ChatMessageDraft): Promise<ChatMessageDraft | undefined> {
    if (message.content.startsWith("local")) throw new ChatError(30009, "refused by the room itself");
    return { ...message, content: `${message.content}!` };
  }
}

const answer: Handler = (_request, json) => {
  const { content } = json as BeforeSendRequest;
  if (content.startsWith("cheat")) return { status: 200, body: { pass: false, code: 30001, message: "no cheating talk" } };
  if (content.startsWith("quiet")) return { status: 200, body: { pass: false, code: 30002 } };
  if (content.startsWith("shout:")) return { status: 200, body: { replace: { type: "shout", content: content.slice(6).toUpperCase() } } };
  if (content.startsWith("slow")) return "hold";
  if (content.startsWith("garbage")) return { status: 200, body: "<html>oops</html>" };
  if (content.startsWith("bad")) return { status: 200, body: { pass: "yes" } };
  return { status: 200, body: { pass: true } };
};

let receiver: Receiver;
let chat: Chatrooms;
let plugin: PluginServer;
let sdk: Client;

beforeAll(async () => {
  receiver = await startReceiver(answer);
  chat = createChatrooms({ sendRatePerSecond: 100 });
  const open = createBeforeSendCallback({ url: receiver.url, ...CREDS, timeoutMs: TIMEOUT_MS });
  const closed = createBeforeSendCallback({ url: receiver.url, ...CREDS, timeoutMs: TIMEOUT_MS, failOpen: false });
  const server = defineServer({
    rooms: {
      open: chat.defineRoom(withBeforeSendCallback(ChatRoom, open)),
      closed: chat.defineRoom(withBeforeSendCallback(ChatRoom, closed)),
      guarded: chat.defineRoom(withBeforeSendCallback(GuardedChat, open)),
    },
    greet: false,
  });
  plugin = await servePlugin(server, [chat]);
  sdk = new Client(plugin.httpUrl);
});
afterAll(async () => {
  await plugin.stop();
  await receiver.close();
});

async function join(type: string, roomId: string, userId: string): Promise<SdkRoom> {
  const room = await opened(sdk.joinOrCreate(type, { roomId, userId }));
  await firstState(room);
  return room;
}

/** What the sender's request resolved with, or the `reason` it was refused with; bounded. */
async function send(
  room: SdkRoom,
  content: string,
  type = "text",
): Promise<{ sent?: RoomMessage; refused?: { code: number; message: string } }> {
  try {
    return {
      sent: await bounded(room.request<unknown, RoomMessage>("sendMessage", { type, content }), 5000, `the answer to "${content}"`),
    };
  } catch (e) {
    const reason = (e as { reason?: { code: number; message: string } }).reason;
    if (!reason) throw e;
    return { refused: { code: reason.code, message: reason.message } };
  }
}

/** The callback requests the receiver got for `content`. */
const requestsFor = (content: string) => receiver.requests.filter((r) => (JSON.parse(r.body) as BeforeSendRequest).content === content);

test("pass: the message goes out as sent; the receiver got it signed, with room, sender, type, content, priority and time", async () => {
  const room = await join("open", "bs-pass", "alice");
  const before = Date.now();
  const { sent } = await send(room, "hello there");
  expect(sent).toMatchObject({ type: "text", content: "hello there", senderUserID: "alice" });
  const [request] = requestsFor("hello there");
  expect(request).toMatchObject({ signed: true, bodySigned: true });
  const body = JSON.parse(request!.body) as BeforeSendRequest;
  expect(body).toEqual({
    roomId: "bs-pass",
    fromUserId: "alice",
    type: "text",
    content: "hello there",
    priority: "normal",
    timestamp: expect.any(Number),
  });
  expect(body.timestamp).toBeGreaterThanOrEqual(before);
});

test("reject: the sender's request is refused with the receiver's code and message; nobody gets the message", async () => {
  const room = await join("open", "bs-reject", "bob");
  const refusedEvent = nextEvent(chat.events, "messageRefused", (e) => e.roomId === "bs-reject");
  expect(await send(room, "cheat codes here")).toEqual({ refused: { code: 30001, message: "no cheating talk" } });
  expect(await refusedEvent).toMatchObject({ userId: "bob", code: 30001 });
  expect(await send(room, "quiet please")).toEqual({ refused: { code: 30002, message: DEFAULT_REFUSAL_MESSAGE } });
  // the room goes on: the next message passes and takes the first seq
  expect((await send(room, "fine")).sent).toMatchObject({ seq: 1, content: "fine" });
});

test("replace: the receiver's message goes out instead", async () => {
  const room = await join("open", "bs-replace", "carol");
  expect((await send(room, "shout:gg wp")).sent).toMatchObject({ type: "shout", content: "GG WP", senderUserID: "carol" });
});

test("the class's own onBeforeMessage runs first: its refusal never reaches the receiver, its change does", async () => {
  const room = await join("guarded", "bs-guarded", "dan");
  expect(await send(room, "local only")).toEqual({ refused: { code: 30009, message: "refused by the room itself" } });
  expect(requestsFor("local only")).toEqual([]);
  expect((await send(room, "shout:hi")).sent).toMatchObject({ type: "shout", content: "HI!" });
});

describe("a receiver that fails", () => {
  let warnings: jest.SpyInstance;
  beforeEach(() => {
    warnings = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  });
  afterEach(() => {
    receiver.release(200, { pass: true });
    warnings.mockRestore();
  });

  test("fail-open: a timeout lets the message pass unchanged, logged once per burst of failures", async () => {
    const room = await join("open", "bs-open", "erin");
    const started = Date.now();
    expect((await send(room, "slow one")).sent).toMatchObject({ content: "slow one" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
    expect(requestsFor("slow one")).toHaveLength(1);
    expect((await send(room, "garbage reply")).sent).toMatchObject({ content: "garbage reply" });
    expect((await send(room, "bad reply")).sent).toMatchObject({ content: "bad reply" });
    const lines = () => warnings.mock.calls.map((args: unknown[]) => String(args[0]));
    expect(lines()).toEqual([
      expect.stringMatching(/before-send callback .* \(fail-open: messages pass\) failing: no answer from .* within 300 ms/),
    ]);
    // the next good answer ends the burst
    expect((await send(room, "shout:back")).sent).toMatchObject({ content: "BACK" });
    expect(lines()).toEqual([expect.any(String), expect.stringContaining("recovered after 3 failure(s)")]);
  });

  test("fail-closed: a timeout or a bad reply refuses the message with INTERNAL (1000), saying why", async () => {
    const room = await join("closed", "bs-closed", "finn");
    const timedOut = await send(room, "slow two");
    expect(timedOut.refused).toEqual({
      code: ErrorCode.INTERNAL,
      message: expect.stringMatching(/^message not sent: the before-send callback failed \(no answer from .* within 300 ms\)$/),
    });
    expect((await send(room, "garbage again")).refused).toEqual({ code: ErrorCode.INTERNAL, message: expect.stringContaining("not JSON") });
    expect((await send(room, "bad again")).refused).toMatchObject({ code: ErrorCode.INTERNAL });
    // nothing was sent: the next message passing takes the first seq
    expect((await send(room, "ok now")).sent).toMatchObject({ seq: 1 });
  });

  test("fail-closed: an unreachable receiver refuses too", async () => {
    const gone = await startReceiver();
    await gone.close();
    const callback = createBeforeSendCallback({ url: gone.url, ...CREDS, failOpen: false });
    await expect(callback("r", "u", { type: "text", content: "x", priority: "normal" })).rejects.toMatchObject({
      code: ErrorCode.INTERNAL,
      message: expect.stringContaining("fetch failed"),
    });
    const open = createBeforeSendCallback({ url: gone.url, ...CREDS });
    await expect(open("r", "u", { type: "text", content: "x", priority: "normal" })).resolves.toBeUndefined();
  });
});

test("bad options are refused with 1002 naming the option", () => {
  expect(() => createBeforeSendCallback({ url: "nope", ...CREDS })).toThrow(
    expect.objectContaining({ code: 1002, message: expect.stringContaining("url must be an http or https URL") }),
  );
  expect(() => createBeforeSendCallback({ url: "http://x", ...CREDS, timeoutMs: 0 })).toThrow(
    expect.objectContaining({ code: 1002, message: expect.stringContaining("timeoutMs") }),
  );
});
