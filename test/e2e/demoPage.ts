/** Steps on the demo's chat page (client-demo/public/index.html), as a person would take them. */
import type { Locator, Page } from "playwright-core";

/** Opens the chat page of `baseUrl` and signs in; `token` is typed when the server asks for one. */
export async function signIn(page: Page, baseUrl: string, userId: string, userName: string, token?: string): Promise<void> {
  await page.goto(baseUrl + "/");
  await page.fill("#user-id", userId);
  await page.fill("#user-name", userName);
  if (token !== undefined) {
    await page.locator("#token-row").waitFor();
    await page.fill("#user-token", token);
  }
  await page.click("#sign-in-form button[type=submit]");
  await page.locator("#app").waitFor();
}

/** An entry button of the room form. */
export type RoomFormAction = "enter" | "create" | "join" | "switch";

/** Fills the room form and presses one of its buttons, without waiting for the outcome. */
export async function submitRoomForm(page: Page, action: RoomFormAction, roomId: string, roomName = ""): Promise<void> {
  await page.fill("#room-id", roomId);
  await page.fill("#room-name", roomName);
  await page.click(`#room-form button[value=${action}]`);
}

/** {@link submitRoomForm}, then waits for the room on screen. */
export async function roomAction(page: Page, action: RoomFormAction, roomId: string, roomName = ""): Promise<void> {
  await submitRoomForm(page, action, roomId, roomName);
  await page.locator(`#tabs button[data-room="${roomId}"][aria-current="true"]`).waitFor();
}

/** Types `text` into the composer and sends it. */
export async function send(page: Page, text: string): Promise<void> {
  await page.fill("#message-input", text);
  await page.click("#composer button[type=submit]");
}

/** The message bubble whose text contains `text`. */
export function message(page: Page, text: string): Locator {
  return page.locator("#messages li.message", { hasText: text });
}

/** The member row of `userId` in the room on screen. */
export function member(page: Page, userId: string): Locator {
  return page.locator(`#members li[data-user="${userId}"]`);
}

/** User ids in the member list of the room on screen, in display order. */
export async function memberIds(page: Page): Promise<string[]> {
  return page.locator("#members li").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-user") ?? ""));
}

/** Waits until the member list of the room on screen is exactly `userIds` (in any order). */
export async function waitForMembers(page: Page, userIds: string[]): Promise<void> {
  const wanted = [...userIds].sort();
  await page.waitForFunction(
    (want) =>
      JSON.stringify(
        Array.from(document.querySelectorAll("#members li"))
          .map((li) => li.getAttribute("data-user"))
          .sort(),
      ) === JSON.stringify(want),
    wanted,
  );
}

/** The text of the newest exit banner, once one is shown. */
export async function exitBanner(page: Page): Promise<string> {
  const banner = page.locator('#banners .banner[data-kind="exit"]').first();
  await banner.waitFor();
  return (await banner.textContent()) ?? "";
}
