/** Entry of the chat page (index.html): sign-in (or the saved session of this tab after a reload), then the {@link ChatApp} of that user. */
import { ChatClient } from "../../src/client";
import { ChatApp, type Identity } from "./app";
import { fetchServerInfo } from "./lobbyApi";
import { clearSession, loadSession, type SavedSession } from "./session";
import { findChatUi, type ChatUi } from "./ui";

const REMEMBERED = "chat-demo-user";

function remembered(): { userId?: string; userName?: string } {
  try {
    return JSON.parse(localStorage.getItem(REMEMBERED) ?? "{}") as { userId?: string; userName?: string };
  } catch {
    return {};
  }
}

function wire(ui: ChatUi): void {
  let app: ChatApp | undefined;
  const last = remembered();
  ui.userId.value = last.userId ?? "";
  ui.userName.value = last.userName ?? "";
  const info = fetchServerInfo();
  info.then(
    (server) => {
      ui.tokenRow.hidden = !server.tokenRequired;
      ui.tokenHint.hidden = !server.tokenRequired;
    },
    () => undefined,
  );
  // With an app secret (tokens required) the list of every room is for operators: the page lists the user's own rooms.
  const everyRoomListed = info.then(
    (server) => !server.tokenRequired,
    () => true,
  );

  const start = (me: Identity, saved?: SavedSession) => {
    const chat = new ChatClient(location.origin, { userId: me.userId, userName: me.userName, token: me.token });
    app = new ChatApp(chat, ui, me, everyRoomListed);
    app.start();
    ui.who.textContent = me.userName;
    ui.who.title = `Signed in as ${me.userName}`;
    ui.signIn.hidden = true;
    ui.app.hidden = false;
    ui.signOut.hidden = false;
    if (saved) void app.resume(saved);
    else ui.roomId.focus();
  };

  ui.signInForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const userId = ui.userId.value.trim();
    const userName = ui.userName.value.trim() || userId;
    localStorage.setItem(REMEMBERED, JSON.stringify({ userId, userName }));
    start({ userId, userName, token: ui.userToken.value.trim() || undefined });
  });

  ui.signOut.addEventListener("click", () => {
    const leaving = app;
    app = undefined;
    clearSession();
    void leaving?.stop();
    ui.who.textContent = "";
    ui.app.hidden = true;
    ui.signOut.hidden = true;
    ui.signIn.hidden = false;
  });

  ui.roomForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void app?.entry(ui.roomId.value);
  });
  ui.leaveRoom.addEventListener("click", () => void app?.leaveActive());
  ui.back.addEventListener("click", () => app?.showList());
  ui.toggleMembers.addEventListener("click", () => app?.toggleMembers());
  ui.newMessages.addEventListener("click", () => app?.jumpToNewest());

  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    if (app?.send(ui.messageInput.value)) ui.messageInput.value = "";
  });
  ui.messageInput.addEventListener("input", () => app?.typing(ui.messageInput.value !== ""));
  ui.messageInput.addEventListener("blur", () => app?.typing(false));

  const saved = loadSession();
  if (saved) start({ userId: saved.userId, userName: saved.userName, token: saved.token }, saved);
}

wire(findChatUi());
