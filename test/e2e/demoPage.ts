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

/** The room id the page makes of a typed room name ("Game night" -> "game-night"). */
export function roomIdOf(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Types `name` into the "join or create" box and presses Go, without waiting for the outcome. */
export async function submitJoinBox(page: Page, name: string): Promise<void> {
  await showRoomList(page);
  await page.fill("#room-id", name);
  await page.click("#room-form button[type=submit]");
}

/** The conversation of room `roomId` once it is on screen. */
export function conversation(page: Page, roomId: string): Locator {
  return page.locator(`#room-body[data-room="${roomId}"]`);
}

/** Joins (or creates) the room named `name` through the join box and waits for its conversation; resolves with its id. */
export async function enterRoom(page: Page, name: string): Promise<string> {
  const roomId = roomIdOf(name);
  await submitJoinBox(page, name);
  await conversation(page, roomId).waitFor();
  return roomId;
}

/** Types `text` into the composer and sends it. */
export async function send(page: Page, text: string): Promise<void> {
  await page.fill("#message-input", text);
  await page.click("#composer button[type=submit]");
}

/** The message bubble whose text contains `text` (stored messages and own messages still on their way). */
export function message(page: Page, text: string): Locator {
  return page.locator("#messages li.message", { hasText: text });
}

/** A join/leave notice of the timeline containing `text`. */
export function notice(page: Page, text: string): Locator {
  return page.locator("#messages li.notice", { hasText: text });
}

/** The member row of `userId` in the room on screen. */
export function member(page: Page, userId: string): Locator {
  return page.locator(`#members li[data-user="${userId}"]`);
}

/** Waits until the member list of the room on screen is exactly `userIds` (in any order; hidden lists count too). */
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

/** The text of the exit banner, once one is shown. */
export async function exitBanner(page: Page): Promise<string> {
  const banner = page.locator('#banners .banner[data-kind="exit"]');
  await banner.waitFor();
  return (await banner.textContent()) ?? "";
}

/** Shows the room list: on a phone the conversation hides it, and its back arrow returns to it. */
export async function showRoomList(page: Page): Promise<void> {
  const back = page.locator("#back");
  if (await back.isVisible()) await back.click();
  await page.locator("#room-list").waitFor();
}

/** Opens room `roomId` (one the user is in) from the room list and waits for its conversation. */
export async function openRoom(page: Page, roomId: string): Promise<void> {
  await showRoomList(page);
  await page.locator(`#room-list li[data-room="${roomId}"]`).click();
  await conversation(page, roomId).waitFor();
}

/** Whether the timeline is scrolled to its newest message. */
export async function atBottom(page: Page): Promise<boolean> {
  return page.locator("#messages").evaluate((list) => list.scrollHeight - list.scrollTop - list.clientHeight < 60);
}
