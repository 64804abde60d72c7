/**
 * What a joiner's member list costs to decode, in one process, warmed up: the SDK's schema
 * serializer (the state's reflection, then the full state) for the state as it is and for other
 * shapes of a list of `N` members, and msgpack messages of the same members. Printed, not saved
 * (docs/benchmarks.md, "Where a join's time goes"). Run each shape in its own process, so one
 * shape's JIT state does not slow the next: `npx tsx bench/listDecode.ts 500 "map<string>"`.
 */
import { SchemaSerializer } from "@colyseus/core";
import { Encoder, schema, t, type Schema } from "@colyseus/schema";
import { SchemaSerializer as SdkSerializer } from "@colyseus/sdk";
import { pack, unpack } from "msgpackr";
import { ChatState, MemberState } from "../rooms/ChatState";

Encoder.BUFFER_SIZE = 256 * 1024;
const N = Number(process.argv[2] ?? 500);
const only = process.argv[3];
const ITERATIONS = 300;

function time(label: string, bytes: number, fn: () => void): void {
  for (let i = 0; i < 30; i++) fn();
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) fn();
  console.log(`${label.padEnd(40)} ${((performance.now() - start) / ITERATIONS).toFixed(3)} ms  ${bytes} bytes`);
}

/** Times the SDK's handshake (reflection) alone, and handshake + full state, of `state`. */
function schemaShape(label: string, state: Schema): void {
  if (only && only !== label) return;
  const serializer = new SchemaSerializer();
  serializer.reset(state);
  const reflection = serializer.handshake();
  // the ROOM_STATE frame: its first byte is the protocol code, which the SDK skips
  const full = serializer.getFullState();
  const sdk = () =>
    new SdkSerializer() as unknown as {
      handshake(b: Uint8Array, it: { offset: number }): void;
      setState(b: Uint8Array, it: { offset: number }): void;
    };
  time(`${label}: reflection`, reflection.length, () => sdk().handshake(reflection, { offset: 0 }));
  time(`${label}: reflection + full state`, full.length, () => {
    const s = sdk();
    s.handshake(reflection, { offset: 0 });
    s.setState(full, { offset: 1 });
  });
}

const ids = Array.from({ length: N }, (_, i) => `m${i % 2}_${i}`);
const now = Date.now();

const today = new ChatState();
today.roomId = today.roomName = "storm";
for (const id of ids) {
  const m = new MemberState();
  m.userId = m.userName = id;
  m.joinedAt = now;
  m.online = true;
  m.devices = 1;
  today.members.set(id, m);
}
schemaShape("today", today);

const NoUserId = schema(
  { userName: t.string(), joinedAt: t.number(), online: t.boolean(), devices: t.uint8(), fields: t.map("string").optional() },
  "NoUserId",
);
const fieldsWith = <T>(members: T) => ({
  roomId: t.string(),
  roomName: t.string(),
  createdAt: t.number(),
  memberCount: t.uint32(),
  members,
  attributes: t.map("string"),
  roles: t.map("string"),
  slowModeSeconds: t.uint8(),
});
const NoUserIdState = schema(fieldsWith(t.map(NoUserId)), "NoUserIdState");
const noUserId = new NoUserIdState();
for (const id of ids) {
  const m = new NoUserId();
  m.userName = id;
  m.joinedAt = now;
  m.online = true;
  m.devices = 1;
  noUserId.members.set(id, m);
}
schemaShape("no userId", noUserId);

const StringsState = schema(fieldsWith(t.map("string")), "StringsState");
const strings = new StringsState();
for (const id of ids) strings.members.set(id, JSON.stringify([id, now, 1, 1]));
schemaShape("map<string>", strings);

const { members: _members, ...withoutMembers } = fieldsWith(undefined);
schemaShape("no list", new (schema(withoutMembers, "NoListState"))());

if (!only || only === "msgpack") {
  const list = ids.map((id) => ({ userId: id, userName: id, joinedAt: now, online: true, devices: 1 }));
  const objects = pack(list);
  time("msgpack, one object per member", objects.length, () => unpack(objects));
  const columns = pack({
    userIds: ids,
    userNames: ids,
    joinedAt: ids.map(() => now),
    online: ids.map(() => true),
    devices: ids.map(() => 1),
  });
  time("msgpack, one array per field", columns.length, () => unpack(columns));
}
