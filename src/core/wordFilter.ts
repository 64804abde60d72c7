/**
 * The word filter (docs/moderation.md "Word filter"): lists of words and regexes, one for the
 * whole app and one per room, each entry with an action: block (refuse the message), mask (replace
 * the matched text with `*`, one per character) or flag (deliver unchanged, report it). Pure: the
 * room compiles the lists once per change ({@link compileWordFilter}) and applies them per message.
 *
 * Regexes run on RE2 (re2js): matching is linear in the text, whatever the pattern, so no
 * operator-supplied regex can stall the event loop. Words match case-insensitively anywhere in the
 * text (no word boundaries: chat languages without spaces need that); regexes match as written
 * (`(?i)` makes one case-insensitive).
 */
import { RE2JS } from "re2js";
import { ChatError, ErrorCode } from "./errors";

/** What an entry does to a message it matches. */
export type FilterAction = "block" | "mask" | "flag";
export const FILTER_ACTIONS: readonly FilterAction[] = ["block", "mask", "flag"];

/** One entry of a filter list. */
export interface FilterEntry {
  /** the word, or the regex (RE2 syntax) when `isRegex` */
  pattern: string;
  isRegex: boolean;
  action: FilterAction;
}

/** Bounds of the filter lists (documented in docs/moderation.md). */
export const FILTER_LIMITS = {
  /** entries of the app-wide list */
  appEntries: 500,
  /** entries of one room's list */
  roomEntries: 100,
  /** characters of a word */
  maxWordLength: 64,
  /** characters of a regex */
  maxRegexLength: 256,
  /**
   * RE2 program size of one regex (its compiled instructions: `(?i)fr[e3]{2}\s*coins` is 13,
   * `[a-z]{100}` about 100). Matching costs up to program size x text length, so these bound the
   * time one message can take (docs/moderation.md "Limits").
   */
  maxRegexProgramSize: 100,
  /** RE2 instructions of all the regexes of the app-wide list together */
  appRegexProgramSize: 200,
  /** RE2 instructions of all the regexes of one room's list together */
  roomRegexProgramSize: 100,
  /** patterns one batch delete may name */
  patternsPerDelete: 50,
} as const;

const SEPARATOR = ":";

/** The store member of an entry: `<action>:<w|re>:<pattern>` (the pattern may hold colons). */
export function encodeFilterEntry(entry: FilterEntry): string {
  return [entry.action, entry.isRegex ? "re" : "w", entry.pattern].join(SEPARATOR);
}

/** An entry from its store member; undefined for anything else (never thrown: the store is not trusted to hold only ours). */
export function decodeFilterEntry(member: string): FilterEntry | undefined {
  const first = member.indexOf(SEPARATOR);
  const second = member.indexOf(SEPARATOR, first + 1);
  if (first < 0 || second < 0) return undefined;
  const action = member.slice(0, first);
  const kind = member.slice(first + 1, second);
  const pattern = member.slice(second + 1);
  if (!FILTER_ACTIONS.includes(action as FilterAction) || (kind !== "w" && kind !== "re") || pattern.length === 0) return undefined;
  return { action: action as FilterAction, isRegex: kind === "re", pattern };
}

/** Texts a regex is tried on at set time: text and line starts and ends, word boundaries and their absence. */
const EMPTY_PROBES = ["", " ", "ab  cd\n\nef"];

/**
 * Checks an entry before it is stored: throws ChatError naming `field` and the limit — PARAMETER
 * for an empty pattern, a regex RE2 cannot parse, one too complex, or one that can match the empty
 * text (it would match every message); TOO_LONG for a pattern over its length limit.
 */
export function assertValidFilterEntry(entry: FilterEntry, field: string): void {
  const max = entry.isRegex ? FILTER_LIMITS.maxRegexLength : FILTER_LIMITS.maxWordLength;
  const what = entry.isRegex ? "regex" : "word";
  if (entry.pattern.length === 0) throw new ChatError(ErrorCode.PARAMETER, `${field} must be a ${what} of 1..${max} characters`);
  if (entry.pattern.length > max)
    throw new ChatError(ErrorCode.TOO_LONG, `${field} must be a ${what} of 1..${max} characters, got ${entry.pattern.length}`);
  if (!entry.isRegex) return;
  let re: RE2JS;
  try {
    re = RE2JS.compile(entry.pattern);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new ChatError(ErrorCode.PARAMETER, `${field} is not a valid RE2 regex: ${reason}`);
  }
  if (re.programSize() > FILTER_LIMITS.maxRegexProgramSize) {
    throw new ChatError(
      ErrorCode.PARAMETER,
      `${field} is too complex: its RE2 program has ${re.programSize()} instructions, at most ${FILTER_LIMITS.maxRegexProgramSize}`,
    );
  }
  for (const probe of EMPTY_PROBES) {
    const m = re.matcher(probe);
    while (m.find()) {
      if (m.start() === m.end())
        throw new ChatError(ErrorCode.PARAMETER, `${field} can match the empty text, so it would match every message`);
    }
  }
}

