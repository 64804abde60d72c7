/** The word filter (core/wordFilter): entry checks, encoding, compiling and applying. Pure. */
import { ErrorCode } from "../../src/core/errors";
import {
  applyWordFilter,
  assertValidFilterEntry,
  compileWordFilter,
  decodeFilterEntry,
  encodeFilterEntry,
  FILTER_LIMITS,
  type FilterEntry,
} from "../../src/core/wordFilter";

const word = (pattern: string, action: FilterEntry["action"]): FilterEntry => ({ pattern, isRegex: false, action });
const regex = (pattern: string, action: FilterEntry["action"]): FilterEntry => ({ pattern, isRegex: true, action });
const apply = (entries: FilterEntry[], text: string) => applyWordFilter([compileWordFilter(entries)], text);

describe("filter entries: checks and encoding", () => {
  test("round-trips through the store encoding, patterns with colons included; junk decodes to undefined", () => {
    const entry = regex("a:b:c", "flag");
    expect(decodeFilterEntry(encodeFilterEntry(entry))).toEqual(entry);
    expect(decodeFilterEntry(encodeFilterEntry(word("x", "mask")))).toEqual(word("x", "mask"));
    for (const junk of ["", "block", "block:w:", "nuke:w:x", "block:zz:x"]) expect(decodeFilterEntry(junk)).toBeUndefined();
  });

  test.each([
    [word("", "block"), ErrorCode.PARAMETER, "word must be a word of 1..64 characters"],
    [word("x".repeat(FILTER_LIMITS.maxWordLength + 1), "block"), ErrorCode.TOO_LONG, "word must be a word of 1..64 characters, got 65"],
    [
      regex("x".repeat(FILTER_LIMITS.maxRegexLength + 1), "block"),
      ErrorCode.TOO_LONG,
      "word must be a regex of 1..256 characters, got 257",
    ],
    [regex("a(", "block"), ErrorCode.PARAMETER, "word is not a valid RE2 regex"],
    [regex("(a)\\1", "block"), ErrorCode.PARAMETER, "word is not a valid RE2 regex"],
    [regex("[a-z]{1000}", "block"), ErrorCode.PARAMETER, "word is too complex"],
    [regex("x*", "block"), ErrorCode.PARAMETER, "word can match the empty text"],
    [regex("spam|", "block"), ErrorCode.PARAMETER, "word can match the empty text"],
    [regex("\\b", "block"), ErrorCode.PARAMETER, "word can match the empty text"],
  ])("refuses %j with %i", (entry, code, message) => {
    expect(() => assertValidFilterEntry(entry, "word")).toThrow(
      expect.objectContaining({ code, message: expect.stringContaining(message) as unknown }),
    );
  });

  test("accepts words and RE2 regexes within the limits", () => {
    assertValidFilterEntry(word("x".repeat(FILTER_LIMITS.maxWordLength), "block"), "word");
    assertValidFilterEntry(regex("(?i)fr[e3]{2}\\s*money", "mask"), "word");
  });
});

describe("applyWordFilter", () => {
  test("no lists, or empty ones: the text goes out unchanged", () => {
    expect(applyWordFilter([], "hello")).toEqual({ action: "deliver", content: "hello", masked: false, flagged: [] });
    expect(apply([], "hello")).toEqual({ action: "deliver", content: "hello", masked: false, flagged: [] });
  });

  test("words match case-insensitively anywhere, regex metacharacters in words are literal", () => {
    expect(apply([word("BAD", "block")], "so bAd")).toEqual({ action: "block" });
    expect(apply([word("a.b", "block")], "axb").action).toBe("deliver");
    expect(apply([word("a.b", "block")], "xa.bx")).toEqual({ action: "block" });
  });

  test("regexes match as written: case-sensitive unless (?i)", () => {
    expect(apply([regex("sp[a4]m", "block")], "SPAM").action).toBe("deliver");
    expect(apply([regex("(?i)sp[a4]m", "block")], "SP4M")).toEqual({ action: "block" });
  });

  test("mask replaces every matched character with one *, astral characters counted once, overlaps merged", () => {
    expect(apply([word("darn", "mask")], "Darn, DARN!")).toMatchObject({ content: "****, ****!", masked: true });
    expect(apply([word("😀x", "mask")], "a😀xb")).toMatchObject({ content: "a**b" });
    expect(apply([word("abc", "mask"), regex("c+d", "mask")], "abccd!")).toMatchObject({ content: "*****!" });
  });

  test("block wins over mask and flag; flag reports the texts found in the text as sent", () => {
    const entries = [word("no", "block"), word("meh", "mask"), word("meh", "flag"), word("promo", "flag")];
    expect(apply(entries, "no meh")).toEqual({ action: "block" });
    expect(apply(entries, "meh PROMO")).toEqual({ action: "deliver", content: "*** PROMO", masked: true, flagged: ["meh", "PROMO"] });
  });

  test("app-wide and room lists apply together", () => {
    const app = compileWordFilter([word("alpha", "mask")]);
    const room = compileWordFilter([word("beta", "block")]);
    expect(applyWordFilter([app, room], "alpha")).toMatchObject({ content: "*****" });
    expect(applyWordFilter([app, room], "beta")).toEqual({ action: "block" });
  });

  test("a pathological regex stays linear: (a+)+$ over 8 KB of 'a's plus one 'b' in well under a second", () => {
    const compiled = compileWordFilter([regex("(a+)+$", "block")]);
    const started = performance.now();
    expect(applyWordFilter([compiled], `${"a".repeat(8192)}b`).action).toBe("deliver");
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
