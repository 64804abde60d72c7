import { localRoom, sdkEnter, useServer, waitFor } from "../helpers/server";

const t = useServer();

/** Timers keeping the process alive, by kind (a room's own patch interval would be one more "Timeout"). */
const timeouts = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;

test("every chat room patches on one shared 50 ms timer: more rooms add no timer, and each room's state and clock still move", async () => {
  const first = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "pc0", userId: "ann" });
  const before = timeouts();
  const rooms = [first];
  for (let i = 1; i < 6; i++) rooms.push(await sdkEnter(t.httpUrl, { mode: "enter", roomId: `pc${i}`, userId: `u${i}` }));
  // Colyseus alone gives each room a 20 Hz interval of its own: these five rooms would be five more
  // timers. The process's other timers come and go meanwhile (an HTTP request's, a store expiry's),
  // so the count may move by one either way; the rooms' own patchRate below is the direct check
  expect(timeouts()).toBeLessThanOrEqual(before + 1);
  for (const room of rooms) expect((await localRoom(room.roomId)).patchRate).toBeNull();
  // the state reaches the clients: a second member in the last room shows in its count
  const joiner = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "pc5", userId: "bob" });
  const last = rooms[5]!;
  await waitFor(() => (last.state as { memberCount?: number }).memberCount === 2, 2000, "the count patched");
  // the room clock ticks: a clock timeout of 120 ms fires
  const server = await localRoom("pc3");
  const fired = new Promise<number>((resolve) => {
    const at = Date.now();
    server.clock.setTimeout(() => resolve(Date.now() - at), 120);
  });
  expect(await fired).toBeLessThan(1000);
  await Promise.all([...rooms, joiner].map((room) => room.leave()));
});
