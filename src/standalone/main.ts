/** `npm start`: runs the chat server with the configuration of the environment (README "Configuration"). */
import { configFromEnv } from "../config";
import { edgesFromEnv, listenDescription } from "./edges";
import { createChatServer } from "./server";

async function main(): Promise<void> {
  const server = createChatServer({ ...configFromEnv(), ...edgesFromEnv(), handleSignals: true });
  await server.listen();
  const { redisUrl, appSecret } = server.config;
  console.log(`chat server listening on ${listenDescription(server.address())}; demo at /, health at /__healthcheck`);
  console.log(redisUrl ? `state: Redis at ${redisUrl}` : "state: in memory (single process; set REDIS_URL to scale out)");
  if (!appSecret) {
    console.log("OPEN DEVELOPMENT MODE: CHAT_APP_SECRET is not set, so the operator API needs no signature and rooms need no user token; the server listens on 127.0.0.1 only unless CHAT_HOST is set");
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
