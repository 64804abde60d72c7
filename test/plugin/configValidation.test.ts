/**
 * Settings given in code are checked like the environment variables: a bad value throws
 * ChatError(PARAMETER) naming the option, its environment variable and its range, before any
 * server exists. No server is started here (createChatServer throws before defineServer).
 */
import { Room } from "@colyseus/core";
import {
  ChatError,
  ChatRoom,
  configFromEnv,
  createChatrooms,
  createChatServer,
  ErrorCode,
  INT_SETTINGS,
  ROOM_SETTING_KEYS,
  type Chatrooms,
} from "../../src/index";

/** The ChatError `build` throws; fails when it does not throw, or throws something else. */
function thrown(build: () => unknown): ChatError {
  let result: unknown;
  try {
    result = build();
  } catch (e) {
    expect(e).toBeInstanceOf(ChatError);
    return e as ChatError;
  }
  if (result && typeof (result as Chatrooms).close === "function") void (result as Chatrooms).close();
  throw new Error("expected a ChatError, nothing was thrown");
}

const opened: Chatrooms[] = [];
/** A valid chatrooms instance, closed after the file. */
function chatrooms(options: Parameters<typeof createChatrooms>[0] = {}): Chatrooms {
  const chat = createChatrooms(options);
  opened.push(chat);
  return chat;
}
afterAll(async () => {
  await Promise.all(opened.map((chat) => chat.close()));
});

describe("createChatrooms(options)", () => {
  test("reconnectWindowS: -1 throws PARAMETER naming the option, its variable and its range", () => {
    const err = thrown(() => createChatrooms({ reconnectWindowS: -1 }));
    expect(err.code).toBe(ErrorCode.PARAMETER);
    expect(err.code).toBe(1002);
    expect(err.message).toContain("reconnectWindowS");
    expect(err.message).toContain("CHAT_RECONNECT_WINDOW_S");
    expect(err.message).toContain("1..3600");
    expect(err.message).toContain("-1");
  });

  test("the range's bounds are accepted, the values just outside are not", () => {
    expect(chatrooms({ reconnectWindowS: 1 }).config.reconnectWindowS).toBe(1);
    expect(chatrooms({ reconnectWindowS: 3600 }).config.reconnectWindowS).toBe(3600);
    expect(thrown(() => createChatrooms({ reconnectWindowS: 0 })).message).toContain("1..3600");
    expect(thrown(() => createChatrooms({ reconnectWindowS: 3601 })).message).toContain("1..3600");
  });

  test("a non-integer or a numeric string is refused (code is not the environment)", () => {
    expect(thrown(() => createChatrooms({ reconnectWindowS: 1.5 })).code).toBe(ErrorCode.PARAMETER);
    expect(thrown(() => createChatrooms({ reconnectWindowS: "30" as unknown as number })).message).toContain("reconnectWindowS");
  });

  const intRows = Object.entries(INT_SETTINGS).map(([key, { env, min, max }]) => [key, env, min, max] as const);
  test.each(intRows)("%s above its range names %s and %i..%i", (key, env, min, max) => {
    const err = thrown(() => createChatrooms({ [key]: max + 1 }));
    expect(err.code).toBe(ErrorCode.PARAMETER);
    expect(err.message).toContain(key);
    expect(err.message).toContain(env);
    expect(err.message).toContain(`${min}..${max}`);
  });

  test("an unknown (misspelt) option is refused, naming it", () => {
    const err = thrown(() => createChatrooms({ reconectWindowS: 5 } as never));
    expect(err.code).toBe(ErrorCode.PARAMETER);
    expect(err.message).toContain("reconectWindowS");
    expect(err.message).toMatch(/unknown/i);
  });

  test('kickoutMode "x" is refused, naming the modes', () => {
    const err = thrown(() => createChatrooms({ kickoutMode: "x" as never }));
    expect(err.code).toBe(ErrorCode.PARAMETER);
    expect(err.message).toContain("kickoutMode");
    expect(err.message).toContain("CHAT_KICKOUT_MODE");
    expect(err.message).toContain('"rongcloud"');
    expect(err.message).toContain('"timer"');
    expect(chatrooms({ kickoutMode: "timer" }).config.kickoutMode).toBe("timer");
  });

  test("a string setting given a number is refused", () => {
    const err = thrown(() => createChatrooms({ appSecret: 42 as never }));
    expect(err.code).toBe(ErrorCode.PARAMETER);
    expect(err.message).toContain("appSecret");
  });
});

