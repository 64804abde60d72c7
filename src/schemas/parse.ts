/**
 * The one way untyped input becomes typed data: a zod schema parses it, and the first problem
 * becomes a ChatError whose message names the field path and the rule it broke, e.g.
 * `roomName must be at most 128 characters, got 300`.
 *
 * Messages are built from two parts: the subject (the field path, or what the caller calls the
 * whole input) and a predicate. A schema may set its own predicate (`{ error: "must be ..." }`,
 * written without the field name, or starting with ": " to follow it as a clause); otherwise
 * {@link predicateOf} words zod's issue.
 */
import { z } from "zod";
import { ChatError, ErrorCode, type ChatErrorCode } from "../core/errors";

/** How {@link parseInput} words and codes a refusal. */
export interface ParseOptions {
  /** Code of every refusal that does not carry its own (see {@link withCode}) [PARAMETER]. */
  code?: ChatErrorCode;
  /** What the input as a whole is called, for a problem with the input itself (e.g. "message"). */
  root?: string;
  /** Names a field from its path [the path, dotted: `attributes.k`, `keys[2]`]. */
  subject?: (path: readonly PropertyKey[]) => string;
}

/** Issue params carrying the error code of a refusal that is not the caller's default. */
export interface CodedParams {
  code: ChatErrorCode;
}

/** The `params` of a refinement whose failure answers `code` instead of the caller's default. */
export function withCode(code: ChatErrorCode): CodedParams {
  return { code };
}

/** A value shown in a message: JSON, cut to 40 characters so a huge input stays readable. */
export function shown(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : typeof value;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "a boolean (true or false)",
  object: "an object",
  array: "an array",
};

/** `a`, `a or b`, `a, b or c`. */
function oneOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "nothing") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

function lengthOf(input: unknown): string {
  if (typeof input === "string") return `${input.length} characters`;
  if (Array.isArray(input)) return `${input.length}`;
  return shown(input);
}

/**
 * Words a zod issue as a predicate ("must be at most 64 characters, got 70"), the fallback for
 * schemas that set no message of their own. Exported for tests and for schemas that extend it.
 */
export function predicateOf(issue: z.core.$ZodRawIssue): string {
  const input: unknown = issue.input;
  switch (issue.code) {
    case "invalid_type":
      if (input === undefined) return "is required";
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${shown(input)}`;
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.origin === "string") return `must be at most ${max} characters, got ${lengthOf(input)}`;
      if (issue.origin === "array" || issue.origin === "set") return `may hold at most ${max} items, got ${lengthOf(input)}`;
      return `must be at most ${max}, got ${shown(input)}`;
    }
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "string") return min === 1 ? "must not be empty" : `must be at least ${min} characters, got ${lengthOf(input)}`;
      if (issue.origin === "array" || issue.origin === "set") return `must hold at least ${min} item${min === 1 ? "" : "s"}`;
      return `must be at least ${min}, got ${shown(input)}`;
    }
    case "invalid_value":
      return `must be ${oneOf(issue.values.map((v) => JSON.stringify(v)))}, got ${shown(input)}`;
    case "invalid_format":
      return `must match ${issue.pattern ?? issue.format}, got ${shown(input)}`;
    case "unrecognized_keys":
      return `has unknown key${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
    default:
      return "is not valid";
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A field path as code would write it: `attributes.k`, `keys[2]`, `fields["bad name"]`. */
export function pathText(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else if (typeof part === "string" && IDENTIFIER.test(part)) text += text === "" ? part : `.${part}`;
    else text += `[${JSON.stringify(String(part))}]`;
  }
  return text;
}

/** `subject predicate`; a predicate starting with ": " follows the subject directly ("chat settings: unknown option ..."). */
function joinSubject(subject: string, predicate: string): string {
  if (subject === "") return predicate.startsWith(": ") ? predicate.slice(2) : predicate;
  return predicate.startsWith(": ") ? `${subject}${predicate}` : `${subject} ${predicate}`;
}

function codeOf(issue: z.core.$ZodIssue, fallback: ChatErrorCode): ChatErrorCode {
  const params = issue.code === "custom" ? (issue.params as Partial<CodedParams> | undefined) : undefined;
  return typeof params?.code === "number" ? params.code : fallback;
}

/** The ChatError for a failed parse: its first issue, with the subject named (see {@link ParseOptions}). */
export function chatErrorOf(error: z.ZodError, options: ParseOptions = {}): ChatError {
  const issue = error.issues.at(0);
  const fallback = options.code ?? ErrorCode.PARAMETER;
  if (!issue) return new ChatError(fallback, `${options.root ?? "input"} is not valid`);
  const subject = issue.path.length === 0 ? (options.root ?? "") : (options.subject ?? pathText)(issue.path);
  return new ChatError(codeOf(issue, fallback), joinSubject(subject, issue.message));
}

/**
 * Parses `input` with `schema` and returns its output; throws the ChatError of {@link chatErrorOf}
 * (PARAMETER unless `options.code` or the failing rule says otherwise). Nothing else happens on a
 * refusal, so a caller that parses first changes nothing for bad input.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, options: ParseOptions = {}): z.output<S> {
  const result = schema.safeParse(input, { error: predicateOf });
  if (result.success) return result.data;
  throw chatErrorOf(result.error, options);
}
