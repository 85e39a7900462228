import { useCallback, useSyncExternalStore } from "react";

// A tiny store for the socket's state, so any component can show "live" or "reconnecting".
export type ConnectionState = "connecting" | "live" | "reconnecting" | "signed_out";

let state: ConnectionState = "connecting";
const listeners = new Set<() => void>();

export function useConnectionStore() {
  return useCallback((next: ConnectionState) => {
    state = next;
    for (const listener of listeners) listener();
  }, []);
}

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
    () => "connecting",
  );
}
