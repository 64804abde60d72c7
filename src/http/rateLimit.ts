/**
 * Per-endpoint, per-App-Key rate limits (RongCloud: 100 requests/s on nearly every chatroom
 * endpoint), answered with HTTP 429 / code 1008. Counters live in memory (one process); pass an
 * ioredis client as `redis` to share them across processes with RateLimiterRedis.
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { ChatError, ErrorCode } from "../core/errors";

/** Options of {@link OperatorRateLimiter}. */
export interface RateLimitOptions {
  /** Default limit per endpoint per App Key, in points (requests) per second. */
  perSecond: number;
  /** An ioredis client: counters are then shared by every process using the same Redis. */
  redis?: unknown;
  /** Key prefix in Redis [chat-rl]. */
  keyPrefix?: string;
}

/** One limiter per distinct limit; buckets are keys inside it. */
export class OperatorRateLimiter {
  private readonly limiters = new Map<number, RateLimiterAbstract>();

  constructor(private readonly options: RateLimitOptions) {}

  private limiter(perSecond: number): RateLimiterAbstract {
    let limiter = this.limiters.get(perSecond);
    if (!limiter) {
      const keyPrefix = `${this.options.keyPrefix ?? "chat-rl"}:${perSecond}`;
      limiter = this.options.redis
        ? new RateLimiterRedis({ storeClient: this.options.redis, points: perSecond, duration: 1, keyPrefix })
        : new RateLimiterMemory({ points: perSecond, duration: 1, keyPrefix });
      this.limiters.set(perSecond, limiter);
    }
    return limiter;
  }

  /**
   * Takes `points` from the bucket of (`appKey`, `bucket`) under a limit of `perSecond`
   * (default: the configured one). Throws RATE_LIMITED (1008) when the bucket is empty.
   */
  async consume(appKey: string, bucket: string, points = 1, perSecond = this.options.perSecond): Promise<void> {
    try {
      await this.limiter(perSecond).consume(`${appKey}:${bucket}`, points);
    } catch (e) {
      if (e instanceof RateLimiterRes) {
        throw new ChatError(
          ErrorCode.RATE_LIMITED,
          `rate limit of ${perSecond} per second for ${bucket} exceeded; retry in ${e.msBeforeNext} ms`,
        );
      }
      throw e;
    }
  }
}
