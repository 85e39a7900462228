/**
 * How long this process may have held an arriving request before stamping it. A request is stamped when
 * its handler runs; a busy event loop (or the OS descheduling the process) delays that. A timer ticks every
 * `tickMs`: a stamp taken long after the last tick may be late by about the gap. Meta's edge has no such
 * delay, so a measurement of send spacing (the throughput rule) must allow for it, or the simulator's own
 * load looks like a crowded window.
 */
export function watchLoop(tickMs = 2) {
  let lastTickMs = Date.now();
  const timer = setInterval(() => (lastTickMs = Date.now()), tickMs);
  timer.unref();
  return {
    /** The most a stamp taken at `nowMs` may be late by: the time since the loop last ran a timer, beyond one tick. */
    heldMs: (nowMs: number) => Math.max(0, nowMs - lastTickMs - tickMs),
    stop: () => clearInterval(timer),
  };
}
