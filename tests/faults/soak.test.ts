import { describe, expect, it } from "vitest";
import { rssFloor, slope, soakVerdict, type SoakSample, type SoakSampler } from "./soak";

const table = { rows: 10, bytes: 1024 };
/** A 25-minute run sampled every 10 s, with web1's RSS given per sample time in seconds. */
function run(rss: (t: number) => number): SoakSampler {
  const samples: SoakSample[] = [];
  for (let t = 10; t <= 1_500; t += 10)
    samples.push({
      t,
      rssMb: { web1: rss(t), lb: 80 },
      webhookEvents: table,
      messages: table,
      jobs: table,
      archive: table,
      jobsNew: 5,
      acks: 100,
      ackP99Ms: 20,
      reads: 10,
      readP99Ms: 30,
      readFailures: 0,
    });
  return { samples, latencies: samples.map(() => [20]), onAck: () => {}, stop: async () => {} };
}
const memoryCheck = (sampler: SoakSampler) =>
  soakVerdict({
    sampler,
    webhookRate: 100,
    retentionSeconds: 600,
    purgeEverySeconds: 60,
    jobArchiveSeconds: 60,
    jobDeleteSeconds: 60,
  }).checks.find((c) => c.name.startsWith("no memory growth"))!;

// A heap that fills for 5 minutes and is collected back to 300 MB: its mean is 375 MB.
const sawtooth = (t: number) => 300 + 30 * ((t / 60) % 5);

describe("soak memory verdict (R19)", () => {
  it("passes a sawtooth whose floor stays put, though a line through every sample climbs", () => {
    const after = run(sawtooth).samples.filter((s) => s.t > 300);
    const allSamples = slope(after.map((s) => [s.t / 3600, s.rssMb.web1!]));
    expect((allSamples / 375) * 100).toBeGreaterThan(10);
    expect(memoryCheck(run(sawtooth)).ok).toBe(true);
  });

  it("fails when the floor under the sawtooth rises 20 %/h", () => {
    expect(memoryCheck(run((t) => sawtooth(t) + 0.2 * 375 * (t / 3600))).ok).toBe(false);
  });

  it("takes the lowest sample of each span of time", () => {
    const points: [number, number][] = [
      [0, 5],
      [1, 3],
      [2, 9],
      [3, 4],
      [4, 8],
    ];
    expect(rssFloor(points, 2)).toEqual([
      [1, 3],
      [3, 4],
    ]);
    expect(rssFloor([], 2)).toEqual([]);
  });
});
