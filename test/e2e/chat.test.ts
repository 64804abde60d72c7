/**
 * The demo chat app in a real browser (Chromium, desktop width), on a server in open development
 * mode, each scenario at desktop width and on a phone: two users in two browser contexts chat with join/leave notices, a typing line and Unsend;
 * refusals show in words in the room they belong to and nowhere else; a reload keeps the user in
 * the room without the others seeing a leave; a send made offline waits as "sending" and goes out
 * on reconnect; older history loads on scroll; the operator console kicks only after a
 * confirmation and shows the audit entry. No test may leave a console error behind.
 */
import type { BrowserContextOptions } from "playwright-core";
import { browserSuite, describeWithBrowser, type WatchedPage } from "../helpers/browser";
import { signedPost } from "../helpers/operator";
import {
  atBottom,
  conversation,
  enterRoom,
  exitBanner,
  member,
  message,
  notice,
  openRoom,
  send,
  showRoomList,
  signIn,
  waitForMembers,
} from "./demoPage";

jest.setTimeout(90_000);

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** Chromium logs each request and reconnection attempt refused while offline by itself; those are not the page's errors. */
function dropOfflineNoise(watched: WatchedPage): void {
  const own = watched.errors.filter(
    (e) => !/^console\.error: (WebSocket connection to|Failed to load resource:) .*net::ERR_INTERNET_DISCONNECTED$/.test(e),
  );
  watched.errors.splice(0, watched.errors.length, ...own);
}

/** The two layouts every scenario runs in: a desktop window, and a phone (one screen at a time: room list, then conversation). */
const LAYOUTS: [string, BrowserContextOptions][] = [
  ["desktop", { viewport: DESKTOP }],
  ["phone 390x844", { viewport: PHONE, isMobile: true, hasTouch: true }],
];

