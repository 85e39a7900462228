// The sticky balancer as its own process (`tsx tests/faults/lb-main.ts <port> <port>…`), so its latency is
// not the harness's: the harness drives load, sockets and Postgres queries in its own event loop.
// Control, never proxied: POST /__lb/down?port=N marks a backend down; GET /__lb/stats → answers by status;
// GET /__lb/trace?id=… → where a traced request spent its time.
import { startStickyBalancer } from "./lb";

const lb = await startStickyBalancer(process.argv.slice(2).map(Number));
console.log(`balancer on ${lb.url}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void lb.stop().then(() => process.exit(0)));
}
