/**
 * Where the standalone server listens: open development mode (no app secret) on 127.0.0.1 only,
 * unless a host is given; with a secret on every interface, or the given host. Checked on the
 * transport's own server (`address()`), one server at a time; traffic only ever goes to 127.0.0.1.
 * Also the settings' environment variables (CHAT_HOST, CHAT_CORS_ORIGINS) and their checks.
 */
import type { AddressInfo } from "node:net";
import { ChatError, ErrorCode } from "../../src/core/errors";
import { edgesFromEnv, listenDescription, listenHost, resolveEdges } from "../../src/standalone/edges";
import { createChatServer, type ChatServerOptions } from "../../src/standalone/server";
import { startServer } from "../helpers/server";
import { CREDS } from "./edgeHelpers";

/** Starts a server with `options` on port 0, returns the transport's bound address (and that 127.0.0.1 answers), and shuts it down. */
async function boundAddress(options: ChatServerOptions): Promise<AddressInfo> {
  const t = await startServer(options);
  try {
    const address = t.server.colyseus.transport.server?.address() as AddressInfo;
    if (address.address !== "127.0.0.1" && address.address !== "0.0.0.0" && address.address !== "::")
      throw new Error(`unexpected address ${address.address}`);
    expect((await fetch(`${t.httpUrl}/__healthcheck`)).status).toBe(200);
    return address;
  } finally {
    await t.server.shutdown();
  }
}

const EVERY_INTERFACE = ["::", "0.0.0.0"];

describe("listen address", () => {
  test("open development mode (no app secret) listens on 127.0.0.1 only", async () => {
    expect((await boundAddress({})).address).toBe("127.0.0.1");
    // an operator password alone does not leave open mode
    expect((await boundAddress({ operatorPassword: "pw" })).address).toBe("127.0.0.1");
  });

  test("with an app secret it listens on every interface", async () => {
    expect(EVERY_INTERFACE).toContain((await boundAddress({ ...CREDS })).address);
  });

  test("ChatServer.address() reports the transport's bound address (what main.ts prints)", async () => {
    const t = await startServer({});
    try {
      expect(t.server.address()).toEqual(t.server.colyseus.transport.server?.address());
      expect(t.server.address()).toEqual({ address: "127.0.0.1", family: "IPv4", port: t.port });
    } finally {
      await t.server.shutdown();
    }
  });

  test("a given host wins in both modes", async () => {
    expect((await boundAddress({ ...CREDS, host: "127.0.0.1" })).address).toBe("127.0.0.1");
    expect((await boundAddress({ host: "0.0.0.0" })).address).toBe("0.0.0.0");
  });
});

describe("settings", () => {
  test("listenHost: the given host, else 127.0.0.1 without a secret, else every interface", () => {
    expect(listenHost(undefined, undefined)).toBe("127.0.0.1");
    expect(listenHost("", undefined)).toBe("127.0.0.1");
    expect(listenHost(undefined, "s")).toBeUndefined();
    expect(listenHost("::", undefined)).toBe("::");
    expect(listenHost("10.1.2.3", "s")).toBe("10.1.2.3");
  });

  test("edgesFromEnv reads CHAT_HOST and CHAT_CORS_ORIGINS (comma-separated, normalized); empty means unset", () => {
    expect(edgesFromEnv({})).toEqual({});
    expect(edgesFromEnv({ CHAT_HOST: " ", CHAT_CORS_ORIGINS: " , " })).toEqual({});
    expect(edgesFromEnv({ HOST: "0.0.0.0" })).toEqual({});
    expect(
      edgesFromEnv({ CHAT_HOST: "0.0.0.0", CHAT_CORS_ORIGINS: "https://Game.Example.com/, http://127.0.0.1:5173 ,https://a.example:443" }),
    ).toEqual({
      host: "0.0.0.0",
      corsOrigins: ["https://game.example.com", "http://127.0.0.1:5173", "https://a.example"],
    });
  });

  test("a bad origin or host is refused with PARAMETER naming the setting, from the environment and from code", () => {
    for (const bad of [
      "*",
      "game.example.com",
      "https://game.example.com/path",
      "ftp://x.example",
      "https://user:pw@x.example",
      "https://x.example/?q",
      "null",
    ]) {
      expect(() => edgesFromEnv({ CHAT_CORS_ORIGINS: bad })).toThrow(
        expect.objectContaining({ code: ErrorCode.PARAMETER, message: expect.stringContaining("CHAT_CORS_ORIGINS") }),
      );
      expect(() => createChatServer({ port: 0, corsOrigins: [bad] })).toThrow(
        expect.objectContaining({ code: ErrorCode.PARAMETER, message: expect.stringContaining("option corsOrigins") }),
      );
    }
    expect(() => resolveEdges({ corsOrigins: "https://x.example" as unknown as string[] })).toThrow(ChatError);
    for (const bad of ["", " ", "a b", "http://x"]) {
      expect(() => resolveEdges({ host: bad })).toThrow(
        expect.objectContaining({ code: ErrorCode.PARAMETER, message: expect.stringContaining("option host (CHAT_HOST)") }),
      );
    }
  });

  test("listenDescription: what main.ts prints", () => {
    expect(listenDescription({ address: "127.0.0.1", family: "IPv4", port: 2567 })).toBe("http://127.0.0.1:2567 (loopback only)");
    expect(listenDescription({ address: "::1", family: "IPv6", port: 2567 })).toBe("http://[::1]:2567 (loopback only)");
    expect(listenDescription({ address: "::", family: "IPv6", port: 2567 })).toBe("every interface, port 2567 (http://localhost:2567)");
    expect(listenDescription({ address: "0.0.0.0", family: "IPv4", port: 80 })).toBe("every interface, port 80 (http://localhost:80)");
    expect(listenDescription({ address: "10.0.0.5", family: "IPv4", port: 2567 })).toBe("http://10.0.0.5:2567");
  });
});
