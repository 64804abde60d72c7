/**
 * Sending one signed JSON POST, and delivering a webhook batch to one URL with retries and
 * exponential backoff. Shared by the webhooks (both queues) and the before-send callback.
 *
 * Signing is RongCloud's: headers App-Key, Nonce, Timestamp (ms) and
 * Signature = hex(SHA1(AppSecret + Nonce + Timestamp)), fresh on every attempt. That signature
 * does not cover the body, so `Body-Signature` = hex(HMAC-SHA256(AppSecret, Nonce + Timestamp +
 * body)) is sent as well for receivers that want the body authenticated too.
 */
import { createHmac, randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { rcSignature } from "../http/signature";
import type { WebhookEvent } from "./webhooksPayload";

/** Who signs: the app's key and secret. */
export interface SigningCredentials {
  appKey: string;
  appSecret: string;
}

/** hex(HMAC-SHA256(appSecret, nonce + timestamp + body)): the `Body-Signature` header. */
export function bodySignature(appSecret: string, nonce: string, timestamp: string, body: string): string {
  return createHmac("sha256", appSecret)
    .update(nonce + timestamp + body)
    .digest("hex");
}

/** The headers of a signed JSON request carrying `body`. */
export function signedHeaders(creds: SigningCredentials, body: string, now: number = Date.now()): Record<string, string> {
  const nonce = randomBytes(8).toString("hex");
  const timestamp = String(now);
  return {
    "content-type": "application/json",
    "App-Key": creds.appKey,
    Nonce: nonce,
    Timestamp: timestamp,
    Signature: rcSignature(creds.appSecret, nonce, timestamp),
    "Body-Signature": bodySignature(creds.appSecret, nonce, timestamp, body),
  };
}

/** Thrown when a request did not finish within its time limit. */
export class RequestTimeoutError extends Error {
  constructor(url: string, timeoutMs: number) {
    super(`no answer from ${url} within ${timeoutMs} ms`);
    this.name = "RequestTimeoutError";
  }
}

/**
 * POSTs `body` signed to `url` and reads the whole answer (status and text) within `timeoutMs`.
 * Rejects with {@link RequestTimeoutError} on timeout, with `signal.reason` when `signal` aborts,
 * and with the fetch error on a network failure.
 */
export async function postSigned(
  fetchFn: typeof fetch,
  url: string,
  body: string,
  creds: SigningCredentials,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ status: number; text: string }> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new RequestTimeoutError(url, timeoutMs)), timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
  try {
    const res = await fetchFn(url, { method: "POST", headers: signedHeaders(creds, body), body, signal: combined });
    return { status: res.status, text: await res.text() };
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    if (timeout.signal.aborted) throw timeout.signal.reason;
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** A short description of a failure for logs. */
export function describeFailure(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: unknown }).cause;
  return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
}

/**
 * Logs the first failure of a burst and the recovery that ends it, not every failure in between:
 * a receiver that is down for a minute gives two lines, not thousands.
 */
export class FailureLog {
  private failures = 0;

  constructor(private readonly what: string) {}

  failed(detail: string): void {
    if (this.failures++ === 0) console.warn(`${this.what} failing: ${detail} (further failures are not logged until it recovers)`);
  }

  succeeded(): void {
    if (this.failures === 0) return;
    console.warn(`${this.what} recovered after ${this.failures} failure(s)`);
    this.failures = 0;
  }
}

/** How a batch is retried. */
export interface RetryPolicy {
  /** Tries in all (>= 1). */
  attempts: number;
  /** Wait after the first failure; doubles after each further failure. */
  backoffMs: number;
  /** Longest wait between two tries. */
  maxBackoffMs: number;
  /** Time limit of one try. */
  timeoutMs: number;
}

/** Where a batch goes. */
export interface DeliveryTarget extends SigningCredentials {
  url: string;
  fetch: typeof fetch;
  log: FailureLog;
  /** Told of every finished try (metrics). */
  observe?: DeliveryObserver;
}

/** What one delivery try came to: delivered (2xx), failed and retried later, or failed for good (the batch is given up). */
export type DeliveryOutcome = "ok" | "retry" | "failed";

/** Told of every finished delivery try (metrics): the URL, its outcome and how long the try took, seconds. */
export type DeliveryObserver = (url: string, outcome: DeliveryOutcome, seconds: number) => void;

/** Reports one try; an observer that throws is logged and never breaks the delivery. */
function report(observe: DeliveryObserver | undefined, url: string, outcome: DeliveryOutcome, startedAt: number): void {
  if (!observe) return;
  try {
    observe(url, outcome, (performance.now() - startedAt) / 1000);
  } catch (e) {
    console.error(`webhook ${url}: the delivery observer failed:`, e);
  }
}

/** Wait before try `attempt + 1` after `attempt` tries failed (1-based): backoffMs * 2^(attempt-1), capped. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.min(attempt - 1, 30));
}

/**
 * Delivers one batch to one URL: a try is successful when the receiver answers 2xx within the
 * time limit; any other answer, a timeout or a network error is retried after the backoff, up to
 * `policy.attempts` tries. Every finished try is reported to `target.observe`, if any. Resolves true when delivered, false when every try failed (logged).
 * Rejects with `signal.reason` as soon as `signal` aborts (closing): the batch is then neither
 * delivered nor given up, and the caller keeps it.
 */
export async function deliverBatch(
  target: DeliveryTarget,
  events: readonly WebhookEvent[],
  policy: RetryPolicy,
  signal: AbortSignal,
): Promise<boolean> {
  const body = JSON.stringify(events);
  const { observe } = target;
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted();
    let failure: string;
    const startedAt = performance.now();
    try {
      const { status } = await postSigned(target.fetch, target.url, body, target, policy.timeoutMs, signal);
      if (status >= 200 && status < 300) {
        report(observe, target.url, "ok", startedAt);
        target.log.succeeded();
        return true;
      }
      failure = `answered HTTP ${status}`;
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      failure = describeFailure(e);
    }
    report(observe, target.url, attempt >= policy.attempts ? "failed" : "retry", startedAt);
    target.log.failed(failure);
    if (attempt >= policy.attempts) {
      console.error(
        `webhook ${target.url}: gave up on a batch of ${events.length} event(s) after ${attempt} tries (last: ${failure}); first event ${events[0]?.id ?? "-"}`,
      );
      return false;
    }
    await sleep(backoffDelay(policy, attempt), undefined, { signal }).catch(() => {
      throw signal.reason;
    });
  }
}
