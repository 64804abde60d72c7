/**
 * The shared schemas (src/schemas): one refusal format for every input, the string-record
 * builder's handling of keys named after Object.prototype properties, and the one UTF-8 limit.
 */
import { z } from "zod";
import { ChatError, ErrorCode } from "../../src/core/errors";
import { configFromEnv, validateConfig } from "../../src/config";
import { parseHistoryQuery, parseSend } from "../../src/core/messages";
import { intIn, stringRecord, utf8Content } from "../../src/schemas/fields";
import { formBool, formInt, formStringRecord } from "../../src/schemas/form";
import { parseInput, pathText } from "../../src/schemas/parse";

/** The ChatError `run` throws; fails when it returns. */
function refusal(run: () => unknown): ChatError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ChatError);
    return e as ChatError;
  }
  throw new Error("expected a ChatError, nothing was thrown");
}

describe("parseInput", () => {
  test("names the field path and the limit, with PARAMETER by default", () => {
    const schema = z.object({ room: z.object({ roomName: z.string().max(64) }) });
    const err = refusal(() => parseInput(schema, { room: { roomName: "x".repeat(70) } }));
    expect(err.code).toBe(ErrorCode.PARAMETER);
    expect(err.message).toBe("room.roomName must be at most 64 characters, got 70 characters");
  });

  test("a missing field is required; a wrong type says what was expected and what came", () => {
    const schema = z.object({ limit: intIn(1, 50), name: z.string() });
    expect(refusal(() => parseInput(schema, { limit: 1 })).message).toBe("name is required");
    expect(refusal(() => parseInput(schema, { limit: 1, name: 5 })).message).toBe("name must be a string, got 5");
    expect(refusal(() => parseInput(schema, { limit: 1.5, name: "a" })).message).toBe("limit must be an integer in 1..50, got 1.5");
  });

  test("the input itself is named by root; the code by options.code", () => {
    const err = refusal(() => parseInput(z.object({}), 5, { root: "body", code: ErrorCode.ILLEGAL_ARGUMENT }));
    expect(err.code).toBe(ErrorCode.ILLEGAL_ARGUMENT);
    expect(err.message).toBe("body must be an object, got 5");
  });

  test("pathText writes paths as code would", () => {
    expect(pathText(["attributes", "k"])).toBe("attributes.k");
    expect(pathText(["keys", 2])).toBe("keys[2]");
    expect(pathText(["fields", "bad name"])).toBe('fields["bad name"]');
  });
});

describe("stringRecord", () => {
  test("keeps every own key, __proto__ and constructor included, in a null-prototype copy", () => {
    const input = JSON.parse('{"__proto__":"a","constructor":"b","toString":"c"}') as unknown;
    const out = parseInput(stringRecord(), input);
    expect(Object.getPrototypeOf(out)).toBeNull();
    expect(Object.keys(out)).toEqual(["__proto__", "constructor", "toString"]);
    expect(out["__proto__"]).toBe("a");
  });

  test("a bad value is named at its key; too many entries and a non-object are refused", () => {
    expect(
      refusal(() =>
        parseInput(stringRecord(), { attributes: { k: 1 } }.attributes, {
          root: "attributes",
          subject: (p) => `attributes.${String(p[0])}`,
        }),
      ).message,
    ).toBe("attributes.k must be a string, got 1");
    const limited = stringRecord({ maxEntries: { max: 1, noun: "fields" } });
    expect(refusal(() => parseInput(limited, { a: "1", b: "2" }, { root: "member fields" })).message).toBe(
      "member fields may hold at most 1 fields, got 2",
    );
    expect(refusal(() => parseInput(stringRecord(), ["a"], { root: "attributes" })).message).toBe(
      "attributes must be an object of string values, got an array",
    );
  });
});