describe.each(LAYOUTS)("demo chat app (open development mode) on a %s", (_layout, device) => {
  describeWithBrowser("scenarios", () => {
    const suite = browserSuite();

    async function user(userId: string, userName: string, viewport = device.viewport ?? DESKTOP): Promise<WatchedPage> {
      const watched = await suite.open({ ...device, viewport });
      await signIn(watched.page, suite.server.httpUrl, userId, userName);
      return watched;
    }

    test("two users chat: join from the room list, join/leave notices, sender, time and grouping, typing line, Unsend of one's own message only", async () => {
      const ann = await user("ann", "Ann");
      const bob = await user("bob", "Bob");
      expect(await enterRoom(ann.page, "Lobby")).toBe("lobby");
      // bob joins from the room list, which shows the room's name and member count (no id, no entry buttons)
      const row = bob.page.locator('#room-list li[data-room="lobby"]');
      await row.filter({ hasText: "Lobby" }).filter({ hasText: "1 member" }).waitFor();
      await row.click();
      await conversation(bob.page, "lobby").waitFor();
      expect(await bob.page.locator("#room-form button").count()).toBe(1);
      await notice(ann.page, "Bob joined").waitFor();
      for (const { page } of [ann, bob]) {
        await waitForMembers(page, ["ann", "bob"]);
        await member(page, "bob").and(page.locator(".online")).waitFor({ state: "attached" });
      }
      expect(await ann.page.locator("#room-meta").textContent()).toBe("2 members · 2 online");
      // ann created the room and owns it: both member lists say so with a badge (the role comes from the server)
      for (const { page } of [ann, bob]) {
        await member(page, "ann").locator(".role", { hasText: "owner" }).waitFor({ state: "attached" });
        expect(await member(page, "bob").locator(".role").count()).toBe(0);
      }

      await bob.page.locator("#message-input").pressSequentially("Hel");
      await ann.page.locator("#typing", { hasText: "Bob is typing…" }).waitFor();
      await bob.page.fill("#message-input", "");
      await ann.page.locator("#typing:empty").waitFor();

      await send(ann.page, "Hello Bob!");
      const atBob = message(bob.page, "Hello Bob!");
      await atBob.waitFor();
      expect(await atBob.locator(".sender").textContent()).toBe("Ann");
      expect(await atBob.locator("time").first().textContent()).toMatch(/^\d{2}:\d{2}$/);
      expect(await atBob.locator("button", { hasText: "Unsend" }).count()).toBe(0);
      // a second message of the same sender right after joins its group: no repeated name
      await send(ann.page, "How are you?");
      const grouped = message(bob.page, "How are you?");
      await grouped.waitFor();
      expect([await grouped.getAttribute("class"), await grouped.locator(".sender").count()]).toEqual([
        expect.stringContaining("grouped"),
        0,
      ]);
      await send(bob.page, "Hi Ann");
      await message(ann.page, "Hi Ann").waitFor();
      expect(await ann.page.inputValue("#message-input")).toBe("");
      // the room list previews the last message
      await showRoomList(ann.page);
      await ann.page.locator('#room-list li[data-room="lobby"] .preview', { hasText: "Bob: Hi Ann" }).waitFor();
      await openRoom(ann.page, "lobby");

      const own = message(ann.page, "Hello Bob!").locator("button", { hasText: "Unsend" });
      expect(await own.isVisible()).toBe(true);
      await own.click();
      await bob.page.locator("#messages li.recalled", { hasText: "Ann unsent a message" }).waitFor();
      expect(await message(bob.page, "Hello Bob!").count()).toBe(0);
      await ann.page.locator("#messages li.recalled", { hasText: "You unsent a message" }).waitFor();

      await bob.page.click("#leave-room");
      await notice(ann.page, "Bob left").waitFor();
      await waitForMembers(ann.page, ["ann"]);
      expect(await bob.page.locator("#banners .banner").count()).toBe(0);
    });

    test("refusals show in words in their own room only (muted, too long, too fast); drafts and failed messages stay with their room", async () => {
      const cleo = await user("cleo", "Cleo");
      await enterRoom(cleo.page, "Hall");
      await enterRoom(cleo.page, "Games");

      await send(cleo.page, "x".repeat(9000));
      await cleo.page.locator("#composer-status", { hasText: "That message is too long to send" }).waitFor();
      await cleo.page.locator('#messages li.outgoing[data-state="failed"]', { hasText: "Not sent" }).waitFor();
      expect(await cleo.page.locator("#composer-status").textContent()).not.toMatch(/\d{5}/);
      await cleo.page.fill("#message-input", "draft for games");

      await openRoom(cleo.page, "hall");
      expect(await cleo.page.locator("#composer-status").textContent()).toBe("");
      expect(await cleo.page.inputValue("#message-input")).toBe("");
      expect(await cleo.page.locator("#messages li.outgoing").count()).toBe(0);

      // a mute set by the operator API in hall: the refusal shows in hall, and not after moving to games
      const muted = await signedPost(suite.server.httpUrl, "/chatroom/user/gag/add.json", {
        chatroomId: "hall",
        userId: "cleo",
        minute: 5,
      });
      expect(muted.body).toEqual({ code: 200 });
      await send(cleo.page, "can you hear me?");
      await cleo.page.locator("#composer-status", { hasText: "You are muted in this room" }).waitFor();
      await message(cleo.page, "can you hear me?").and(cleo.page.locator(".failed")).waitFor();

      await openRoom(cleo.page, "games");
      expect(await cleo.page.inputValue("#message-input")).toBe("draft for games");
      await cleo.page.locator("#composer-status", { hasText: "That message is too long" }).waitFor();
      expect(await cleo.page.locator("#composer-status").textContent()).not.toContain("muted");
      expect(await message(cleo.page, "can you hear me?").count()).toBe(0);

      // a burst over the send rate: the refused ones fail in words and may be retried later
      await cleo.page.evaluate(() => {
        const input = document.querySelector<HTMLInputElement>("#message-input");
        const form = document.querySelector<HTMLFormElement>("#composer");
        if (!input || !form) throw new Error("no composer");
        for (let i = 0; i < 8; i++) {
          input.value = `burst ${String(i)}`;
          form.requestSubmit();
        }
      });
      await cleo.page.locator("#composer-status", { hasText: "You are sending too fast" }).waitFor();
      const failed = cleo.page.locator('#messages li.outgoing[data-state="failed"]', { hasText: "burst" });
      await failed.first().waitFor();
      const text = (await failed.first().locator(".body").textContent()) ?? "";
      // the send rate is counted per second: nothing signals the next second, so the retry waits it out
      await cleo.page.waitForTimeout(1100);
      await failed.first().locator("button", { hasText: "Retry" }).click();
      await cleo.page.locator("#messages li.message:not(.outgoing)", { hasText: text }).waitFor();
    });

    test("a reload keeps the user in the room: the others never see a leave, and the conversation goes on", async () => {
      const dan = await user("dan", "Dan");
      const eve = await user("eve", "Eve");
      await enterRoom(dan.page, "Radio");
      await enterRoom(eve.page, "Radio");
      await notice(dan.page, "Eve joined").waitFor();
      await send(eve.page, "before the reload");
      await message(dan.page, "before the reload").waitFor();

      await eve.page.reload();
      await conversation(eve.page, "radio").waitFor();
      await message(eve.page, "before the reload").waitFor();
      await send(eve.page, "after the reload");
      await message(dan.page, "after the reload").waitFor();
      await member(dan.page, "eve").and(dan.page.locator(".online")).waitFor({ state: "attached" });
      await send(dan.page, "welcome back");
      await message(eve.page, "welcome back").waitFor();
      expect(await dan.page.locator("#messages li.notice").allTextContents()).toEqual([expect.stringContaining("Eve joined")]);
      expect(await eve.page.locator("#who").textContent()).toBe("Eve");
    });

    test("a member whose network drops shows offline to the others; its send waits as sending and is delivered on reconnect", async () => {
      const hal = await user("hal", "Hal");
      const ida = await user("ida", "Ida");
      await enterRoom(hal.page, "Night shift");
      await enterRoom(ida.page, "Night shift");
      await hal.page.locator('#members li.online[data-user="ida"]').waitFor({ state: "attached" });

      await ida.context.setOffline(true);
      await hal.page
        .locator('#members li.offline[data-user="ida"]', { hasText: "offline" })
        .waitFor({ state: "attached", timeout: 20_000 });
      await ida.page.locator("#room-meta", { hasText: "Reconnecting" }).waitFor({ timeout: 20_000 });
      await send(ida.page, "sent while offline");
      const waiting = ida.page.locator('#messages li.outgoing[data-state="queued"]', { hasText: "sent while offline" });
      await waiting.filter({ hasText: "Sending" }).waitFor();

      await ida.context.setOffline(false);
      await message(hal.page, "sent while offline").waitFor({ timeout: 20_000 });
      await hal.page.locator('#members li.online[data-user="ida"]').waitFor({ state: "attached", timeout: 20_000 });
      await ida.page.locator("#messages li.message:not(.outgoing)", { hasText: "sent while offline" }).waitFor();
      expect(await ida.page.locator("#messages li.outgoing").count()).toBe(0);
      expect(await ida.page.locator("#banners .banner").count()).toBe(0);
      expect(await hal.page.locator("#messages li.notice", { hasText: "left" }).count()).toBe(0);
      dropOfflineNoise(ida);
    });

    test("older history loads when scrolled to the top, with day dividers; a message arriving while scrolled up shows the new-messages cue", async () => {
      // a short window, so that the ten messages of the join overflow it and nothing more is loaded before a scroll
      const short = { width: device.viewport === PHONE ? PHONE.width : 1280, height: 600 };
      const jo = await user("jo", "Jo", short);
      await enterRoom(jo.page, "Archive");
      for (let i = 1; i <= 35; i++) {
        const sent = await signedPost(suite.server.httpUrl, "/message/chatroom/publish.json", {
          fromUserId: "system",
          toChatroomId: "archive",
          objectName: "RC:TxtMsg",
          content: JSON.stringify({ content: `news ${String(i).padStart(2, "0")}` }),
        });
        expect(sent.body).toMatchObject({ code: 200 });
      }
      await message(jo.page, "news 35").waitFor();
      const kim = await user("kim", "Kim", short);
      await enterRoom(kim.page, "Archive");
      await message(kim.page, "news 35").waitFor();
      expect(await message(kim.page, "news 01").count()).toBe(0);
      expect(await kim.page.locator("#messages li.day", { hasText: "Today" }).count()).toBe(1);

      await kim.page.locator("#messages").evaluate((list) => {
        list.scrollTop = 0;
      });
      await message(kim.page, "news 01").waitFor();
      await kim.page.locator("#messages li.start", { hasText: "start of the room's history" }).waitFor();
      expect(await kim.page.locator("#messages li.message").count()).toBe(35);

      await kim.page.locator("#messages").evaluate((list) => {
        list.scrollTop = 0;
      });
      await send(jo.page, "are you reading old news?");
      await kim.page.locator("#new-messages").waitFor();
      await kim.page.click("#new-messages");
      await kim.page.locator("#new-messages").waitFor({ state: "hidden" });
      expect(await atBottom(kim.page)).toBe(true);
    });

    test("the operator console kicks only after a confirmation, and the audit trail says so in words", async () => {
      const fay = await user("fay", "Fay");
      await enterRoom(fay.page, "Stage");
      const operator = await suite.open({ viewport: DESKTOP }); // the operator works at a desk
      await operator.page.goto(suite.server.httpUrl + "/operator/");
      await operator.page.locator(".banner.info", { hasText: "Open development mode" }).waitFor();
      await operator.page.locator('#op-room-list tr[data-room="stage"]', { hasText: "Stage" }).click();
      await operator.page.locator('#op-members button[data-user="fay"]').click();

      await operator.page.click('button[data-action="kick"]');
      await operator.page.locator("#confirm-text", { hasText: "Remove fay from Stage?" }).waitFor();
      await operator.page.click("#confirm-no");
      await operator.page.locator("#op-result", { hasText: "Kick cancelled." }).waitFor();
      expect(await fay.page.locator("#banners .banner").count()).toBe(0);

      await operator.page.click('button[data-action="kick"]');
      await operator.page.click("#confirm-yes");
      await operator.page.locator("#op-result.ok", { hasText: "Removed fay from Stage." }).waitFor();
      expect(await exitBanner(fay.page)).toContain("You were removed from Stage by a moderator");
      await conversation(fay.page, "stage").waitFor({ state: "detached" });
      expect(await fay.page.locator('#room-list li.joined[data-room="stage"]').count()).toBe(0);
      await operator.page.locator("#audit li", { hasText: "Operator removed fay from Stage" }).waitFor();
      expect(await operator.page.locator("#audit").textContent()).not.toMatch(/\.json|\d{13}/);
    });
  });
});

