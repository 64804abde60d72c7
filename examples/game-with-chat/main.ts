/**
 * Runs the example: `npx tsx examples/game-with-chat/main.ts`, listening on PORT [2567; 0 = any free port]. The chat
 * settings come from the standalone server's environment variables (CHAT_APP_KEY,
 * CHAT_APP_SECRET, CHAT_MAX_MESSAGE_BYTES, ...: README "Configuration"), checked the same way: a
 * bad value stops the start with a message naming the variable and its range.
 */
import { configFromEnv } from "../../src/index";
import { buildServer } from "./server";

try {
  const { port = 2567, ...chatOptions } = configFromEnv();
  const { server } = buildServer(chatOptions);
  server.listen(port).then(
    () => {
      const address = server.transport.server?.address();
      const bound = typeof address === "object" && address ? address.port : port;
      console.log(`game with chat on http://localhost:${bound} (rooms: battle, chat; chat operator API at /chat-admin)`);
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
