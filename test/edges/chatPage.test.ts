/**
 * The chat page on a secured server (app secret: the list of every room is for operators): it
 * never asks for /demo/rooms (so no 401 and no password prompt), says why its list is short, and
 * lists the rooms its user is in; another user's room stays out of it. No console error.
 */
import path from "node:path";
import { build } from "esbuild";
import { browserSuite, describeWithBrowser } from "../helpers/browser";
import { tokenFor } from "../helpers/operator";
import { enterRoom, signIn } from "../e2e/demoPage";
import { CREDS, PASSWORD } from "./edgeHelpers";

jest.setTimeout(60_000);

describeWithBrowser("chat page on a secured server (room list for operators only)", () => {
  const suite = browserSuite({ ...CREDS, operatorPassword: PASSWORD });

  test("lists only the user's own rooms, never requests /demo/rooms, and says why", async () => {
    const { page } = await suite.open();
    const listRequests: string[] = [];
    page.on("request", (req) => {
      if (req.url().includes("/demo/rooms")) listRequests.push(req.url());
    });
    const other = await suite.open();
    await signIn(other.page, suite.server.httpUrl, "bob", "Bob", await tokenFor(suite.server.httpUrl, "bob", CREDS));
    await enterRoom(other.page, "Bobs room");

    await signIn(page, suite.server.httpUrl, "ann", "Ann", await tokenFor(suite.server.httpUrl, "ann", CREDS));
    await page.locator("#room-list li.empty", { hasText: "operators only" }).waitFor();
    await enterRoom(page, "Stage");
    await page.locator('#room-list li[data-room="stage"]', { hasText: "Stage" }).waitFor();
    // two refresh periods of the list (2 s each) without a request for every room
    await page.waitForTimeout(4500);
    expect(await page.locator("#room-list li").allTextContents()).toEqual([expect.stringContaining("Stage")]);
    expect(listRequests).toEqual([]);
  });
});

describeWithBrowser("chat page member list: role badges", () => {
  const suite = browserSuite();

  test("a member with a role gets a badge naming it; a member without one gets none", async () => {
    const { page } = await suite.open();
    await page.goto(suite.server.httpUrl + "/");
    // the page's own renderer, bundled for this test, run on the page's DOM and stylesheet
    await page.addScriptTag({ content: await bundleRenderMembers() });
    const badges = await page.evaluate(() => {
      const list = document.createElement("ul");
      list.id = "role-check";
      document.body.append(list);
      const render = (window as unknown as { renderMembers: (list: HTMLElement, members: unknown[], self: string) => void }).renderMembers;
      render(
        list,
        [
          { userId: "ann", userName: "Ann", joinedAt: 1, online: true, devices: 1, role: "moderator" },
          { userId: "bob", userName: "Bob", joinedAt: 2, online: false, devices: 0 },
        ],
        "bob",
      );
      return Array.from(list.querySelectorAll("li")).map((li) => [li.dataset.user, li.querySelector(".role")?.textContent ?? null]);
    });
    expect(badges).toEqual([
      ["ann", "moderator"],
      ["bob", null],
    ]);
  });
});

/** client-demo/src/roomView.ts's renderMembers as a browser script that sets `window.renderMembers`. */
async function bundleRenderMembers(): Promise<string> {
  const result = await build({
    stdin: {
      contents: 'import { renderMembers } from "./client-demo/src/roomView"; Object.assign(window, { renderMembers });',
      resolveDir: path.resolve(__dirname, "..", ".."),
      loader: "ts",
    },
    bundle: true,
    format: "iife",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  const [file] = result.outputFiles;
  if (!file) throw new Error("esbuild wrote nothing");
  return file.text;
}
