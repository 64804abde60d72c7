import { ChatClient, ClientErrorCode, ErrorCode, ExitReason } from "../../src/client";
import { Scope } from "../../src/service/scopes";
import { useServer, waitFor } from "../helpers/server";
import { chatClient, rejection, reset, roomExists, serverMembers } from "./helpers";

const t = useServer({ maxRoomsPerUser: 3 });

describe("createRoom", () => {
  test("creates and joins the room, resolves with its full info, and reports connecting/activeCreate then connected/success", async () => {
    const { chat, seen } = chatClient(t, "alice", { userName: "Alice" });
    const before = Date.now();
    const info = await chat.createRoom({ roomID: "cr1", roomName: "Create one" }, { roomDestroyDelayTime: 0 });
    expect(info).toEqual({
      roomID: "cr1",
      roomName: "Create one",
      createdAt: expect.any(Number),
      memberCount: 1,
      // the creator owns the room (docs/client-api.md "Roles")
      members: [{ userId: "alice", userName: "Alice", joinedAt: expect.any(Number), online: true, devices: 1, role: "owner" }],
      slowModeSeconds: 0,
    });
    expect(info.createdAt).toBeGreaterThanOrEqual(before - 5);
    expect(seen.states).toEqual(["cr1 connecting/activeCreate", "cr1 connected/success"]);
    expect(chat.rooms).toEqual([info]);
    expect(chat.room("cr1")).toEqual(info);
    expect(serverMembers("cr1")).toEqual(["alice"]);
    await chat.leaveRoom("cr1");
  });

  test("an existing id rejects with ROOM_ALREADY_EXISTS and reports disconnected/createFailed", async () => {
    const { chat: alice } = chatClient(t, "alice");
    await alice.createRoom({ roomID: "cr2", roomName: "x" });
    const { chat: bob, seen } = chatClient(t, "bob");
    const error = await rejection(bob.createRoom({ roomID: "cr2", roomName: "y" }));
    expect(error).toMatchObject({ name: "ChatClientError", code: ErrorCode.ROOM_ALREADY_EXISTS });
    expect(seen.states).toEqual(["cr2 connecting/activeCreate", "cr2 disconnected/createFailed"]);
    expect(bob.rooms).toEqual([]);
    expect(await rejection(alice.createRoom({ roomID: "cr2" }))).toMatchObject({ code: ErrorCode.ROOM_ALREADY_EXISTS });
    await alice.leaveAllRoom();
  });

  test("an illegal room id rejects with ILLEGAL_ARGUMENT and reports createFailed", async () => {
    const { chat, seen } = chatClient(t, "alice");
    expect(await rejection(chat.createRoom({ roomID: "no/slash" }))).toMatchObject({ code: ErrorCode.ILLEGAL_ARGUMENT });
    expect(seen.states).toEqual(["no/slash connecting/activeCreate", "no/slash disconnected/createFailed"]);
  });
});

describe("joinRoom", () => {
  test("a missing room rejects with ROOM_NOT_EXIST and reports disconnected/roomNotExist", async () => {
    const { chat, seen } = chatClient(t, "bob");
    expect(await rejection(chat.joinRoom("nowhere"))).toMatchObject({ code: ErrorCode.ROOM_NOT_EXIST });
    expect(seen.states).toEqual(["nowhere connecting/activeEnter", "nowhere disconnected/roomNotExist"]);
    expect(roomExists("nowhere")).toBe(false);
  });

  test("joins an existing room; the other member hears roomMemberJoined and sees the count change live", async () => {
    const { chat: alice, seen: aliceSeen } = chatClient(t, "alice");
    await alice.createRoom({ roomID: "jr1", roomName: "Join" });
    const { chat: bob, seen: bobSeen } = chatClient(t, "bob", { userName: "Bob" });
    const info = await bob.joinRoom("jr1");
    expect(info).toMatchObject({ roomID: "jr1", roomName: "Join", memberCount: 2 });
    expect(info.members.map((m) => m.userId).sort()).toEqual(["alice", "bob"]);
    expect(bobSeen.states).toEqual(["jr1 connecting/activeEnter", "jr1 connected/success"]);
    await waitFor(() => aliceSeen.joined.length > 0, 2000, "alice hears bob");
    expect(aliceSeen.joined).toEqual(["jr1:bob"]);
    expect(alice.room("jr1")?.memberCount).toBe(2);
    expect(alice.room("jr1")?.members.find((m) => m.userId === "bob")).toMatchObject({ userName: "Bob", online: true });
    expect(bobSeen.joined).toEqual([]); // its own join is the call's result, not an event
    await bob.leaveRoom("jr1");
    await alice.leaveRoom("jr1");
  });

  test("a banned user is refused with BANNED and reports enterFailed", async () => {
    const { chat: alice } = chatClient(t, "alice");
    await alice.createRoom({ roomID: "jr2" });
    await t.server.ctx.store.sets.add(Scope.banned("jr2"), ["mallory"], null);
    const { chat: mallory, seen } = chatClient(t, "mallory");
    expect(await rejection(mallory.joinRoom("jr2"))).toMatchObject({ code: ErrorCode.BANNED });
    expect(seen.states).toEqual(["jr2 connecting/activeEnter", "jr2 disconnected/enterFailed"]);
    expect(serverMembers("jr2")).toEqual(["alice"]);
    await alice.leaveRoom("jr2");
  });

  test("a room this client is already in resolves at once, with no second connection and no events", async () => {
    const { chat, seen } = chatClient(t, "alice");
    await chat.createRoom({ roomID: "jr3" });
    reset(seen);
    const again = await chat.joinRoom("jr3");
    expect(again.memberCount).toBe(1);
    expect(seen.states).toEqual([]);
    expect(chat.room("jr3")?.members.at(0)!.devices).toBe(1);
    await chat.leaveRoom("jr3");
  });
});

