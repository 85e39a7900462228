// Boots the ingest worker thread: the process's TypeScript loader (tsx) is not inherited by worker threads on
// Node 20, so the thread registers its own before loading the TypeScript entry.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
