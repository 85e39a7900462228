"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { connectSocket } from "@/lib/client/socket";
import { queryKeys } from "@/lib/client/query-keys";
import { useConnectionStore } from "@/lib/client/connection";
import { emitNotification } from "@/lib/client/notification-bus";

/** Turns server nudges into cache invalidations; after a reconnect everything is refetched (no missed events). */
export function LiveUpdates() {
  const queryClient = useQueryClient();
  const setState = useConnectionStore();
  useEffect(() => {
    const socket = connectSocket();
    let signedOut = false;
    // Retry at most 5 s apart, and give up on an attempt after 5 s: an attempt whose transport opens and then
    // drops before the handshake is only noticed by this timeout (20 s by default), not as an error.
    socket.io.reconnectionDelayMax(5_000);
    socket.io.timeout(5_000);
    // The network is back: reconnect now rather than when the backoff timer next fires.
    const onOnline = () => {
      if (socket.connected || signedOut) return;
      socket.disconnect();
      socket.connect();
    };
    window.addEventListener("online", onOnline);
    let connectedBefore = false;
    socket.on("connect", () => {
      setState("live");
      if (connectedBefore) void queryClient.invalidateQueries();
      connectedBefore = true;
    });
    // The server ends the socket when the session ends (revoked, user disabled, signed out elsewhere).
    socket.on("session.ended", () => {
      signedOut = true;
      setState("signed_out");
    });
    socket.on("disconnect", () => setState(signedOut ? "signed_out" : "reconnecting"));
    socket.on("connect_error", (error) => {
      if (error.message === "unauthenticated") {
        signedOut = true;
        socket.disconnect();
      }
      setState(signedOut ? "signed_out" : "reconnecting");
    });
    socket.on("number.changed", () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.numbers });
    });
    socket.on("campaign.changed", () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.campaigns.all });
    });
    socket.on("notification.created", (event) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.notifications });
      void queryClient.invalidateQueries({ queryKey: queryKeys.conversations.all });
      emitNotification(event);
    });
    socket.on("conversation.changed", (event) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.conversations.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.messages(event.conversation_id) });
    });
    return () => {
      window.removeEventListener("online", onOnline);
      socket.disconnect();
    };
  }, [queryClient, setState]);
  return null;
}
