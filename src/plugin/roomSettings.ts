import { validateConfig, type ChatConfig } from "../config";
import { ChatError, ErrorCode } from "../core/errors";

/** Settings a chat room type may override for its own rooms (the rest are per process). */
export const ROOM_SETTING_KEYS = [
  "reconnectWindowS",
  "kickoutMode",
  "kickoutMessageLimit",
  "inactivityMin",
  "destroyDelayS",
  "maxMessageBytes",
  "sendRatePerSecond",
  "admissionWindow",
  "memberListCap",
  "largeRoomCountMs",
  "historySize",
] as const satisfies readonly (keyof ChatConfig)[];

/** Per-room-type overrides of {@link ChatConfig}. */
export type RoomSettings = Partial<Pick<ChatConfig, (typeof ROOM_SETTING_KEYS)[number]>>;

/** Validates room-type settings with the ranges of the environment variables; throws PARAMETER naming the setting. */
export function assertRoomSettings(settings: unknown): RoomSettings {
  const valid = validateConfig(settings, "room setting");
  for (const key of Object.keys(valid)) {
    if (!(ROOM_SETTING_KEYS as readonly string[]).includes(key)) {
      throw new ChatError(ErrorCode.PARAMETER, `room setting ${key} is per process, not per room type: pass it to createChatrooms(); per-room-type settings: ${ROOM_SETTING_KEYS.join(", ")}`);
    }
  }
  return valid as RoomSettings;
}
