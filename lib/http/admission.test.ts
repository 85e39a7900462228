import { describe, expect, it } from "vitest";
import { createGate } from "./admission";

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("createGate (webhook admission)", () => {
  it("runs at most `concurrency` at once and the rest in arrival order as places free", async () => {
    const gate = createGate({ concurrency: 2, queueLimit: 10 });
    const started: number[] = [];
    const jobs = Array.from({ length: 5 }, () => deferred());
    jobs.forEach((job, i) =>
      gate.admit(
        () => (started.push(i), job.promise),
        () => expect.fail("nothing is shed below the queue limit"),
      ),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect({ active: gate.active, waiting: gate.waiting }).toEqual({ active: 2, waiting: 3 });
    jobs[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    jobs[0]!.resolve();
    jobs[2]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(gate.waiting).toBe(0);
  });

  it("follows a concurrency that changes: fewer places hold arrivals back, pump() fills new places in order", async () => {
    let places = 3;
    const gate = createGate({ concurrency: () => places, queueLimit: 10 });
    const started: number[] = [];
    const jobs = Array.from({ length: 6 }, () => deferred());
    const admit = (i: number) =>
      gate.admit(
        () => (started.push(i), jobs[i]!.promise),
        () => expect.fail("nothing is shed below the queue limit"),
      );
    admit(0);
    places = 1; // agents' requests arrived: one place for webhooks now
    for (let i = 1; i < 6; i++) admit(i);
    await tick();
    expect(started).toEqual([0]);
    jobs[0]!.resolve();
    await tick();
    expect(started).toEqual([0, 1]);
    places = 4; // the agents' requests are done
    gate.pump();
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect({ active: gate.active, waiting: gate.waiting }).toEqual({ active: 4, waiting: 1 });
  });

  it("sheds what comes when the queue is full, at once, and admits again once it drains", async () => {
    const gate = createGate({ concurrency: 1, queueLimit: 2 });
    const job = deferred();
    let shed = 0;
    let ran = 0;
    for (let i = 0; i < 5; i++)
      gate.admit(
        () => (ran++, job.promise),
        () => shed++,
      );
    expect({ shed, waiting: gate.waiting }).toEqual({ shed: 2, waiting: 2 });
    job.resolve();
    await tick();
    expect(ran).toBe(3);
    gate.admit(
      () => ran++,
      () => shed++,
    );
    await tick();
    expect({ ran, shed }).toEqual({ ran: 4, shed: 2 });
  });

  it("frees the place of a handler that throws or rejects", async () => {
    const gate = createGate({ concurrency: 1, queueLimit: 5 });
    const failing = deferred();
    let ran = 0;
    gate.admit(
      () => {
        throw new Error("sync failure");
      },
      () => {},
    );
    gate.admit(
      () => failing.promise,
      () => {},
    );
    gate.admit(
      () => ran++,
      () => {},
    );
    await tick();
    expect(ran).toBe(0);
    failing.reject(new Error("async failure"));
    await tick();
    expect(ran).toBe(1);
    expect(gate.active).toBe(0);
  });
});
