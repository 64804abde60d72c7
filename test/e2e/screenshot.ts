/**
 * Writes docs/screenshot.png (two users chatting, desktop width) and docs/screenshot-phone.png
 * (the same room at phone width) for the README: `npx tsx test/e2e/screenshot.ts`.
 * Needs Chromium (see test/helpers/browser.ts). Not a test: jest only runs *.test.ts.
 */
import path from "node:path";
import { launchBrowser, openPage } from "../helpers/browser";
import { signedPost } from "../helpers/operator";
import { startServer } from "../helpers/server";
import { message, roomAction, send, signIn, waitForMembers } from "./demoPage";

const DOCS = path.resolve(__dirname, "..", "..", "docs");

async function main(): Promise<void> {
  const t = await startServer();
  const browser = await launchBrowser();
  try {
    const ann = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    const bob = await openPage(browser, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await signIn(ann.page, t.httpUrl, "ann", "Ann");
    await signIn(bob.page, t.httpUrl, "bob", "Bob");
    await roomAction(ann.page, "enter", "games", "Game night");
    await roomAction(ann.page, "enter", "lobby", "Lobby");
    await roomAction(bob.page, "enter", "lobby");
    await waitForMembers(ann.page, ["ann", "bob"]);
    await send(ann.page, "Hi Bob! Ready for the match at 8?");
    await message(bob.page, "Ready for the match").waitFor();
    await send(bob.page, "Yes! I'll bring the snacks.");
    await message(ann.page, "snacks").waitFor();
    await signedPost(t.httpUrl, "/message/chatroom/publish.json", {
      fromUserId: "system",
      toChatroomId: "lobby",
      objectName: "RC:TxtMsg",
      content: JSON.stringify({ content: "Welcome to the lobby. Be nice!" }),
    });
    await message(ann.page, "Be nice").waitFor();
    await ann.page.fill("#attr-key", "topic");
    await ann.page.fill("#attr-value", "Friday game night");
    await ann.page.click("#attribute-form button[type=submit]");
    await bob.page.locator('#attributes tr[data-key="topic"]').waitFor();
    await send(ann.page, "Great, see you there.");
    await message(bob.page, "see you there").waitFor();
    await bob.page.fill("#message-input", "On my way");
    await ann.page.waitForTimeout(2500); // the room list refreshes every 2 s
    await ann.page.screenshot({ path: path.join(DOCS, "screenshot.png") });
    await bob.page.screenshot({ path: path.join(DOCS, "screenshot-phone.png"), fullPage: false });
    const overflow = await bob.page.evaluate(() =>
      Array.from(document.querySelectorAll("body *"))
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map((e) => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`),
    );
    if (overflow.length) console.log("wider than the phone:", overflow);
    const errors = [...ann.errors, ...bob.errors];
    if (errors.length) console.log("console errors:", errors);
  } finally {
    await browser.close();
    await t.server.shutdown();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
