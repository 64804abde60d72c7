/**
 * What survives a reload of the chat page, in sessionStorage (this tab only): who is signed in,
 * the rooms they are in with each room's reconnection token, and the room on screen. A reload
 * resumes every room with its token (ChatClient.resumeRoom), so the other members never see a leave.
 */

/** The saved sign-in and rooms of this tab. */
export interface SavedSession {
  userId: string;
  userName: string;
  token?: string;
  /** Room id -> SDK reconnection token. */
  rooms: [string, string][];
  active?: string;
}

const KEY = "chat-demo-session";

function isPair(x: unknown): x is [string, string] {
  return Array.isArray(x) && x.length === 2 && typeof x[0] === "string" && typeof x[1] === "string";
}

/** The saved session, or undefined when there is none (or it is unreadable). */
export function loadSession(): SavedSession | undefined {
  try {
    const raw = JSON.parse(sessionStorage.getItem(KEY) ?? "null") as unknown;
    if (typeof raw !== "object" || raw === null) return undefined;
    const s = raw as Record<string, unknown>;
    if (typeof s.userId !== "string" || typeof s.userName !== "string" || !Array.isArray(s.rooms)) return undefined;
    return {
      userId: s.userId,
      userName: s.userName,
      token: typeof s.token === "string" ? s.token : undefined,
      rooms: s.rooms.filter(isPair),
      active: typeof s.active === "string" ? s.active : undefined,
    };
  } catch {
    return undefined;
  }
}

/** Saves `session` for the next load of this tab. */
export function saveSession(session: SavedSession): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(session));
  } catch {
    // storage full or disabled: a reload then signs in again
  }
}

/** Forgets the session (sign out). */
export function clearSession(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing to forget
  }
}
