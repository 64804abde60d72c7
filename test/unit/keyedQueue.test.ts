/** Per-key ordering of async calls (rooms/keyedQueue), as a sender's messages through onBeforeMessage. */
import { KeyedQueue } from "../../rooms/keyedQueue";

/** A promise settled from outside. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe("KeyedQueue", () => {
  test("a key's calls start one after another, in order, and different keys run side by side", async () => {
    const queue = new KeyedQueue();
    const started: string[] = [];
    const first = deferred<string>();
    const a1 = queue.run("ann", () => (started.push("ann1"), first.promise));
    const a2 = queue.run("ann", async () => (started.push("ann2"), "ann2"));
    const b1 = queue.run("bob", async () => (started.push("bob1"), "bob1"));
    await b1;
    expect(started).toEqual(["ann1", "bob1"]);
    first.resolve("ann1");
    await expect(a1).resolves.toBe("ann1");
    await expect(a2).resolves.toBe("ann2");
    expect(started).toEqual(["ann1", "bob1", "ann2"]);
  });

  test("a failed call rejects alone: the key's next call still runs", async () => {
    const queue = new KeyedQueue();
    const failed = queue.run("ann", async () => {
      throw new Error("refused");
    });
    const next = queue.run("ann", async () => "sent");
    await expect(failed).rejects.toThrow("refused");
    await expect(next).resolves.toBe("sent");
  });

  test("a key is forgotten once its calls have settled, or at once by forget()", async () => {
    const queue = new KeyedQueue();
    await queue.run("ann", async () => 1);
    await Promise.resolve();
    expect(queue.size).toBe(0);
    const pending = deferred<undefined>();
    void queue.run("bob", () => pending.promise);
    queue.forget("bob");
    let ran = false;
    await queue.run("bob", async () => (ran = true));
    expect(ran).toBe(true); // did not wait for the forgotten call
    pending.resolve(undefined);
  });
});
