/**
 * The demo chat app in a real browser (Chromium), on a server in open development mode: two
 * users in two browser contexts chat, recall, edit attributes and see refusals in words; a switch
 * moves a user between rooms with every member list following; the operator panel is open and
 * says so; the page fits a phone. No test may leave a console error behind.
 */
import { browserSuite, describeWithBrowser, type WatchedPage } from "../helpers/browser";
import { signedPost } from "../helpers/operator";
import { exitBanner, member, message, roomAction, send, signIn, waitForMembers } from "./demoPage";

jest.setTimeout(60_000);

describeWithBrowser("demo chat app (open development mode)", () => {
  const suite = browserSuite();

  async function user(userId: string, userName: string, viewport?: { width: number; height: number }): Promise<WatchedPage> {
    const watched = await suite.open(viewport ? { viewport } : {});
    await signIn(watched.page, suite.server.httpUrl, userId, userName);
    return watched;
  }

  test("two users in two browser contexts chat in one room: messages with sender and time, recall of one's own, attributes, refusals in words (muted, too large, rate limited)", async () => {
    const ann = await user("ann", "Ann");
    const bob = await user("bob", "Bob");
    await roomAction(ann.page, "create", "lobby", "Lobby");
    // bob joins from the room list, which shows the room's name and member count
    const row = bob.page.locator('#room-list li[data-room="lobby"]');
    await row.filter({ hasText: "Lobby" }).filter({ hasText: "lobby · 1 member" }).waitFor();
    await row.locator("button", { hasText: "Join" }).click();
    await bob.page.locator('#tabs button[data-room="lobby"][aria-current="true"]').waitFor();
    for (const { page } of [ann, bob]) {
      await waitForMembers(page, ["ann", "bob"]);
      await member(page, "bob").and(page.locator(".online")).waitFor();
    }

    await send(ann.page, "Hello Bob!");
    const atBob = message(bob.page, "Hello Bob!");
    await atBob.waitFor();
    expect(await atBob.locator(".sender").textContent()).toBe("Ann");
    expect(await atBob.locator("time").textContent()).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    expect(await atBob.locator("button", { hasText: "Recall" }).count()).toBe(0);
    await send(bob.page, "Hi Ann");
    await message(ann.page, "Hi Ann").waitFor();
    expect(await ann.page.inputValue("#message-input")).toBe("");

    await message(ann.page, "Hello Bob!").locator("button", { hasText: "Recall" }).click();
    await bob.page.locator("#messages li.recalled", { hasText: "Message recalled" }).waitFor();
    expect(await message(bob.page, "Hello Bob!").count()).toBe(0);

    await ann.page.fill("#attr-key", "topic");
    await ann.page.fill("#attr-value", "welcome");
    await ann.page.click("#attribute-form button[type=submit]");
    await bob.page.locator('#attributes tr[data-key="topic"]', { hasText: "welcome" }).waitFor();
    await bob.page.fill("#attr-key", "topic");
    await bob.page.fill("#attr-value", "mine now");
    await bob.page.click("#attribute-form button[type=submit]");
    await bob.page.locator("#attribute-status", { hasText: "Another member owns that attribute" }).waitFor();

    // a mute set by the operator API turns bob's next send into a refusal in words
    const muted = await signedPost(suite.server.httpUrl, "/chatroom/user/gag/add.json", { chatroomId: "lobby", userId: "bob", minute: 5 });
    expect(muted.body).toEqual({ code: 200 });
    await send(bob.page, "can you hear me?");
    await bob.page.locator("#composer-status", { hasText: "You are muted" }).waitFor();
    expect(await bob.page.inputValue("#message-input")).toBe("can you hear me?");

    await send(ann.page, "x".repeat(9000));
    await ann.page.locator("#composer-status", { hasText: "That message is too large to send. (24005)" }).waitFor();
    await ann.page.evaluate(() => {
      const input = document.querySelector<HTMLInputElement>("#message-input")!;
      const form = document.querySelector<HTMLFormElement>("#composer")!;
      for (let i = 0; i < 8; i++) {
        input.value = `burst ${i}`;
        form.requestSubmit();
      }
    });
    await ann.page.locator("#composer-status", { hasText: "You are sending too fast (rate limited)" }).waitFor();
  });

  test("a switch moves a user between rooms and the member lists follow on both sides; leave all empties the tabs", async () => {
    const cleo = await user("cleo", "Cleo");
    const dan = await user("dan", "Dan");
    const eve = await user("eve", "Eve");
    await roomAction(cleo.page, "enter", "hall", "Hall");
    await roomAction(eve.page, "enter", "hall");
    await roomAction(dan.page, "enter", "games", "Games");
    await waitForMembers(eve.page, ["cleo", "eve"]);

    // cleo switches from the room list
    await cleo.page.locator('#room-list li[data-room="games"] button', { hasText: "Switch" }).click();
    await cleo.page.locator('#tabs button[data-room="games"][aria-current="true"]').waitFor();
    await waitForMembers(cleo.page, ["cleo", "dan"]);
    await waitForMembers(dan.page, ["cleo", "dan"]);
    await waitForMembers(eve.page, ["eve"]);
    expect(await cleo.page.locator('#tabs button[data-room="hall"]').count()).toBe(0);
    expect(await cleo.page.locator("#lobby-status").textContent()).toBe("Switched to Games.");

    await roomAction(cleo.page, "join", "hall");
    await waitForMembers(eve.page, ["cleo", "eve"]);
    await cleo.page.click("#leave-all");
    await cleo.page.locator("#room-empty").waitFor();
    expect(await cleo.page.locator("#tabs button").count()).toBe(0);
    await waitForMembers(eve.page, ["eve"]);
    await waitForMembers(dan.page, ["dan"]);
    expect(await cleo.page.locator("#banners .banner").count()).toBe(0);
  });

  test("a member whose network drops is shown offline to the others, and online again after the SDK reconnects, without leaving", async () => {
    const hal = await user("hal", "Hal");
    const ida = await user("ida", "Ida");
    await roomAction(hal.page, "enter", "radio", "Radio");
    await roomAction(ida.page, "join", "radio");
    await hal.page.locator('#members li.online[data-user="ida"]').waitFor();

    await ida.context.setOffline(true);
    await hal.page.locator('#members li.offline[data-user="ida"]', { hasText: "offline" }).waitFor({ timeout: 20_000 });
    await ida.page.locator('#tabs button[data-room="radio"]', { hasText: "reconnecting" }).waitFor();
    await ida.context.setOffline(false);
    await hal.page.locator('#members li.online[data-user="ida"]').waitFor({ timeout: 20_000 });
    await ida.page.locator('#tabs button[data-room="radio"]', { hasText: "reconnecting" }).waitFor({ state: "detached" });
    expect(await ida.page.locator("#banners .banner").count()).toBe(0);
    // Chromium itself logs each request and reconnection attempt refused while offline; those are not the page's errors
    const own = ida.errors.filter(
      (e) => !/^console\.error: (WebSocket connection to|Failed to load resource:) .*net::ERR_INTERNET_DISCONNECTED$/.test(e),
    );
    ida.errors.splice(0, ida.errors.length, ...own);
  });

  test("the operator panel is open in development mode, says so, and its Kick removes a member with a banner", async () => {
    const fay = await user("fay", "Fay");
    await roomAction(fay.page, "enter", "stage", "Stage");
    const operator = await suite.open();
    await operator.page.goto(suite.server.httpUrl + "/operator/");
    await operator.page.locator(".banner.info", { hasText: "Open development mode" }).waitFor();
    await operator.page.fill("#op-room", "stage");
    await operator.page.fill("#op-users", "fay");
    await operator.page.click('button[data-action="kick"]');
    expect(await exitBanner(fay.page)).toContain("You were removed from Stage (stage) by an operator (kicked)");
    await fay.page.locator("#room-empty").waitFor();
  });

  test("on a phone-sized screen the page fits the width and the chat is usable", async () => {
    const gus = await user("gus", "Gus", { width: 390, height: 844 });
    await roomAction(gus.page, "enter", "mobile", "Mobile");
    await send(gus.page, "typed on a phone");
    await message(gus.page, "typed on a phone").waitFor();
    const fits = await gus.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(fits).toBe(true);
    const composer = await gus.page.locator("#composer").boundingBox();
    expect(composer && composer.x >= 0 && composer.x + composer.width <= 390).toBe(true);
  });
});
