/**
 * The operator panel in a real browser, on a secured server (app secret, user tokens, operator
 * password): the panel is closed without the password; with it, a ban removes a member with a
 * banner and keeps them out, a mute and a system message reach the room, all through the
 * server's signing proxy. No test may leave a console error behind.
 */
import { browserSuite, describeWithBrowser, type WatchedPage } from "../helpers/browser";
import { tokenFor, type OperatorCredentials } from "../helpers/operator";
import { exitBanner, message, roomAction, send, signIn, submitRoomForm, waitForMembers } from "./demoPage";

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

  test("a ban from the operator page removes the member with a banner, the others' member list follows, and re-entry is refused in words", async () => {
    const ann = await user("ann", "Ann");
    const bob = await user("bob", "Bob");
    await roomAction(ann.page, "enter", "stage", "Stage");
    await roomAction(bob.page, "join", "stage");
    await waitForMembers(ann.page, ["ann", "bob"]);

    const operator = await operatorPage();
    expect(await operator.page.locator(".banner.info").count()).toBe(0);
    expect(await operator.page.content()).not.toContain(creds.appSecret);
    await operator.page.fill("#op-room", "stage");
    await operator.page.fill("#op-users", "bob");
    await operator.page.fill("#op-minutes", "5");
    await operator.page.click('button[data-action="ban"]');
    await operator.page.locator("#log", { hasText: 'HTTP 200 {"code":200}' }).waitFor();

    expect(await exitBanner(bob.page)).toContain("You were banned from Stage (stage)");
    await bob.page.locator("#room-empty").waitFor();
    await waitForMembers(ann.page, ["ann"]);

    await submitRoomForm(bob.page, "join", "stage");
    await bob.page.locator("#lobby-status", { hasText: "You are banned from this room. (23409)" }).waitFor();
  });

  test("a mute from the operator page shows as a refusal in the composer; a system message from the panel reaches the room", async () => {
    const cleo = await user("cleo", "Cleo");
    await roomAction(cleo.page, "enter", "news", "News");
    const operator = await operatorPage();
    await operator.page.fill("#op-room", "news");
    await operator.page.fill("#op-users", "cleo");
    await operator.page.click('button[data-action="mute"]');
    await operator.page.locator("#log", { hasText: 'HTTP 200 {"code":200}' }).waitFor();
    await send(cleo.page, "am I muted?");
    await cleo.page.locator("#composer-status", { hasText: "You are muted" }).waitFor();

    await operator.page.fill("#pub-text", "Maintenance at noon");
    await operator.page.click('button[data-action="publish"]');
    const notice = message(cleo.page, "Maintenance at noon");
    await notice.waitFor();
    expect(await notice.getAttribute("class")).toContain("system");
  });
});
