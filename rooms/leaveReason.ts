import { CloseCodeOf, ExitReason, exitReasonOfCloseCode } from "../src/core/exitReasons";

/** What the room knows when a member's last connection is gone. */
export interface LeaveFacts {
  /** The reason the room removed the member for (kick, ban, kick-out...), if it did. */
  removedFor?: ExitReason;
  /** The reason the room is closing for, if it is. */
  closingFor?: ExitReason;
  /** The connection announced a switch to another room (SWITCH_LEAVE) before leaving. */
  switching: boolean;
  /** The close code of the last connection, if any. */
  code?: number;
}

/**
 * Why a member left, first match wins: the room's own removal, the room closing, a consented
 * leave announced as a switch (SWITCHED), the reason the close code stands for, else OFFLINE
 * (the connection was lost and not recovered).
 */
export function leaveReason(facts: LeaveFacts): ExitReason {
  const { removedFor, closingFor, switching, code } = facts;
  const switched = switching && code === CloseCodeOf[ExitReason.LEFT];
  return (
    removedFor ??
    closingFor ??
    (switched ? ExitReason.SWITCHED : undefined) ??
    (code !== undefined ? exitReasonOfCloseCode(code) : undefined) ??
    ExitReason.OFFLINE
  );
}
