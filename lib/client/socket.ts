import { io, type Socket } from "socket.io-client";
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from "@/lib/realtime/events";

export type TandemSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let shared: TandemSocket | null = null;

/**
 * The tab's one socket, shared by live updates, presence and the board: each socket costs the server a
 * session re-check every 2 s, and one place holds the reconnect behaviour.
 */
export function tabSocket(): TandemSocket {
  if (shared) return shared;
  const socket: TandemSocket = io({
    path: SOCKET_PATH,
    withCredentials: true,
    transports: ["websocket", "polling"],
    // Retry at most 5 s apart, and give up on an attempt after 5 s: an attempt whose transport opens and
    // then drops before the handshake is only noticed by this timeout (20 s by default), not as an error.
    reconnectionDelayMax: 5_000,
    timeout: 5_000,
  });
  // The network is back: reconnect now rather than when the backoff timer next fires. A socket that was
  // ended on purpose (signed out, session ended) is no longer active and stays down.
  window.addEventListener("online", () => {
    if (socket.connected || !socket.active) return;
    socket.disconnect();
    socket.connect();
  });
  shared = socket;
  return socket;
}
