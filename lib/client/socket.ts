import { io, type Socket } from "socket.io-client";
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from "@/lib/realtime/events";

export type TandemSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connectSocket(): TandemSocket {
  return io({ path: SOCKET_PATH, withCredentials: true, transports: ["websocket", "polling"] });
}