describe("enterRoom", () => {
  test("creates a missing room with its name, then joins it for the next user", async () => {
    const { chat: alice, seen } = chatClient(t, "alice");
    const created = await alice.enterRoom({ roomID: "er1", roomName: "Enter" });
    expect(created).toMatchObject({ roomID: "er1", roomName: "Enter", memberCount: 1 });
    expect(seen.states).toEqual(["er1 connecting/activeEnter", "er1 connected/success"]);
    const { chat: bob } = chatClient(t, "bob");
    const joined = await bob.enterRoom({ roomID: "er1", roomName: "ignored for an existing room" });
    expect(joined).toMatchObject({ roomID: "er1", roomName: "Enter", memberCount: 2 });
    await Promise.all([alice.leaveAllRoom(), bob.leaveAllRoom()]);
  });

  test("two concurrent calls for one room share one connection", async () => {
    const { chat, seen } = chatClient(t, "alice");
    const [a, b] = await Promise.all([chat.enterRoom({ roomID: "er2" }), chat.enterRoom({ roomID: "er2" })]);
    expect(a.memberCount).toBe(1);
    expect(b.memberCount).toBe(1);
    expect(chat.room("er2")?.members.at(0)!.devices).toBe(1);
    expect(seen.states).toEqual(["er2 connecting/activeEnter", "er2 connected/success"]);
    await chat.leaveRoom("er2");
  });

  test("the rooms-per-user limit rejects the fourth room with JOINED_ROOMS_LIMIT and reports enterFailed", async () => {
    const { chat, seen } = chatClient(t, "carol");
    for (const roomID of ["lim1", "lim2", "lim3"]) await chat.enterRoom({ roomID });
    reset(seen);
    expect(await rejection(chat.enterRoom({ roomID: "lim4" }))).toMatchObject({ code: ErrorCode.JOINED_ROOMS_LIMIT });
    expect(seen.states).toEqual(["lim4 connecting/activeEnter", "lim4 disconnected/enterFailed"]);
    expect(chat.rooms.map((r) => r.roomID).sort()).toEqual(["lim1", "lim2", "lim3"]);
    await chat.leaveAllRoom();
  });

  test("an unreachable server rejects with CONNECT_FAILED and reports enterFailed", async () => {
    const chat = new ChatClient("ws://127.0.0.1:1", { userId: "alice" });
    const states: string[] = [];
    chat.on("roomStateChanged", (roomID, state, event) => states.push(`${roomID} ${state}/${event}`));
    expect(await rejection(chat.enterRoom({ roomID: "far" }))).toMatchObject({ code: ClientErrorCode.CONNECT_FAILED });
    expect(states).toEqual(["far connecting/activeEnter", "far disconnected/enterFailed"]);
  });

  test("a slow entry rejects with CONNECT_TIMEOUT, reports connectTimeout, and a join completing late is left at once", async () => {
    const { chat, seen } = chatClient(t, "alice", { connectTimeoutMs: 150 });
    const consume = chat.sdk.consumeSeatReservation.bind(chat.sdk);
    let lateJoins = 0;
    // the network is slow: the seat is reserved, the socket comes only after the client gave up
    let socketArrives!: () => void;
    const late = new Promise<void>((resolve) => (socketArrives = resolve));
    chat.sdk.consumeSeatReservation = (async (...args: Parameters<typeof consume>) => {
      await late;
      const room = await consume(...args);
      lateJoins++;
      return room;
    }) as typeof consume;
    expect(await rejection(chat.enterRoom({ roomID: "slow" }))).toMatchObject({ code: ClientErrorCode.CONNECT_TIMEOUT });
    expect(seen.states).toEqual(["slow connecting/activeEnter", "slow disconnected/connectTimeout"]);
    expect(chat.rooms).toEqual([]);
    expect(roomExists("slow")).toBe(true); // created by the entry request, seat reserved
    socketArrives();
    await waitFor(() => lateJoins === 1, 3000, "the late join");
    await waitFor(() => !roomExists("slow"), 3000, "the late member to leave and the room to close");
    expect(seen.states).toHaveLength(2);
    expect(seen.exits).toEqual([]);
  });
});

