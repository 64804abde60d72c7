/**
 * Prometheus metrics through a real server: `/metrics` on the standalone server (chat.metrics'
 * handler) counts rooms, members, messages, refusals and leaves from real SDK clients, and no
 * label carries a room or user id.
 */
import { ClientRequest } from "../../src/protocol";
import { leaveCode, sdkEnter, useServer, waitFor } from "../helpers/server";

const t = useServer({ sendRatePerSecond: 1 });

async function scrape(): Promise<string> {
  const res = await fetch(`${t.httpUrl}/metrics`);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return res.text();
}

/** The value of the sample `name{labels}` (exact text before the value), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test("rooms, members, deliveries, refusals and leaves are counted; no label names a room or a user", async () => {
  const ann = await sdkEnter(t.httpUrl, { roomId: "metrics-room-x1", userId: "metrics-ann", mode: "enter" });
  const bob = t.track(await sdkEnter(t.httpUrl, { roomId: "metrics-room-x1", userId: "metrics-bob", mode: "enter" }));
  await ann.request(ClientRequest.SEND, { type: "text", content: "hello" });
  // the second send inside a second is over the rate (1/s)
  await expect(ann.request(ClientRequest.SEND, { type: "text", content: "again" })).rejects.toMatchObject({ reason: { code: 24006 } });

  const during = await scrape();
  expect(sample(during, "chat_rooms")).toBe(1);
  expect(sample(during, "chat_members")).toBe(2);
  expect(sample(during, "chat_members_joined_total")).toBe(2);
  expect(sample(during, 'chat_messages_delivered_total{type="text"}')).toBe(1);
  expect(sample(during, 'chat_messages_refused_total{code_name="SEND_RATE_LIMITED"}')).toBe(1);
  expect(sample(during, "chat_message_delivery_lag_seconds_count")).toBe(1);

  const left = leaveCode(ann);
  await ann.leave();
  await left;
  let after = "";
  await waitFor(
    async () => {
      after = await scrape();
      return sample(after, "chat_members") === 1;
    },
    5000,
    "the leave to be counted",
  );
  expect(sample(after, 'chat_members_left_total{reason="LEFT"}')).toBe(1);
  expect(after).not.toMatch(/metrics-room-x1|metrics-ann|metrics-bob/);
  expect(bob.connection.isOpen).toBe(true);
});
