/**
 * The operator panel in a real browser, on a secured server (app secret, user tokens, operator
 * password): the panel is closed without the password; with it, a ban removes a member with a
 * banner and keeps them out (after a confirmation, with its audit entry), a mute and an announcement reach the room, all through the
 * server's signing proxy. No test may leave a console error behind.
 */
import { browserSuite, describeWithBrowser, type WatchedPage } from "../helpers/browser";
import { tokenFor, type OperatorCredentials } from "../helpers/operator";
import { enterRoom, exitBanner, message, notice, send, signIn, submitJoinBox, waitForMembers } from "./demoPage";

jest.setTimeout(60_000);

const creds: OperatorCredentials = { appKey: "demo-key", appSecret: "demo-secret-never-in-the-browser" };
const PASSWORD = "op-password";

describeWithBrowser("demo operator panel (secured server)", () => {
  const suite = browserSuite({ ...creds, operatorPassword: PASSWORD });

  async function user(userId: string, userName: string): Promise<WatchedPage> {
    const watched = await suite.open();
    await signIn(watched.page, suite.server.httpUrl, userId, userName, await tokenFor(suite.server.httpUrl, userId, creds));
    return watched;
  }

  async function operatorPage(): Promise<WatchedPage> {
    const watched = await suite.open({ httpCredentials: { username: "operator", password: PASSWORD } });
    await watched.page.goto(suite.server.httpUrl + "/operator/");
    await watched.page.locator('button[data-action="ban"]').waitFor();
    return watched;
  }

  test("without the operator password the panel and its proxy answer 401 and ask for basic auth", async () => {
    for (const path of ["/operator/", "/operator/api/status"]) {
      const res = await fetch(suite.server.httpUrl + path);
      expect([path, res.status, res.headers.get("www-authenticate")]).toEqual([path, 401, 'Basic realm="chat operator", charset="UTF-8"']);
    }
    const wrong = await fetch(suite.server.httpUrl + "/operator/api/chatroom/destroy.json", {
      method: "POST",
      headers: {
        authorization: "Basic " + Buffer.from("operator:guess").toString("base64"),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "chatroomId=lobby",
    });
    expect(wrong.status).toBe(401);
  });

  test("a ban from the console (member picked, confirmed) removes the member with a banner, the others see a notice, re-entry is refused in words, the audit trail tells it", async () => {
    const ann = await user("ann", "Ann");
    const bob = await user("bob", "Bob");
    await enterRoom(ann.page, "Stage");
    await enterRoom(bob.page, "Stage");
    await waitForMembers(ann.page, ["ann", "bob"]);

    const operator = await operatorPage();
    expect(await operator.page.locator(".banner.info").count()).toBe(0);
    expect(await operator.page.content()).not.toContain(creds.appSecret);
    await operator.page.selectOption("#op-room", "stage");
    await operator.page.locator('#op-members button[data-user="bob"]').click();
    await operator.page.selectOption("#op-minutes", "60");
    await operator.page.click('button[data-action="ban"]');
    await operator.page.locator("#confirm-text", { hasText: "Ban bob from Stage for 1 hour?" }).waitFor();
    await operator.page.click("#confirm-yes");
    await operator.page.locator("#op-result.ok", { hasText: "Banned bob from Stage for 1 hour." }).waitFor();

    expect(await exitBanner(bob.page)).toContain("You were banned from Stage");
    await bob.page.locator("#room-empty").waitFor();
    await waitForMembers(ann.page, ["ann"]);
    await notice(ann.page, "Bob was banned").waitFor();

    await submitJoinBox(bob.page, "Stage");
    await bob.page.locator("#lobby-status", { hasText: "You are banned from this room." }).waitFor();
    expect(await bob.page.locator("#lobby-status").textContent()).not.toMatch(/\d{5}/);
    await operator.page.locator("#audit li", { hasText: "Operator banned bob from Stage for 1 hour" }).waitFor();
    await operator.page.locator("#audit li", { hasText: "bob left Stage (banned)" }).waitFor();

    // out of the room, bob stays in the picker as banned, still selected, and the ban can be lifted
    const banned = operator.page.locator('#op-members button.offline[data-user="bob"]', { hasText: "banned until" });
    await banned.waitFor();
    expect(await banned.getAttribute("aria-pressed")).toBe("true");
    await operator.page.click('button[data-action="unban"]');
    await operator.page.locator("#op-result.ok", { hasText: "bob may join Stage again." }).waitFor();
    await enterRoom(bob.page, "Stage");
    await waitForMembers(ann.page, ["ann", "bob"]);
  });

  test("a mute from the console shows as a refusal in the composer; an announcement from the console reaches the room", async () => {
    const cleo = await user("cleo", "Cleo");
    await enterRoom(cleo.page, "News");
    const operator = await operatorPage();
    await operator.page.locator('#op-room-list tr[data-room="news"]').click();
    await operator.page.locator('#op-members button[data-user="cleo"]').click();
    await operator.page.click('button[data-action="mute"]');
    await operator.page.locator("#op-result.ok", { hasText: "Muted cleo in News for 10 minutes." }).waitFor();
    // no confirmation for a mute: nothing is removed
    expect(await operator.page.locator("#confirm").isVisible()).toBe(false);
    await send(cleo.page, "am I muted?");
    await cleo.page.locator("#composer-status", { hasText: "You are muted" }).waitFor();

    await operator.page.fill("#pub-text", "Maintenance at noon");
    await operator.page.click('button[data-action="publish"]');
    const announcement = message(cleo.page, "Maintenance at noon");
    await announcement.waitFor();
    expect(await announcement.getAttribute("class")).toContain("system");
    expect(await announcement.locator(".sender").textContent()).toBe("Announcement");
    expect(await cleo.page.locator("#messages").textContent()).not.toContain("RC:TxtMsg");
  });
});