describe("chat.defineRoom(RoomClass, settings)", () => {
  test("a per-process setting (appSecret) is refused for a room type, naming it", () => {
    const chat = chatrooms();
    const err = thrown(() => chat.defineRoom(ChatRoom, { appSecret: "x" } as never));
    expect(err.code).toBe(ErrorCode.PARAMETER);
    expect(err.message).toContain("appSecret");
    expect(err.message).toContain("per process");
    expect(err.message).toContain("createChatrooms");
  });

  test("historySize: 5 is refused naming 10..10000; 10 is accepted", () => {
    const chat = chatrooms();
    const err = thrown(() => chat.defineRoom(ChatRoom, { historySize: 5 }));
    expect(err.code).toBe(ErrorCode.PARAMETER);
    expect(err.message).toContain("historySize");
    expect(err.message).toContain("CHAT_HISTORY_SIZE");
    expect(err.message).toContain("10..10000");
    expect(() => chat.defineRoom(ChatRoom, { historySize: 10 })).not.toThrow();
  });

  test("every documented per-type setting is accepted with a valid value", () => {
    const chat = chatrooms();
    const valid = Object.fromEntries(ROOM_SETTING_KEYS.map((key) => [key, key === "kickoutMode" ? "timer" : INT_SETTINGS[key].min]));
    expect(() => chat.defineRoom(ChatRoom, valid)).not.toThrow();
  });

  test("a class that is not a ChatRoom is refused: a plain class, a Colyseus Room", () => {
    const chat = chatrooms();
    // eslint-disable-next-line @typescript-eslint/no-extraneous-class -- the plain class the test feeds to defineRoom
    class NotAChatRoom {}
    class BattleRoom extends Room {}
    for (const klass of [NotAChatRoom, BattleRoom]) {
      const err = thrown(() => chat.defineRoom(klass as never));
      expect(err.code).toBe(ErrorCode.PARAMETER);
      expect(err.message).toContain("ChatRoom");
    }
  });

  test("ChatRoom and subclasses of it are accepted", () => {
    const chat = chatrooms();
    class GameChat extends ChatRoom {}
    // each registration is a subclass of the class given, bound to these chatrooms
    expect(chat.defineRoom().klass.prototype).toBeInstanceOf(ChatRoom);
    expect(chat.defineRoom(GameChat).klass.prototype).toBeInstanceOf(GameChat);
  });
});

describe("the other doors to the same settings", () => {
  test("createChatServer({ reconnectWindowS: -1 }) throws the same error as createChatrooms", () => {
    const fromServer = thrown(() => createChatServer({ reconnectWindowS: -1 }));
    const fromPlugin = thrown(() => createChatrooms({ reconnectWindowS: -1 }));
    expect(fromServer.code).toBe(ErrorCode.PARAMETER);
    expect(fromServer.message).toBe(fromPlugin.message);
  });

  test('configFromEnv({ CHAT_RECONNECT_WINDOW_S: "-1" }) names the variable and the same range', () => {
    const err = thrown(() => configFromEnv({ CHAT_RECONNECT_WINDOW_S: "-1" }));
    expect(err.code).toBe(ErrorCode.PARAMETER);
    expect(err.message).toContain("CHAT_RECONNECT_WINDOW_S");
    expect(err.message).toContain("1..3600");
    expect(configFromEnv({ CHAT_RECONNECT_WINDOW_S: "3600" })).toEqual({ reconnectWindowS: 3600 });
  });
});
