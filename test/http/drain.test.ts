/**
 * POST /process/drain.json on the standalone server: signed like every operator call, audited,
 * and answering once this process's chat rooms are closed (their members exit with SHUTDOWN).
 */
import { matchMaker } from "@colyseus/core";
import { ErrorCode } from "../../src/core/errors";
import { enterAs, signedPost, type OperatorCredentials } from "../helpers/operator";
import { leaveCode, useServer } from "../helpers/server";

// Its own server: the drain is for good.
const creds: OperatorCredentials = { appKey: "drainKey", appSecret: "drainSecret" };
const t = useServer({ ...creds });

test("an unsigned or badly signed drain is refused and changes nothing", async () => {
  const unsigned = await signedPost(t.httpUrl, "/process/drain.json", {});
  expect([unsigned.status, unsigned.body.code]).toEqual([401, ErrorCode.SIGNATURE]);
  const bad = await signedPost(t.httpUrl, "/process/drain.json", {}, creds, { signature: "0".repeat(40) });
  expect([bad.status, bad.body.code]).toEqual([401, ErrorCode.SIGNATURE]);
  expect(t.server.ctx.drain.isDraining).toBe(false);
});

test("a signed drain closes this process's rooms with SHUTDOWN, answers with the process and the rooms closed, and is audited", async () => {
  const ann = t.track(await enterAs(t.httpUrl, "dr1", "ann", creds, "enter"));
  const bob = t.track(await enterAs(t.httpUrl, "dr2", "bob", creds, "enter"));
  const closes = [leaveCode(ann), leaveCode(bob)];
  const reply = await signedPost(t.httpUrl, "/process/drain.json", {}, creds);
  expect(reply.body).toEqual({ code: 200, processId: matchMaker.processId, closedRooms: 2 });
  expect(await Promise.all(closes)).toEqual([4001, 4001]);
  // idempotent: nothing left to close
  expect((await signedPost(t.httpUrl, "/process/drain.json", {}, creds)).body).toEqual({
    code: 200,
    processId: matchMaker.processId,
    closedRooms: 0,
  });
  const audit = await signedPost(t.httpUrl, "/chatroom/audit/query.json", {}, creds);
  const entries = audit.body.entries as { action: string; result: number; actor: string }[];
  expect(entries.filter((e) => e.action === "/process/drain.json")).toEqual([
    expect.objectContaining({ result: 200, actor: `operator:${creds.appKey}` }),
    expect.objectContaining({ result: 200, actor: `operator:${creds.appKey}` }),
  ]);
  // no new room here while draining (one process: nowhere else to go)
  await expect(enterAs(t.httpUrl, "dr3", "cid", creds, "enter")).rejects.toThrow(/draining/);
});
