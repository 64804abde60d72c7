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
  roomName: HTMLInputElement;
  leaveAll: HTMLButtonElement;
  lobbyStatus: HTMLElement;
  tabs: HTMLElement;
  roomEmpty: HTMLElement;
  roomBody: HTMLElement;
  roomTitle: HTMLElement;
  roomMeta: HTMLElement;
  leaveRoom: HTMLButtonElement;
  messages: HTMLElement;
  composer: HTMLFormElement;
  messageInput: HTMLInputElement;
  priority: HTMLSelectElement;
  composerStatus: HTMLElement;
  memberCount: HTMLElement;
  members: HTMLElement;
  attributes: HTMLElement;
  attributeForm: HTMLFormElement;
  attrKey: HTMLInputElement;
  attrValue: HTMLInputElement;
  attrForce: HTMLInputElement;
  attrAuto: HTMLInputElement;
  attributeStatus: HTMLElement;
}

/** Finds every element of {@link ChatUi}; throws naming the first one missing. */
export function findChatUi(): ChatUi {
  const E = HTMLElement;
  const input = (id: string) => byId(id, HTMLInputElement);
  return {
    who: byId("who", E),
    signOut: byId("sign-out", HTMLButtonElement),
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
    roomName: input("room-name"),
    leaveAll: byId("leave-all", HTMLButtonElement),
    lobbyStatus: byId("lobby-status", E),
    tabs: byId("tabs", E),
    roomEmpty: byId("room-empty", E),
    roomBody: byId("room-body", E),
    roomTitle: byId("room-title", E),
    roomMeta: byId("room-meta", E),
    leaveRoom: byId("leave-room", HTMLButtonElement),
    messages: byId("messages", E),
    composer: byId("composer", HTMLFormElement),
    messageInput: input("message-input"),
    priority: byId("priority", HTMLSelectElement),
    composerStatus: byId("composer-status", E),
    memberCount: byId("member-count", E),
    members: byId("members", E),
    attributes: byId("attributes", E),
    attributeForm: byId("attribute-form", HTMLFormElement),
    attrKey: input("attr-key"),
    attrValue: input("attr-value"),
    attrForce: input("attr-force"),
    attrAuto: input("attr-auto"),
    attributeStatus: byId("attribute-status", E),
  };
}