describe("the one UTF-8 content limit", () => {
  test("counts bytes, not characters, and answers the code of its surface", () => {
    expect(parseInput(utf8Content(4, ErrorCode.TOO_LONG), "éé")).toBe("éé");
    const http = refusal(() => parseInput(utf8Content(4, ErrorCode.TOO_LONG), "ééé", { root: "content" }));
    expect([http.code, http.message]).toEqual([ErrorCode.TOO_LONG, "content is 6 bytes: at most 4 bytes (CHAT_MAX_MESSAGE_BYTES)"]);
    const room = refusal(() => parseSend({ type: "text", content: "ééé" }, 4));
    expect([room.code, room.message]).toEqual([
      ErrorCode.MESSAGE_TOO_LARGE,
      "content is 6 bytes: at most 4 bytes (CHAT_MAX_MESSAGE_BYTES)",
    ]);
  });
});

describe("room message schemas", () => {
  test("a send keeps its fields, defaults priority and drops extras", () => {
    expect(parseSend({ type: "text", content: "hi", extra: 1 }, 100)).toEqual({ type: "text", content: "hi", priority: "normal" });
    expect(refusal(() => parseSend({ type: "text", content: "hi", priority: "urgent" }, 100)).message).toBe(
      'priority must be "low", "normal" or "high", got "urgent"',
    );
    expect(refusal(() => parseSend(null, 100)).message).toContain("message must be an object");
  });

  test("a history query defaults its direction from its bounds; null bounds are absent", () => {
    expect(parseHistoryQuery({ afterSeq: 3, until: null }, 50)).toEqual({ afterSeq: 3, limit: 50, direction: "forward" });
    expect(parseHistoryQuery("junk", 50)).toEqual({ limit: 50, direction: "backward" });
    expect(refusal(() => parseHistoryQuery({ limit: 0 }, 50)).message).toBe("limit must be an integer in 1..50, got 0");
  });
});

describe("form values", () => {
  test("integers and booleans are read from text", () => {
    expect(parseInput(formInt(1, 10), " 7 ")).toBe(7);
    expect(refusal(() => parseInput(formInt(1, 10), "7.5", { root: "count" })).message).toBe(
      'count must be an integer in 1..10, got "7.5"',
    );
    expect(parseInput(formBool, "TRUE")).toBe(true);
    expect(refusal(() => parseInput(formBool, "yes", { root: "isBan" })).message).toBe('isBan must be true, false, 1 or 0, got "yes"');
  });

  test("a JSON object of strings; text that is not JSON says so", () => {
    expect({ ...parseInput(formStringRecord, '{"k":"v"}') }).toEqual({ k: "v" });
    expect(refusal(() => parseInput(formStringRecord, "{", { root: "entryInfo" })).message).toBe(
      'entryInfo must be a JSON object such as {"key":"value"}, got text that is not JSON',
    );
  });
});

describe("settings: one schema for code and environment", () => {
  test("the same range from both doors, naming the option or the variable", () => {
    expect(refusal(() => validateConfig({ historySize: 5 })).message).toBe(
      "option historySize (CHAT_HISTORY_SIZE) must be an integer in 10..10000, got 5",
    );
    expect(refusal(() => configFromEnv({ CHAT_HISTORY_SIZE: "5" })).message).toBe(
      "CHAT_HISTORY_SIZE must be an integer in 10..10000, got 5",
    );
    expect(refusal(() => configFromEnv({ CHAT_HISTORY_SIZE: "lots" })).message).toBe(
      'CHAT_HISTORY_SIZE must be an integer in 10..10000, got "lots"',
    );
  });

  test("unset and empty variables keep the defaults; other variables are ignored", () => {
    expect(configFromEnv({ CHAT_HISTORY_SIZE: "", PATH: "/bin", CHAT_APP_KEY: "k" })).toEqual({ appKey: "k" });
  });

  test("options named after Object.prototype properties are unknown options, not crashes", () => {
    for (const key of ["__proto__", "constructor", "toString"]) {
      const err = refusal(() => validateConfig(JSON.parse(`{"${key}": 1}`)));
      expect(err.message).toContain(`unknown option "${key}"`);
    }
    expect(validateConfig({ reconnectWindowS: undefined })).toEqual({});
  });
});
