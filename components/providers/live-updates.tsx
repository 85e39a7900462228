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
    let connectedBefore = false;
    socket.on("connect", () => {
      setState("live");
      if (connectedBefore) void queryClient.invalidateQueries();
      connectedBefore = true;
    });
    let signedOut = false;
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
      socket.disconnect();
    };
  }, [queryClient, setState]);
  return null;
}