describeWithBrowser("demo chat app: the phone layout (390x844)", () => {
  const suite = browserSuite();
  const PHONE_CONTEXT: BrowserContextOptions = { viewport: PHONE, isMobile: true, hasTouch: true };

  test("the room list, then the conversation, then back: two users chat, the page fits the width", async () => {
    const gus = await suite.open(PHONE_CONTEXT);
    const hana = await suite.open(PHONE_CONTEXT);
    await signIn(gus.page, suite.server.httpUrl, "gus", "Gus");
    await signIn(hana.page, suite.server.httpUrl, "hana", "Hana");
    await enterRoom(gus.page, "Mobile");
    // one screen at a time: the conversation hides the room list
    expect(await gus.page.locator("#lobby").isVisible()).toBe(false);
    await send(gus.page, "typed on a phone");
    await message(gus.page, "typed on a phone").waitFor();

    await hana.page.locator('#room-list li[data-room="mobile"]').click();
    await conversation(hana.page, "mobile").waitFor();
    await message(hana.page, "typed on a phone").waitFor();
    await notice(gus.page, "Hana joined").waitFor();
    await hana.page.locator("#message-input").pressSequentially("hi");
    await gus.page.locator("#typing", { hasText: "Hana is typing…" }).waitFor();
    await send(hana.page, "hi Gus");
    await message(gus.page, "hi Gus").waitFor();
    await message(gus.page, "typed on a phone").locator("button", { hasText: "Unsend" }).waitFor();

    for (const { page } of [gus, hana]) {
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      const composer = await page.locator("#composer").boundingBox();
      expect(composer && composer.x >= 0 && composer.x + composer.width <= 390 && composer.y + composer.height <= 844).toBe(true);
    }
    // the members sit behind their button on a phone
    expect(await gus.page.locator("#members").isVisible()).toBe(false);
    await gus.page.click("#toggle-members");
    await member(gus.page, "hana").waitFor();

    await gus.page.click("#back");
    await gus.page.locator('#room-list li[data-room="mobile"] .preview', { hasText: "Hana: hi Gus" }).waitFor();
    expect(await gus.page.locator("#room").isVisible()).toBe(false);
  });
});
