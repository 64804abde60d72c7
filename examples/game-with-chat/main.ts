/** Runs the example: `npx tsx examples/game-with-chat/main.ts` (PORT, default 2567). */
import { buildServer } from "./server";

const port = Number(process.env.PORT ?? 2567);
const { server } = buildServer({ appKey: process.env.CHAT_APP_KEY, appSecret: process.env.CHAT_APP_SECRET });
server.listen(port).then(
  () => console.log(`game with chat on http://localhost:${port} (rooms: battle, chat; chat operator API at /chat-admin)`),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
