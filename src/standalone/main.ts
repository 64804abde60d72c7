/** `npm start`: runs the chat server with the configuration of the environment (README "Configuration"). */
import { configFromEnv } from "../config";
import { edgesFromEnv, listenDescription } from "./edges";
import { createChatServer, type ChatServer } from "./server";

/** One line saying why the server could not listen (EADDRINUSE, EACCES, ...). */
function listenFailure(e: NodeJS.ErrnoException & { address?: string; port?: number }, requestedPort: number): string {
  const where = e.address !== undefined ? `${e.address}:${e.port ?? requestedPort}` : `port ${e.port ?? requestedPort}`;
  if (e.code === "EADDRINUSE")
    return `chat server: cannot listen on ${where}: the address is already in use (EADDRINUSE); stop the process using it or set PORT to a free port`;
  if (e.code === "EACCES")
    return `chat server: cannot listen on ${where}: permission denied (EACCES); ports below 1024 need privileges, set PORT to a port above 1024`;
  return `chat server: cannot listen on ${where}: ${e.message}`;
}

/**
 * Listens, or exits with status 1 and one line when the port cannot be bound. Colyseus' `listen()`
 * never settles on such an error (its callback runs only once listening) while ws-transport
 * prints the stack: the first "error" listener, added here, prints the line and exits before
 * either happens.
 */
function listenOrExit(server: ChatServer): Promise<number> {
  const http = server.colyseus.transport.server;
  const onError = (e: NodeJS.ErrnoException): void => {
    console.error(listenFailure(e, server.config.port));
    process.exit(1);
  };
  http?.prependOnceListener("error", onError);
  return server.listen().finally(() => http?.off("error", onError));
}

async function main(): Promise<void> {
  const server = createChatServer({ ...configFromEnv(), ...edgesFromEnv(), handleSignals: true });
  await listenOrExit(server);
  const { redisUrl, appSecret } = server.config;
  console.log(`chat server listening on ${listenDescription(server.address())}; demo at /, health at /__healthcheck`);
  console.log(redisUrl ? `state: Redis at ${redisUrl}` : "state: in memory (single process; set REDIS_URL to scale out)");
  if (!appSecret) {
    console.log(
      "OPEN DEVELOPMENT MODE: CHAT_APP_SECRET is not set, so the operator API needs no signature and rooms need no user token; the server listens on 127.0.0.1 only unless CHAT_HOST is set",
    );
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
