/**
 * While Redis is down, ioredis retries every 50..2000 ms; a client without an "error" listener
 * prints "[ioredis] Unhandled error event" with a stack for every attempt (~98 lines per 5 s in the
 * issue). Each client we create logs once per change of state instead: down, then up again.
 */
import { createServer, Socket, type Server } from "node:net";
import express from "express";
import { Redis } from "ioredis";
import { createChatrooms } from "../../src/plugin/createChatrooms";
import { watchRedisConnection } from "../../src/store/redis";
import { describeWithRedis, REDIS_URL } from "../helpers/redis";
import { waitFor } from "../helpers/server";

/** A port nothing listens on (taken, then released). */
function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Resolves after `redis` has failed to connect `n` times. */
function failures(redis: Redis, n: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => redis.on("error", () => ++seen === n && resolve()));
}

const redisLines = (spy: jest.SpyInstance) => spy.mock.calls.map((c) => c.map(String).join(" ")).filter((l) => /redis/i.test(l));

test("createChatrooms' store and rate-limit clients log one line each while Redis stays down, whatever the retries", async () => {
  const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  const error = jest.spyOn(console, "error").mockImplementation(() => undefined);
  const url = `redis://127.0.0.1:${await deadPort()}`;
  const chat = createChatrooms({ redisUrl: url });
  const app = express().use(chat.router());
  const server = await new Promise<import("node:http").Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  // a probe with ioredis' default retries: once it has failed 8 times, so have the others
  const probe = new Redis(url);
  const probeFailed = failures(probe, 8);
  const aborter = new AbortController();
  try {
    // an operator call makes the (lazy) rate-limit client connect; it waits for Redis, so it is not awaited
    const pending = fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/user/getToken.json`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "userId=ann",
      signal: aborter.signal,
    }).catch(() => undefined);
    await probeFailed;
    const lines = [...redisLines(warn), ...redisLines(error)];
    expect(lines.filter((l) => l.includes("Unhandled error event"))).toEqual([]);
    expect(lines.filter((l) => l.includes("operator rate limits"))).toHaveLength(1);
    expect(lines.filter((l) => l.includes("store commands"))).toHaveLength(1);
    expect(lines).toHaveLength(2);
    aborter.abort();
    await pending;
  } finally {
    probe.disconnect();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await chat.close();
    warn.mockRestore();
    error.mockRestore();
  }
});

describeWithRedis("watchRedisConnection", () => {
  test("logs down, up, down: one line per change of state, none per retry", async () => {
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    const target = new URL(REDIS_URL);
    // a forwarder to the real Redis that the test opens and shuts: Redis "up" and "down"
    const sockets = new Set<Socket>();
    const forward = (client: Socket) => {
      const upstream = new Socket();
      upstream.connect(Number(target.port || 6379), target.hostname);
      client.pipe(upstream).pipe(client);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("error", () => undefined);
        s.on("close", () => sockets.delete(s));
      }
    };
    const port = await deadPort();
    const open = () =>
      new Promise<Server>((resolve) => {
        const s = createServer(forward).listen(port, "127.0.0.1", () => resolve(s));
      });
    const redis = new Redis(`redis://127.0.0.1:${port}`, { retryStrategy: () => 20 });
    const stop = watchRedisConnection(redis, "probe", `redis://:secret@127.0.0.1:${port}`);
    let forwarder: Server | undefined;
    try {
      await failures(redis, 10);
      forwarder = await open();
      await new Promise<void>((resolve) => redis.once("ready", () => resolve()));
      await new Promise<void>((resolve) => {
        forwarder!.close(() => resolve());
        sockets.forEach((s) => s.destroy());
      });
      await failures(redis, 10);
      const lines = redisLines(warn);
      expect(lines).toEqual([
        expect.stringMatching(/Redis \(probe, redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/?\): .*reconnecting/),
        expect.stringContaining("connected again"),
        expect.stringContaining("reconnecting"),
      ]);
      expect(lines.join("\n")).not.toContain("secret");
    } finally {
      stop();
      redis.disconnect();
      forwarder?.close();
      sockets.forEach((s) => s.destroy());
      warn.mockRestore();
      await waitFor(() => sockets.size === 0, 2000, "the forwarder's sockets to close");
    }
  });
});
