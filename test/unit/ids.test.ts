/** Room ids, user ids and display names (src/core/ids): what passes, and ILLEGAL_ARGUMENT for the rest. */
import { ChatError, ErrorCode } from "../../src/core/errors";
import { assertName, assertRoomId, assertUserId, MAX_NAME_LENGTH } from "../../src/core/ids";

/** The ChatError `call` throws. */
function errorOf(call: () => unknown): ChatError {
  try {
    call();
  } catch (e) {
    if (e instanceof ChatError) return e;
    throw e;
  }
  throw new Error("expected a ChatError, nothing was thrown");
}

describe("assertRoomId", () => {
  test.each(["lobby", "A-b_9", "r".repeat(64)])("accepts %s", (roomId) => {
    expect(assertRoomId(roomId)).toBe(roomId);
  });

  test.each([
    ["an empty id", ""],
    ["an id over 64 characters", "r".repeat(65)],
    ["a character outside [A-Za-z0-9_-]", "lobby+1"],
    ["a space", "my room"],
    ["no string", 42],
    ["an Object.prototype name", "constructor"],
  ])("refuses %s with ILLEGAL_ARGUMENT", (_what, roomId) => {
    expect(errorOf(() => assertRoomId(roomId)).code).toBe(ErrorCode.ILLEGAL_ARGUMENT);
  });

  test("names the field it checked", () => {
    expect(errorOf(() => assertRoomId("bad id", "to")).message).toMatch(/^to /);
  });
});

describe("assertUserId", () => {
  test.each(["u1", "a+b=c_d-e", "u".repeat(64)])("accepts %s", (userId) => {
    expect(assertUserId(userId)).toBe(userId);
  });

  test.each([
    ["an empty id", ""],
    ["an id over 64 characters", "u".repeat(65)],
    ["a character outside RongCloud's alphabet", "ann@example"],
    ["no string", null],
    ["an Object.prototype name", "__proto__"],
    ["another Object.prototype name", "hasOwnProperty"],
  ])("refuses %s with ILLEGAL_ARGUMENT", (_what, userId) => {
    expect(errorOf(() => assertUserId(userId)).code).toBe(ErrorCode.ILLEGAL_ARGUMENT);
  });
});

describe("assertName", () => {
  test("a missing or empty name takes the fallback", () => {
    expect(assertName(undefined, "lobby")).toBe("lobby");
    expect(assertName(null, "lobby")).toBe("lobby");
    expect(assertName("", "lobby")).toBe("lobby");
  });

  test(`accepts any string up to ${MAX_NAME_LENGTH} characters, and refuses longer ones or non-strings with ILLEGAL_ARGUMENT`, () => {
    expect(assertName("Ann ✨", "u1")).toBe("Ann ✨");
    expect(assertName("n".repeat(MAX_NAME_LENGTH), "u1")).toHaveLength(MAX_NAME_LENGTH);
    expect(errorOf(() => assertName("n".repeat(MAX_NAME_LENGTH + 1), "u1", "userName")).code).toBe(ErrorCode.ILLEGAL_ARGUMENT);
    expect(errorOf(() => assertName(7, "u1")).code).toBe(ErrorCode.ILLEGAL_ARGUMENT);
  });
});
