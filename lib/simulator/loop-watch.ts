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

/**
 * watchLoop for requests on their connections. The first request on a new connection is read a loop turn
 * after the connection was accepted, and the timer may run in between, so the loop's gap misses a wait before
 * the accept (a descheduled simulator). Clients write their request as soon as they are connected, so that
 * request may have arrived as early as its connection did: the accept's stamp less the hold at the accept.
 */
export function watchConnections(loop: ReturnType<typeof watchLoop>) {
  const firstArrival = new WeakMap<object, number>();
  return {
    accepted(socket: object, nowMs: number) {
      firstArrival.set(socket, nowMs - loop.heldMs(nowMs));
    },
    /** watchLoop's heldMs, or for the first request of `socket`, the time since its connection may have come. */
    heldMs(socket: object, nowMs: number) {
      const held = loop.heldMs(nowMs);
      const earliest = firstArrival.get(socket);
      if (earliest === undefined) return held;
      firstArrival.delete(socket);
      return Math.max(held, nowMs - earliest);
    },
    stop: loop.stop,
  };
}
