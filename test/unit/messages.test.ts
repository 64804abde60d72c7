/** Validation of a member's send and of a history query (src/core/messages), by error code. */
import { ChatError, ErrorCode } from "../../src/core/errors";
import { MAX_MESSAGE_TYPE_LENGTH, parseHistoryQuery, parseSend } from "../../src/core/messages";

/** The ChatError code `call` throws. */
function codeOf(call: () => unknown): number {
  try {
    call();
  } catch (e) {
    if (e instanceof ChatError) return e.code;
    throw e;
  }
  throw new Error("expected a ChatError, nothing was thrown");
}

describe("parseSend", () => {
  test("accepts a type and content, with normal priority unless one is given", () => {
    expect(parseSend({ type: "text", content: "hi" }, 100)).toEqual({ type: "text", content: "hi", priority: "normal" });
    expect(parseSend({ type: "text", content: "", priority: "high" }, 100)).toEqual({ type: "text", content: "", priority: "high" });
  });

  test("measures content in UTF-8 bytes: at the limit it passes, one byte over is MESSAGE_TOO_LARGE", () => {
    expect(parseSend({ type: "t", content: "é".repeat(5) }, 10).content).toBe("é".repeat(5));
    expect(codeOf(() => parseSend({ type: "t", content: "é".repeat(5) + "x" }, 10))).toBe(ErrorCode.MESSAGE_TOO_LARGE);
  });

  test.each([
    ["a body that is no object", "hello"],
    ["a missing type", { content: "hi" }],
    ["an empty type", { type: "", content: "hi" }],
    [`a type over ${MAX_MESSAGE_TYPE_LENGTH} characters`, { type: "t".repeat(MAX_MESSAGE_TYPE_LENGTH + 1), content: "hi" }],
    ["content that is no string", { type: "text", content: 42 }],
    ["an unknown priority", { type: "text", content: "hi", priority: "urgent" }],
  ])("refuses %s with PARAMETER", (_what, body) => {
    expect(codeOf(() => parseSend(body, 100))).toBe(ErrorCode.PARAMETER);
  });
});

describe("parseHistoryQuery", () => {
  test("defaults to the newest page of the largest size", () => {
    expect(parseHistoryQuery(undefined, 50)).toEqual({ limit: 50, direction: "backward" });
    expect(parseHistoryQuery({}, 50)).toEqual({ limit: 50, direction: "backward" });
  });

  test("reads forward from a lower bound (afterSeq or since), backward otherwise, unless a direction is given", () => {
    expect(parseHistoryQuery({ afterSeq: 3, limit: 5 }, 50)).toEqual({ afterSeq: 3, limit: 5, direction: "forward" });
    expect(parseHistoryQuery({ since: 1000 }, 50)).toMatchObject({ since: 1000, direction: "forward" });
    expect(parseHistoryQuery({ beforeSeq: 9 }, 50)).toMatchObject({ beforeSeq: 9, direction: "backward" });
    expect(parseHistoryQuery({ afterSeq: 3, direction: "backward" }, 50)).toMatchObject({ direction: "backward" });
  });

  test("null bounds read as absent", () => {
    expect(parseHistoryQuery({ afterSeq: null, limit: null }, 50)).toEqual({ limit: 50, direction: "backward" });
  });

  test.each([
    ["a limit of 0", { limit: 0 }],
    ["a limit over the maximum", { limit: 51 }],
    ["a fractional limit", { limit: 2.5 }],
    ["a negative bound", { beforeSeq: -1 }],
    ["a bound that is no number", { afterSeq: "3" }],
    ["an unknown direction", { direction: "sideways" }],
  ])("refuses %s with PARAMETER", (_what, body) => {
    expect(codeOf(() => parseHistoryQuery(body, 50))).toBe(ErrorCode.PARAMETER);
  });
});
