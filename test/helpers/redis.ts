/**
 * Redis for tests: where it is, whether it answers, and `describeWithRedis`, which decides before
 * any test is defined whether a Redis suite runs, is skipped (reported as skipped by jest), or fails.
 *
 * Why a synchronous probe: jest collects tests synchronously, so "skip when Redis is absent" has to
 * be known while `describe` runs. A socket cannot be opened synchronously, so the probe runs a
 * short child Node process (ioredis PING, 1 s connect timeout) with `execFileSync`. The answer is
 * cached in `process.env.REDIS_AVAILABLE` ("1"/"0"), so a jest worker probes once; setting that
 * variable yourself skips the probe.
 *
 * Without Redis: every test of the suite is skipped and one line says so, unless `CI` is set, in
 * which case the suite fails (CI must never pass by skipping the Redis tests).
 */
import { execFileSync } from "node:child_process";
import { Redis } from "ioredis";

/** The Redis the tests use: `REDIS_URL`, default redis://127.0.0.1:6379. */
export const REDIS_URL: string = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** How long a Redis may take to answer PING before it counts as absent. */
const PROBE_TIMEOUT_MS = 1000;

/** Child-process probe: exits 0 when the Redis at argv[2] answers PING, 1 otherwise. */
const PROBE_SCRIPT = `
const { Redis } = require(process.argv[1]);
const redis = new Redis(process.argv[2], {
  lazyConnect: true, connectTimeout: ${PROBE_TIMEOUT_MS}, maxRetriesPerRequest: 0,
  retryStrategy: () => null, enableOfflineQueue: false,
});
redis.on("error", () => {});
setTimeout(() => process.exit(1), ${PROBE_TIMEOUT_MS});
redis.connect().then(() => redis.ping()).then((r) => process.exit(r === "PONG" ? 0 : 1), () => process.exit(1));
`;

/** True when the Redis at `url` answers PING within about a second. Never throws. */
export async function redisAvailable(url: string = REDIS_URL): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on("error", () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
  });
  const ping = redis
    .connect()
    .then(() => redis.ping())
    .then(
      (reply: string) => reply === "PONG",
      () => false,
    );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

/** Synchronous {@link redisAvailable} for use while jest collects tests; cached per process. */
export function redisAvailableSync(url: string = REDIS_URL): boolean {
  const cached = process.env.REDIS_AVAILABLE;
  if (cached === "1" || cached === "0") return cached === "1";
  let available: boolean;
  try {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    execFileSync(process.execPath, ["-e", PROBE_SCRIPT, require.resolve("ioredis"), url], {
      stdio: "ignore",
      timeout: PROBE_TIMEOUT_MS * 3,
      env,
    });
    available = true;
  } catch {
    available = false;
  }
  process.env.REDIS_AVAILABLE = available ? "1" : "0";
  return available;
}

/**
 * `describe` for suites that need Redis at {@link REDIS_URL}: runs `fn` when Redis answers; when it
 * does not, skips the whole suite (jest reports its tests as skipped) and prints one line, or, when
 * the `CI` environment variable is set, defines one failing test instead.
 */
export function describeWithRedis(name: string, fn: () => void): void {
  if (redisAvailableSync()) {
    describe(name, fn);
    return;
  }
  const absent = `no Redis answered at ${REDIS_URL}`;
  if (isCI()) {
    describe(name, () => {
      test("Redis is reachable (required when CI is set)", () => {
        throw new Error(`${absent}; CI is set, so the Redis suites must run: start Redis or set REDIS_URL`);
      });
    });
    return;
  }
  process.stderr.write(`Redis suites skipped: ${absent} (set REDIS_URL) [${name}]\n`);
  describe.skip(name, fn);
}

/** True when the `CI` environment variable is set to anything but "", "0" or "false". */
export function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}

/** True when a `redis-server` binary can be run (suites that start Redis servers of their own). */
export function redisServerAvailable(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore", timeout: 3000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * `describe` for suites that start private `redis-server` processes (restarts, kills): runs `fn`
 * when the binary is installed; otherwise skips with one line, or fails when `CI` is set.
 */
export function describeWithRedisServer(name: string, fn: () => void): void {
  if (redisServerAvailable()) {
    describe(name, fn);
    return;
  }
  const absent = "no redis-server binary on PATH";
  if (isCI()) {
    describe(name, () => {
      test("redis-server is installed (required when CI is set)", () => {
        throw new Error(`${absent}; CI is set, so the Redis fault suites must run: apt-get install redis-server`);
      });
    });
    return;
  }
  process.stderr.write(`Redis fault suites skipped: ${absent} [${name}]\n`);
  describe.skip(name, fn);
}

/** The keys matching `pattern` (SCAN, never KEYS: the Redis is shared). */
export async function keysUnder(admin: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await admin.scan(cursor, "MATCH", pattern, "COUNT", 500);
    found.push(...keys);
    cursor = next;
  } while (cursor !== "0");
  return found;
}

/** Deletes every key under `prefix`: how a suite cleans up after itself (never FLUSHDB). */
export async function deleteKeys(admin: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(admin, `${prefix}*`);
  for (let i = 0; i < keys.length; i += 500) await admin.del(...keys.slice(i, i + 500));
}
