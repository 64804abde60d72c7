/** The demo's small JSON routes (src/standalone/demoRoutes.ts), typed for the browser. */

/** One room of the room list. */
export interface RoomRow {
  roomId: string;
  roomName: string;
  memberCount: number;
}

/** What the sign-in page needs to know about the server. */
export interface ServerInfo {
  tokenRequired: boolean;
  operator: "password" | "open" | "off";
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: "application/json" }, cache: "no-store" });
  if (!res.ok) throw new Error(`${path} answered HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** Every room on the server (or cluster), sorted by id. */
export async function fetchRooms(): Promise<RoomRow[]> {
  return (await getJson<{ rooms: RoomRow[] }>("/demo/rooms")).rooms;
}

/** Whether rooms need a user token and whether the operator panel is open. */
export function fetchServerInfo(): Promise<ServerInfo> {
  return getJson<ServerInfo>("/demo/info");
}
