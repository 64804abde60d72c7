/**
 * Writes docs/screenshot.png (two users chatting, desktop width), docs/screenshot-phone.png (the
 * same room at phone width) and docs/screenshot-operator.png (the operator console with its room
 * counters, a picked member and the audit trail): `npx tsx test/e2e/screenshot.ts`.
 * Needs Chromium (see test/helpers/browser.ts). Not a test: jest only runs *.test.ts.
 */
import path from "node:path";
import { launchBrowser, openPage } from "../helpers/browser";
import { signedPost } from "../helpers/operator";
import { startServer } from "../helpers/server";
import { enterRoom, message, notice, send, signIn, waitForMembers } from "./demoPage";

const DOCS = path.resolve(__dirname, "..", "..", "docs");

async function main(): Promise<void> {
  const t = await startServer();
  const browser = await launchBrowser();
  try {
    const ann = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    const bob = await openPage(browser, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const cleo = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    await signIn(ann.page, t.httpUrl, "ann", "Ann");
    await signIn(bob.page, t.httpUrl, "bob", "Bob");
    await signIn(cleo.page, t.httpUrl, "cleo", "Cleo");
    await enterRoom(ann.page, "Game night");
    await send(ann.page, "Who's in for Friday?");
    await enterRoom(ann.page, "Lobby");
    await enterRoom(bob.page, "Lobby");
    await enterRoom(cleo.page, "Lobby");
    await waitForMembers(ann.page, ["ann", "bob", "cleo"]);
    await signedPost(t.httpUrl, "/message/chatroom/publish.json", {
      fromUserId: "system",
      toChatroomId: "lobby",
      objectName: "RC:TxtMsg",
      content: JSON.stringify({ content: "Welcome to the lobby. Be nice!" }),
    });
    await message(ann.page, "Be nice").waitFor();
    await send(ann.page, "Hi Bob! Ready for the match at 8?");
    await message(bob.page, "Ready for the match").waitFor();
    await send(bob.page, "Yes! I'll bring the snacks.");
    await message(ann.page, "snacks").waitFor();
    await send(cleo.page, "Count me in too");
    await message(ann.page, "Count me in").waitFor();
    await send(ann.page, "Great, see you there.");
    await send(ann.page, "Bring the dice!");
    await message(bob.page, "dice").waitFor();
    await cleo.page.click("#leave-room");
    await notice(ann.page, "Cleo left").waitFor();
    await bob.page.locator("#message-input").pressSequentially("On my way");
    await ann.page.locator("#typing", { hasText: "Bob is typing" }).waitFor();
    await ann.page.waitForTimeout(2500); // the room list refreshes every 2 s
    await ann.page.screenshot({ path: path.join(DOCS, "screenshot.png") });
    await bob.page.screenshot({ path: path.join(DOCS, "screenshot-phone.png"), fullPage: false });

    const operator = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    await operator.page.goto(t.httpUrl + "/operator/");
    await operator.page.locator('#op-room-list tr[data-room="lobby"]').click();
    await operator.page.locator('#op-members button[data-user="bob"]').click();
    await operator.page.click('button[data-action="mute"]');
    await operator.page.locator("#op-result.ok").waitFor();
    await operator.page.locator("#audit li", { hasText: "muted bob" }).waitFor();
    await operator.page.locator(".banner .close").click();
    await operator.page.screenshot({ path: path.join(DOCS, "screenshot-operator.png") });

    const overflow = await bob.page.evaluate(() =>
      Array.from(document.querySelectorAll("body *"))
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map((e) => `${e.tagName}#${e.id}.${e.className} ${String(Math.round(e.getBoundingClientRect().right))}`),
    );
    if (overflow.length) console.log("wider than the phone:", overflow);
    const errors = [...ann.errors, ...bob.errors, ...cleo.errors, ...operator.errors];
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
