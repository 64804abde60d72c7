/**
 * A real HTTP receiver for the ops suites (node:http on port 0): records every request with its
 * body and whether its signature verified, answers as the test's handler says, and lets a test
 * wait, bounded, until the requests so far satisfy a condition (resolved by the receiver itself,
 * no polling).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { verifySignature } from "../../src/http/signature";
import { bodySignature } from "../../src/index";

/** Credentials the suites sign with. */
export const CREDS = { appKey: "ops-key", appSecret: "ops-secret" } as const;

/** One request as received. */
export interface ReceivedRequest {
  /** 1-based arrival number. */
  n: number;
  body: string;
  /** App-Key, Nonce, Timestamp and Signature verified against {@link CREDS}. */
  signed: boolean;
  /** Body-Signature verified. */
  bodySigned: boolean;
  /** What the handler answered (status), or "reset" when it destroyed the connection, "held" until answered. */
  outcome: number | "reset" | "held";
}

/** How the test answers: set `outcome` by returning a status and a body, "reset", or "hold" (answer later via `release`). */
export type Handler = (request: ReceivedRequest, json: unknown) => { status: number; body?: unknown } | "reset" | "hold";

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  handler: Handler;
  /** Resolves once `condition(requests)` holds (checked now and on every request); rejects after `timeoutMs`. */
  until(condition: (requests: ReceivedRequest[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Answers every held request with `status` and `body`. */
  release(status: number, body?: unknown): void;
  close(): Promise<void>;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function checkSignature(req: IncomingMessage, body: string): { signed: boolean; bodySigned: boolean } {
  const h = {
    appKey: header(req, "App-Key"),
    nonce: header(req, "Nonce"),
    timestamp: header(req, "Timestamp"),
    signature: header(req, "Signature"),
  };
  let signed = true;
  try {
    // a receiver should also bound the Timestamp's age: 60 s here
    verifySignature(h, { appKey: CREDS.appKey, appSecret: CREDS.appSecret, maxSkewS: 60, now: Date.now });
  } catch {
    signed = false;
  }
  const given = header(req, "Body-Signature");
  const bodySigned =
    h.nonce !== undefined && h.timestamp !== undefined && given === bodySignature(CREDS.appSecret, h.nonce, h.timestamp, body);
  return { signed, bodySigned };
}

export async function startReceiver(handler: Handler = () => ({ status: 200, body: { code: 200 } })): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const held: ServerResponse[] = [];
  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(typeof body === "string" ? body : JSON.stringify(body ?? {}));
  };
  const receiver: Receiver = {
    url: "",
    requests,
    handler,
    until(condition, what, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!condition(requests)) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${requests.length} request(s)`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    release(status, body) {
      for (const res of held.splice(0)) answer(res, status, body);
    },
    close() {
      receiver.release(503);
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const request: ReceivedRequest = { n: requests.length + 1, body, ...checkSignature(req, body), outcome: "held" };
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const reply = receiver.handler(request, json);
      if (reply === "reset") {
        request.outcome = "reset";
        req.socket.destroy();
      } else if (reply === "hold") {
        held.push(res);
      } else {
        request.outcome = reply.status;
        answer(res, reply.status, reply.body);
      }
      requests.push(request);
      for (const check of [...waiters]) check();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}

/** `promise`, rejected when it has not settled within `timeoutMs`. */
export async function bounded<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
