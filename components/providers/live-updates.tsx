"use client";

import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect } from "react";
import { tabSocket } from "@/lib/client/socket";
import { queryKeys } from "@/lib/client/query-keys";
import { useConnectionStore } from "@/lib/client/connection";
import { emitNotification } from "@/lib/client/notification-bus";
import type { ConversationChanged, NotificationCreated } from "@/lib/realtime/events";
import { RefetchCoalescer } from "./refetch-coalescer";

/** Turns server nudges into cache invalidations; after a reconnect everything is refetched (no missed events). */
export function LiveUpdates() {
  const queryClient = useQueryClient();
  const setState = useConnectionStore();
  useEffect(() => {
    const socket = tabSocket();
    // Mounted means signed in: a socket ended by an earlier sign-out in this tab starts again.
    if (!socket.active) socket.connect();
    let signedOut = false;
    let connectedBefore = socket.connected;
    if (socket.connected) setState("live");
    // A plain invalidate per nudge cancels the fetch in flight and starts another (the cancelled request
    // keeps its connection): at 50 nudges/s the tab exhausts the browser's sockets. One fetch per key at a time.
    const coalescer = new RefetchCoalescer();
    const refetch = (queryKey: QueryKey) =>
      void coalescer.request(JSON.stringify(queryKey), async () => {
        // Joining a fetch started elsewhere (focus, a mutation) may predate this nudge: go once more after it.
        // Only active queries: invalidate refetches (and waits for) those, not a stale one still loading.
        const joined = queryClient.isFetching({ queryKey, type: "active" }) > 0;
        await queryClient.invalidateQueries({ queryKey }, { cancelRefetch: false });
        return joined;
      });
    const onConnect = () => {
      setState("live");
      if (connectedBefore) void queryClient.invalidateQueries();
      connectedBefore = true;
    };
    // The server ends the socket when the session ends (revoked, user disabled, signed out elsewhere).
    const onSessionEnded = () => {
      signedOut = true;
      setState("signed_out");
    };
    const onDisconnect = () => setState(signedOut ? "signed_out" : "reconnecting");
    const onConnectError = (error: Error) => {
      if (error.message === "unauthenticated") {
        signedOut = true;
        socket.disconnect();
      }
      setState(signedOut ? "signed_out" : "reconnecting");
    };
    const onNumber = () => void queryClient.invalidateQueries({ queryKey: queryKeys.numbers });
    const onCampaign = () => void queryClient.invalidateQueries({ queryKey: queryKeys.campaigns.all });
    const onNotification = (event: NotificationCreated) => {
      refetch(queryKeys.notifications);
      refetch(queryKeys.conversations.all);
      emitNotification(event);
    };
    const onConversation = (event: ConversationChanged) => {
      refetch(queryKeys.conversations.all);
      refetch(queryKeys.messages(event.conversation_id));
    };
    socket.on("connect", onConnect);
    socket.on("session.ended", onSessionEnded);
    socket.on("disconnect", onDisconnect);
    socket.on("connect_error", onConnectError);
    socket.on("number.changed", onNumber);
    socket.on("campaign.changed", onCampaign);
    socket.on("notification.created", onNotification);
    socket.on("conversation.changed", onConversation);
    // The socket is the tab's (presence and the board use it too): only this component's listeners go.
    return () => {
      socket.off("connect", onConnect);
      socket.off("session.ended", onSessionEnded);
      socket.off("disconnect", onDisconnect);
      socket.off("connect_error", onConnectError);
      socket.off("number.changed", onNumber);
      socket.off("campaign.changed", onCampaign);
      socket.off("notification.created", onNotification);
      socket.off("conversation.changed", onConversation);
    };
  }, [queryClient, setState]);
  return null;
}
