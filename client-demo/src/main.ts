/** Entry of the chat page (index.html): sign-in, then the {@link ChatApp} of that user. */
import { ChatClient } from "../../src/client";
import { ChatApp, type EntryAction } from "./app";
import { fetchServerInfo } from "./lobbyApi";
import { findChatUi, type ChatUi } from "./ui";

const REMEMBERED = "chat-demo-user";
const PRIORITIES = ["low", "normal", "high"] as const;

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

  ui.signInForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const userId = ui.userId.value.trim();
    const userName = ui.userName.value.trim() || userId;
    localStorage.setItem(REMEMBERED, JSON.stringify({ userId, userName }));
    const chat = new ChatClient(location.origin, { userId, userName, token: ui.userToken.value.trim() || undefined });
    app = new ChatApp(chat, ui, everyRoomListed);
    app.start();
    ui.who.textContent = `Signed in as ${userName} (${userId})`;
    ui.signIn.hidden = true;
    ui.app.hidden = false;
    ui.signOut.hidden = false;
    ui.roomId.focus();
  });

  ui.signOut.addEventListener("click", () => {
    const leaving = app;
    app = undefined;
    void leaving?.stop();
    ui.who.textContent = "";
    ui.app.hidden = true;
    ui.signOut.hidden = true;
    ui.signIn.hidden = false;
  });

  ui.roomForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const action = ((event.submitter as HTMLButtonElement | null)?.value || "enter") as EntryAction;
    void app?.entry(action, ui.roomId.value.trim(), ui.roomName.value.trim());
  });
  ui.leaveAll.addEventListener("click", () => void app?.leaveAll());
  ui.leaveRoom.addEventListener("click", () => void app?.leaveActive());

  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const priority = PRIORITIES.find((p) => p === ui.priority.value) ?? "normal";
    void app?.send(ui.messageInput.value, priority).then((sent) => {
      if (sent) ui.messageInput.value = "";
    });
  });

  ui.attributeForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void app?.setAttribute(ui.attrKey.value.trim(), ui.attrValue.value, ui.attrForce.checked, ui.attrAuto.checked).then((done) => {
      if (done) ui.attrValue.value = "";
    });
  });
}

wire(findChatUi());
