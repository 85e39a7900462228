import { describe, expect, it } from "vitest";
import { RefetchCoalescer } from "./refetch-coalescer";

/** A refetch the test finishes by hand, recording each start under its key. */
function harness() {
  const started: string[] = [];
  const pending: { key: string; finish: (again?: boolean) => void; fail: (e: Error) => void }[] = [];
  const refetch = (key: string) => () =>
    new Promise<boolean | void>((resolve, reject) => {
      started.push(key);
      pending.push({ key, finish: resolve, fail: reject });
    });
  /** Settles the oldest running refetch of the key and lets the coalescer react. */
  const finish = async (key: string, how: { again?: boolean; fail?: boolean } = {}) => {
    const index = pending.findIndex((p) => p.key === key);
    expect(index).toBeGreaterThanOrEqual(0);
    const [run] = pending.splice(index, 1);
    if (how.fail) run!.fail(new Error("boom"));
    else run!.finish(how.again);
    // The coalescer's follow-up starts after it yields to the event loop.
    await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { started, pending, refetch, finish };
}

describe("refetch coalescer", () => {
  it("runs exactly one follow-up for any number of requests during a refetch", async () => {
    const coalescer = new RefetchCoalescer();
    const h = harness();
    const done = coalescer.request("k", h.refetch("k"));
    expect(h.started).toEqual(["k"]);
    for (let i = 0; i < 50; i++) void coalescer.request("k", h.refetch("k"));
    expect(h.started).toEqual(["k"]);

    await h.finish("k");
    expect(h.started).toEqual(["k", "k"]);
    expect(coalescer.running("k")).toBe(true);
    await h.finish("k");
    await done;
    expect(h.started).toEqual(["k", "k"]);
    expect(coalescer.running("k")).toBe(false);
  });

  it("starts a new refetch for a request after the previous one finished", async () => {
    const coalescer = new RefetchCoalescer();
    const h = harness();
    void coalescer.request("k", h.refetch("k"));
    await h.finish("k");
    expect(coalescer.running("k")).toBe(false);

    void coalescer.request("k", h.refetch("k"));
    expect(h.started).toEqual(["k", "k"]);
    await h.finish("k");
    expect(h.pending).toEqual([]);
  });

  it("keeps keys independent", async () => {
    const coalescer = new RefetchCoalescer();
    const h = harness();
    void coalescer.request("a", h.refetch("a"));
    void coalescer.request("b", h.refetch("b"));
    void coalescer.request("a", h.refetch("a"));
    expect(h.started).toEqual(["a", "b"]);

    // b finishing clean does not run a again, nor b.
    await h.finish("b");
    expect(h.started).toEqual(["a", "b"]);
    expect(coalescer.running("a")).toBe(true);
    expect(coalescer.running("b")).toBe(false);

    await h.finish("a");
    expect(h.started).toEqual(["a", "b", "a"]);
    await h.finish("a");
    expect(h.pending).toEqual([]);
  });

  it("runs once more when a refetch says it may have missed the request", async () => {
    const coalescer = new RefetchCoalescer();
    const h = harness();
    void coalescer.request("k", h.refetch("k"));
    await h.finish("k", { again: true });
    expect(h.started).toEqual(["k", "k"]);
    await h.finish("k");
    expect(coalescer.running("k")).toBe(false);
    expect(h.started).toHaveLength(2);
  });

  it("still runs the follow-up after a failed refetch, and frees the key", async () => {
    const coalescer = new RefetchCoalescer();
    const h = harness();
    void coalescer.request("k", h.refetch("k"));
    void coalescer.request("k", h.refetch("k"));
    await h.finish("k", { fail: true });
    expect(h.started).toEqual(["k", "k"]);
    await h.finish("k", { fail: true });
    expect(coalescer.running("k")).toBe(false);

    void coalescer.request("k", h.refetch("k"));
    expect(h.started).toHaveLength(3);
    await h.finish("k");
  });

  it("uses the latest request's refetch for the follow-up", async () => {
    const coalescer = new RefetchCoalescer();
    const calls: string[] = [];
    const run = (name: string) => async () => void calls.push(name);
    const done = coalescer.request("k", run("first"));
    void coalescer.request("k", run("second"));
    void coalescer.request("k", run("third"));
    await done;
    expect(calls).toEqual(["first", "third"]);
  });

  it("waits the requested gap before a follow-up, never before the first run", async () => {
    const waits: { ms: number; wake: () => void }[] = [];
    const coalescer = new RefetchCoalescer({
      sleep: (ms) => new Promise<void>((wake) => waits.push({ ms, wake })),
    });
    const h = harness();
    void coalescer.request("list", h.refetch("list"), { gapMs: 250 });
    expect(h.started).toEqual(["list"]);
    void coalescer.request("list", h.refetch("list"), { gapMs: 250 });
    await h.finish("list");
    // Settled and dirty: the follow-up waits out the gap; nudges meanwhile join it.
    expect(waits.map((w) => w.ms)).toEqual([250]);
    expect(h.started).toEqual(["list"]);
    void coalescer.request("list", h.refetch("list"), { gapMs: 250 });
    waits.shift()!.wake();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(h.started).toEqual(["list", "list"]);
    await h.finish("list");
    expect(coalescer.running("list")).toBe(false);
  });

  it("ends when a refetch settles at once and keeps asking to go again (no microtask spin)", async () => {
    const coalescer = new RefetchCoalescer();
    let runs = 0;
    await coalescer.request("k", async () => {
      runs++;
      return true;
    });
    expect(runs).toBe(2);
    expect(coalescer.running("k")).toBe(false);
  });
});
