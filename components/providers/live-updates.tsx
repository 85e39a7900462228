"use client";

import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect } from "react";
import { tabSocket } from "@/lib/client/socket";
import { queryKeys } from "@/lib/client/query-keys";
import { useConnectionStore } from "@/lib/client/connection";
import { emitNotification } from "@/lib/client/notification-bus";
import type { ConversationChanged, NotificationCreated } from "@/lib/realtime/events";
import { RefetchCoalescer } from "./refetch-coalescer";
import { catchUpThread, SeqTracker, threadIsOpen } from "./thread-catch-up";
import { putChangedInPlace, refreshChangedMessages } from "./thread-changes";

/**
 * The list, counts and a thread's timeline refetch at most about this often under a stream of nudges
 * (the first nudge still at once): the open thread's own fetch should not queue behind them.
 */
const BACKGROUND_GAP_MS = 250;

/** Reasons whose events may name the messages that changed (message_ids): only those rows are re-read. */
const ROW_CHANGES: ReadonlySet<ConversationChanged["reason"]> = new Set(["status", "change", "reaction"]);

/** Adds message ids to those waiting for a conversation's next catch-up or re-read. */
function addIds(pending: Map<string, Set<string>>, conversationId: string, messageIds: Iterable<string>) {
  const ids = pending.get(conversationId) ?? new Set<string>();
  for (const id of messageIds) ids.add(id);
  pending.set(conversationId, ids);
}

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
    const refetch = (queryKey: QueryKey, gapMs = 0) =>
      void coalescer.request(
        JSON.stringify(queryKey),
        async () => {
          // Joining a fetch started elsewhere (focus, a mutation) may predate this nudge: go once more after it.
          // Only active queries: invalidate refetches (and waits for) those, not a stale one still loading.
          const joined = queryClient.isFetching({ queryKey, type: "active" }) > 0;
          await queryClient.invalidateQueries({ queryKey }, { cancelRefetch: false });
          return joined;
        },
        { gapMs },
      );
    const seqs = new SeqTracker();
    // Message ids announced for an open thread and not yet checked by a catch-up, per conversation.
    const announced = new Map<string, Set<string>>();
    // One catch-up per thread at a time; nudges meanwhile join the one that follows it.
    const catchUp = (conversationId: string) =>
      coalescer.request(`after:${conversationId}`, async () => {
        const ids = announced.get(conversationId) ?? new Set<string>();
        announced.delete(conversationId);
        if ((await catchUpThread(queryClient, conversationId, ids)) === "reload")
          refetch(queryKeys.messages(conversationId));
      });
    // Message ids named as changed for an open thread and not yet re-read, per conversation.
    const changed = new Map<string, Set<string>>();
    // One re-read per thread at a time; ids named meanwhile go in the one that follows it.
    const refreshChanged = (conversationId: string) =>
      void coalescer.request(`ids:${conversationId}`, async () => {
        const ids = changed.get(conversationId) ?? new Set<string>();
        changed.delete(conversationId);
        const { reload, newer } = await refreshChangedMessages(queryClient, conversationId, ids);
        if (reload) refetch(queryKeys.messages(conversationId));
        else if (newer.length > 0) {
          // Changed before this tab held it: fetched like a new message, then the re-read rows put in place
          // (a catch-up already under way may have read them before the change).
          const newerIds = newer.map((m) => m.id);
          addIds(announced, conversationId, newerIds);
          await catchUp(conversationId);
          putChangedInPlace(queryClient, conversationId, newerIds, newer);
        }
      });
    // Events may have been missed: everything shown is refetched and sequences start over.
    const resync = () => {
      seqs.reset();
      announced.clear();
      changed.clear();
      void queryClient.invalidateQueries();
    };
    const onConnect = () => {
      setState("live");
      if (connectedBefore) resync();
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
      refetch(queryKeys.conversations.all, BACKGROUND_GAP_MS);
      emitNotification(event);
    };
    const onConversation = (event: ConversationChanged) => {
      const id = event.conversation_id;
      const order = seqs.observe(id, event.seq);
      if (order === "repeat") return;
      refetch(queryKeys.conversations.all, BACKGROUND_GAP_MS);
      // Marking read changes the list's unread count, nothing in the thread.
      if (event.reason === "read" && order === "next") return;
      if (
        event.reason === "message" &&
        event.message_id &&
        order === "next" &&
        threadIsOpen(queryClient, id)
      ) {
        addIds(announced, id, [event.message_id]);
        void catchUp(id);
        // A message can add timeline rows too (the owner answering pauses the bot): not urgent.
        refetch(queryKeys.events(id), BACKGROUND_GAP_MS);
        return;
      }
      // Ticks, edits, media, reactions: only the named rows are re-read; the timeline is not theirs.
      if (
        ROW_CHANGES.has(event.reason) &&
        event.message_ids?.length &&
        order === "next" &&
        threadIsOpen(queryClient, id)
      ) {
        addIds(changed, id, event.message_ids);
        refreshChanged(id);
        return;
      }
      // Everything else (notes, changes that name no rows, a closed thread, a gap) refetches the thread
      // and its timeline.
      refetch(queryKeys.messages(id));
    };
    socket.on("connect", onConnect);
    // The server's own LISTEN connection was lost and is back (a Postgres restart): same as a reconnect.
    socket.on("realtime.resync", resync);
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
      socket.off("realtime.resync", resync);
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
