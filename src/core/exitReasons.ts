/**
 * Why a member left a room: one table for server, client and HTTP API (README "Exit reasons").
 * `code` is what `exitRoom` reports; `closeCode` is the WebSocket close code the server uses.
 */
export const ExitReason = {
  LEFT: 0,
  KICKED: 1,
  DISMISSED: 2,
  BANNED: 3,
  OFFLINE: 4,
  EXPIRED: 5,
  SHUTDOWN: 6,
  /**
   * The member left for another room (ChatClient.switchRoom). A consented leave like LEFT (close
   * code 4000): the switching client itself reports LEFT, as ZIM does; the server's leave hook
   * and the other members' `roomMemberLeft` reasons say SWITCHED.
   */
  SWITCHED: 7,
} as const;
export type ExitReason = (typeof ExitReason)[keyof typeof ExitReason];

/** WebSocket close code for each exit reason. 4000 and 4001 are Colyseus' own CONSENTED / SERVER_SHUTDOWN. */
export const CloseCodeOf: Readonly<Record<ExitReason, number>> = {
  [ExitReason.LEFT]: 4000,
  [ExitReason.KICKED]: 4101,
  [ExitReason.DISMISSED]: 4102,
  [ExitReason.BANNED]: 4103,
  [ExitReason.OFFLINE]: 4104,
  [ExitReason.EXPIRED]: 4105,
  [ExitReason.SHUTDOWN]: 4001,
  [ExitReason.SWITCHED]: 4000,
};

/** Close code -> reason; a close code shared by two reasons (4000) stands for the first (LEFT). */
const REASON_BY_CLOSE = new Map<number, ExitReason>();
for (const [reason, close] of Object.entries(CloseCodeOf)) {
  if (!REASON_BY_CLOSE.has(close)) REASON_BY_CLOSE.set(close, Number(reason) as ExitReason);
}

/** The exit reason a close code stands for, or undefined for a close that is not an exit (a network drop). */
export function exitReasonOfCloseCode(closeCode: number): ExitReason | undefined {
  return REASON_BY_CLOSE.get(closeCode);
}

/** Exit reason -> its name (every reason has one name). */
const NAME_OF = Object.fromEntries(Object.entries(ExitReason).map(([name, reason]) => [reason, name]));

/** Name of an exit reason, e.g. "BANNED", for logs and UI. */
export function exitReasonName(reason: ExitReason): keyof typeof ExitReason {
  return NAME_OF[reason] as keyof typeof ExitReason;
}

/** Colyseus' own closes that are no network loss: 4002 protocol error, 4003 failed reconnect (4000 and 4001 are exit reasons above). */
const COLYSEUS_ERROR_CLOSES: ReadonlySet<number> = new Set([4002, 4003]);

/**
 * Whether a connection closed with `closeCode` keeps its member, offline, for a reconnection
 * window. Only a network loss does (1001, 1005, 1006, ...): a consented leave, every exit reason
 * (kick, ban, dismissal, shutdown, ...) and protocol errors never open one.
 */
export function opensReconnectionWindow(closeCode: number | undefined): boolean {
  return closeCode !== undefined && !COLYSEUS_ERROR_CLOSES.has(closeCode) && exitReasonOfCloseCode(closeCode) === undefined;
}

/**
 * Whether a room that closed for `reason` is gone for good, so the settings that die with it
 * (mute-all, exceptions, protected users, destroy override, keep-alive, its failover record) are
 * forgotten: a destroy by the operator (DISMISSED) or by a rule (EXPIRED). A shutdown or a crash
 * is not: the room comes back as the same room.
 */
export function forgetsRoom(reason: ExitReason | undefined): boolean {
  return reason === ExitReason.DISMISSED || reason === ExitReason.EXPIRED;
}
