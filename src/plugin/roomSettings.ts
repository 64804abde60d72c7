import { parseSettings, type ChatConfig } from "../config";
import { SETTING_NAMES, settingsSchema } from "../schemas/config";

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

const WHAT = "room setting";

/** The room-type settings' schema: the config's own schemas, narrowed to {@link ROOM_SETTING_KEYS}. */
const roomSettingsSchema = settingsSchema(WHAT, ROOM_SETTING_KEYS, (key) =>
  (SETTING_NAMES as readonly string[]).includes(key)
    ? `${key} is per process, not per room type: pass it to createChatrooms(); per-room-type settings: ${ROOM_SETTING_KEYS.join(", ")}`
    : undefined,
);

/** Validates room-type settings with the ranges of the environment variables; throws PARAMETER naming the setting. */
export function assertRoomSettings(settings: unknown): RoomSettings {
  return parseSettings(roomSettingsSchema, settings, WHAT);
}