describe("leaveRoom / leaveAllRoom", () => {
  test("leaveRoom reports disconnected/success and exitRoom(LEFT); the other member hears roomMemberLeft with LEFT", async () => {
    const { chat: alice, seen: aliceSeen } = chatClient(t, "alice");
    const { chat: bob, seen: bobSeen } = chatClient(t, "bob");
    await alice.enterRoom({ roomID: "lv1" });
    await bob.enterRoom({ roomID: "lv1" });
    reset(bobSeen);
    const info = await bob.leaveRoom("lv1");
    expect(info).toMatchObject({ roomID: "lv1", memberCount: 2 });
    expect(bobSeen.states).toEqual(["lv1 disconnected/success"]);
    expect(bobSeen.exits).toEqual([`lv1:${ExitReason.LEFT}`]);
    expect(bob.room("lv1")).toBeUndefined();
    await waitFor(() => aliceSeen.left.length > 0, 2000, "alice hears bob leave");
    expect(aliceSeen.left).toEqual([`lv1:bob:${ExitReason.LEFT}`]);
    expect(alice.room("lv1")?.memberCount).toBe(1);
    expect(serverMembers("lv1")).toEqual(["alice"]);
    await alice.leaveRoom("lv1");
  });

  test("leaveRoom of a room this client is not in rejects with NOT_IN_ROOM and emits nothing", async () => {
    const { chat, seen } = chatClient(t, "alice");
    expect(await rejection(chat.leaveRoom("never-joined"))).toMatchObject({ code: ErrorCode.NOT_IN_ROOM });
    expect(seen.states).toEqual([]);
  });

  test("leaveAllRoom leaves three rooms, returns their ids, and each room's other member hears the leave", async () => {
    const { chat: dave, seen } = chatClient(t, "dave");
    const observers = await Promise.all(
      ["la1", "la2", "la3"].map(async (roomID) => {
        const o = chatClient(t, `obs-${roomID}`);
        await o.chat.enterRoom({ roomID });
        await dave.joinRoom(roomID);
        return o;
      }),
    );
    reset(seen);
    const left = await dave.leaveAllRoom();
    expect(left.sort()).toEqual(["la1", "la2", "la3"]);
    expect([...seen.states].sort()).toEqual(["la1 disconnected/success", "la2 disconnected/success", "la3 disconnected/success"]);
    expect([...seen.exits].sort()).toEqual(["la1:0", "la2:0", "la3:0"]);
    expect(dave.rooms).toEqual([]);
    for (const [i, o] of observers.entries()) {
      await waitFor(() => o.seen.left.length > 0, 2000, "observer hears dave");
      expect(o.seen.left).toEqual([`la${i + 1}:dave:${ExitReason.LEFT}`]);
    }
    expect(await dave.leaveAllRoom()).toEqual([]);
    await Promise.all(observers.map((o) => o.chat.leaveAllRoom()));
  });

  test("leaveAllRoom leaves this client's rooms only: the same user's other device stays", async () => {
    const { chat: phone } = chatClient(t, "erin");
    const { chat: laptop } = chatClient(t, "erin");
    await phone.enterRoom({ roomID: "dev1" });
    await laptop.enterRoom({ roomID: "dev1" });
    expect(await phone.leaveAllRoom()).toEqual(["dev1"]);
    expect(serverMembers("dev1")).toEqual(["erin"]);
    await waitFor(() => laptop.room("dev1")?.members.at(0)!.devices === 1, 2000, "the laptop sees one device left");
    await laptop.leaveAllRoom();
  });
});