/** The RE2 program size of an entry: its instructions for a regex, 0 for a word or a regex RE2 refuses (never stored). */
export function regexProgramSize(entry: FilterEntry): number {
  if (!entry.isRegex) return 0;
  try {
    return RE2JS.compile(entry.pattern).programSize();
  } catch {
    return 0;
  }
}

/** The lists compiled: per action one RE2 program for the words and one for the regexes. */
export interface CompiledWordFilter {
  readonly empty: boolean;
  readonly programs: ReadonlyMap<FilterAction, readonly RE2JS[]>;
}

/** Compiles entries (checked when set); an entry RE2 refuses now is left out and logged, never thrown per message. */
export function compileWordFilter(entries: readonly FilterEntry[]): CompiledWordFilter {
  const programs = new Map<FilterAction, RE2JS[]>();
  for (const action of FILTER_ACTIONS) {
    const mine = entries.filter((e) => e.action === action);
    const words = mine.filter((e) => !e.isRegex).map((e) => RE2JS.quote(e.pattern));
    const regexes = mine.filter((e) => e.isRegex).map((e) => e.pattern);
    const compiled: RE2JS[] = [];
    if (words.length > 0) {
      try {
        compiled.push(RE2JS.compile(words.join("|"), RE2JS.CASE_INSENSITIVE));
      } catch (e) {
        console.error(`word filter: left out the ${action} words RE2 cannot compile:`, e instanceof Error ? e.message : e);
      }
    }
    const valid = regexes.filter((pattern) => {
      try {
        RE2JS.compile(pattern);
        return true;
      } catch {
        console.error(`word filter: left out a regex RE2 cannot parse: ${JSON.stringify(pattern.slice(0, 64))}`);
        return false;
      }
    });
    try {
      if (valid.length > 0) compiled.push(RE2JS.compile(valid.map((p) => `(?:${p})`).join("|")));
    } catch (e) {
      console.error(`word filter: left out the ${action} regexes RE2 cannot compile together:`, e instanceof Error ? e.message : e);
    }
    if (compiled.length > 0) programs.set(action, compiled);
  }
  return { empty: programs.size === 0, programs };
}

/** What the filter made of one text. */
export type FilterOutcome =
  | { action: "block" }
  /** `content`: the text to deliver (masked when `masked`); `flagged`: the flagged texts found (at most 10, each at most 64 characters). */
  | { action: "deliver"; content: string; masked: boolean; flagged: string[] };

/** Non-empty match spans of `programs` in `text`, in order, as [start, end) UTF-16 offsets. */
function spans(programs: readonly RE2JS[] | undefined, text: string): [number, number][] {
  const found: [number, number][] = [];
  for (const program of programs ?? []) {
    const m = program.matcher(text);
    while (m.find()) if (m.end() > m.start()) found.push([m.start(), m.end()]);
  }
  return found;
}

const MAX_FLAGGED = 10;
const MAX_FLAGGED_LENGTH = 64;

/**
 * Applies `filters` (app-wide and room lists) to `text`: any block match refuses it; then mask
 * matches are replaced by `*` (one per character, surrogate pairs counted once); flag matches
 * (looked for in the text as sent) are reported.
 */
export function applyWordFilter(filters: readonly CompiledWordFilter[], text: string): FilterOutcome {
  const active = filters.filter((f) => !f.empty);
  if (active.length === 0) return { action: "deliver", content: text, masked: false, flagged: [] };
  if (active.some((f) => spans(f.programs.get("block"), text).length > 0)) return { action: "block" };
  const flagged = active
    .flatMap((f) => spans(f.programs.get("flag"), text))
    .slice(0, MAX_FLAGGED)
    .map(([start, end]) => text.slice(start, Math.min(end, start + MAX_FLAGGED_LENGTH)));
  const masks = active.flatMap((f) => spans(f.programs.get("mask"), text));
  if (masks.length === 0) return { action: "deliver", content: text, masked: false, flagged };
  const hidden = new Array<boolean>(text.length).fill(false);
  for (const [start, end] of masks) hidden.fill(true, start, end);
  let content = "";
  for (let i = 0; i < text.length; i++) {
    if (!hidden[i]) content += text.charAt(i);
    else if (!isLowSurrogate(text.charCodeAt(i)) || i === 0 || !hidden[i - 1]) content += "*";
  }
  return { action: "deliver", content, masked: true, flagged };
}

const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** Throws CONTENT_BLOCKED (24014) naming the field, never the word that matched. */
export function contentBlocked(field: string, roomId: string): ChatError {
  return new ChatError(ErrorCode.CONTENT_BLOCKED, `${field} was refused by the word filter of room ${roomId}`);
}
