/**
 * `colyseus-chatrooms/client`: the ZIM-style chatroom client over @colyseus/sdk, for Node and
 * browsers. Imports nothing from the server side but the shared wire types and tables.
 */
export {
  ChatClient,
  type ChatClientOptions,
  type ReconnectionSettings,
  type RoomAttributesDeleteConfig,
  type RoomAttributesSetConfig,
  type RoomMemberQueriedResult,
  type RoomTarget,
} from "./ChatClient";
export { ChatClientError, ClientErrorCode, type ChatClientErrorCode } from "./errors";
export type { ChatClientEvents, RoomEvent, RoomState } from "./events";
export { RoomSession } from "./RoomSession";
export { ErrorCode } from "../core/errors";
export { ExitReason, exitReasonName, exitReasonOfCloseCode, CloseCodeOf } from "../core/exitReasons";
export { MessageSequencer, type SequencerStep } from "./MessageSequencer";
export type {
  AttributeInfo,
  AttributesUpdate,
  HistoryRequest,
  HistorySync,
  MemberInfo,
  MemberQueryRequest,
  RecallNotice,
  RoleChange,
  RoomConfig,
  RoomInfo,
  RoomMessage,
  RoomRole,
  SendMessageRequest,
  TypingNotice,
} from "../protocol";
export { MEMBER_LIST_CAP, TYPING_EXPIRY_MS, TYPING_REPEAT_MS } from "../protocol";
export { TypingSender, TypingWatcher, type TypingClock } from "./typing";
