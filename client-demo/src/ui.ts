/** The elements of index.html the chat app drives, found once and typed. */
import { byId } from "./dom";

/** Every element of the chat page the app reads or writes. */
export interface ChatUi {
  who: HTMLElement;
  signOut: HTMLButtonElement;
  banners: HTMLElement;
  signIn: HTMLElement;
  signInForm: HTMLFormElement;
  userId: HTMLInputElement;
  userName: HTMLInputElement;
  tokenRow: HTMLElement;
  tokenHint: HTMLElement;
  userToken: HTMLInputElement;
  app: HTMLElement;
  roomList: HTMLElement;
  roomForm: HTMLFormElement;
  roomId: HTMLInputElement;
  lobbyStatus: HTMLElement;
  roomEmpty: HTMLElement;
  roomBody: HTMLElement;
  back: HTMLButtonElement;
  roomTitle: HTMLElement;
  roomMeta: HTMLElement;
  toggleMembers: HTMLButtonElement;
  leaveRoom: HTMLButtonElement;
  messages: HTMLElement;
  newMessages: HTMLButtonElement;
  typing: HTMLElement;
  composer: HTMLFormElement;
  messageInput: HTMLInputElement;
  composerStatus: HTMLElement;
  memberPanel: HTMLElement;
  memberCount: HTMLElement;
  members: HTMLElement;
}

/** Finds every element of {@link ChatUi}; throws naming the first one missing. */
export function findChatUi(): ChatUi {
  const E = HTMLElement;
  const input = (id: string) => byId(id, HTMLInputElement);
  const button = (id: string) => byId(id, HTMLButtonElement);
  return {
    who: byId("who", E),
    signOut: button("sign-out"),
    banners: byId("banners", E),
    signIn: byId("sign-in", E),
    signInForm: byId("sign-in-form", HTMLFormElement),
    userId: input("user-id"),
    userName: input("user-name"),
    tokenRow: byId("token-row", E),
    tokenHint: byId("token-hint", E),
    userToken: input("user-token"),
    app: byId("app", E),
    roomList: byId("room-list", E),
    roomForm: byId("room-form", HTMLFormElement),
    roomId: input("room-id"),
    lobbyStatus: byId("lobby-status", E),
    roomEmpty: byId("room-empty", E),
    roomBody: byId("room-body", E),
    back: button("back"),
    roomTitle: byId("room-title", E),
    roomMeta: byId("room-meta", E),
    toggleMembers: button("toggle-members"),
    leaveRoom: button("leave-room"),
    messages: byId("messages", E),
    newMessages: button("new-messages"),
    typing: byId("typing", E),
    composer: byId("composer", HTMLFormElement),
    messageInput: input("message-input"),
    composerStatus: byId("composer-status", E),
    memberPanel: byId("member-panel", E),
    memberCount: byId("member-count", E),
    members: byId("members", E),
  };
}
