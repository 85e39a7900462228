"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { Board, ReassignAllResult } from "@/lib/board/schemas";
import { api } from "@/lib/client/api";
import { tabSocket } from "@/lib/client/socket";
import type { ConversationPresence } from "@/lib/realtime/events";
import { applyBoardPresence, type BoardPresenceMap } from "./presence";

export const boardKey = ["board"] as const;

export type LiveState = "connecting" | "live" | "reconnecting" | "refused";

/** The board's data: fetched once, then refetched only when the server nudges (no polling). */
export function useBoard() {
  return useQuery({
    queryKey: boardKey,
    queryFn: () => api<Board>("/api/v1/board"),
    staleTime: Infinity,
  });
}

/**
 * Joins the board room on the tab's socket (the server checks conversations:assign) and refetches the board
 * on each `board.changed` (the server sends at most one per 500 ms) and after every reconnect, since
 * nudges sent while disconnected are lost.
 */
export function useBoardLive(): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(() => {
    const socket = tabSocket();
    let joinedBefore = false;
    const join = () =>
      socket.emit("board.join", (result) => {
        if (!result.ok) return setState("refused");
        setState("live");
        if (joinedBefore) void queryClient.invalidateQueries({ queryKey: boardKey });
        joinedBefore = true;
      });
    const onChanged = () => void queryClient.invalidateQueries({ queryKey: boardKey });
    const onDown = () => setState("reconnecting");
    // After a reconnect the server has forgotten this socket's rooms: join again.
    socket.on("connect", join);
    if (socket.connected) join();
    socket.on("board.changed", onChanged);
    socket.on("disconnect", onDown);
    socket.on("connect_error", onDown);
    return () => {
      socket.off("connect", join);
      socket.off("board.changed", onChanged);
      socket.off("disconnect", onDown);
      socket.off("connect_error", onDown);
    };
  }, [queryClient]);
  return state;
}

/**
 * Who is viewing what: the agents' presence events reach the board rooms they may see (scoped by the
 * conversation's team on the server), and the server sends the current viewers when the board joins.
 */
export function useBoardPresence(): BoardPresenceMap {
  const [map, setMap] = useState<BoardPresenceMap>(() => new Map());
  useEffect(() => {
    const socket = tabSocket();
    const onPresence = (event: ConversationPresence & { contact_name?: string }) =>
      setMap((was) =>
        applyBoardPresence(was, { ...event, contact_name: event.contact_name ?? "" }, Date.now()),
      );
    // Whatever was heard before a disconnect is stale; the re-join brings a fresh snapshot.
    const onDown = () => setMap(new Map());
    socket.on("conversation.presence", onPresence);
    socket.on("disconnect", onDown);
    return () => {
      socket.off("conversation.presence", onPresence);
      socket.off("disconnect", onDown);
    };
  }, []);
  return map;
}

/** Assign one conversation to an agent (or back to its queue) through the conversation's assign route. */
export function useAssign(onDone: (message: string, ok: boolean) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { conversationId: string; assigneeId: string | null; label: string }) =>
      api(`/api/v1/conversations/${input.conversationId}/assign`, {
        method: "POST",
        body: JSON.stringify({ assignee_id: input.assigneeId }),
      }),
    onSuccess: (_data, input) => onDone(input.label, true),
    onError: (error) => onDone(`Could not reassign: ${error.message}`, false),
    onSettled: () => queryClient.invalidateQueries({ queryKey: boardKey }),
  });
}

/** Move all of an agent's open conversations to another agent or back to their queues. */
export function useReassignAll(onDone: (message: string, ok: boolean) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { from: string; to: string | null }) =>
      api<ReassignAllResult>("/api/v1/board/reassign", {
        method: "POST",
        body: JSON.stringify({ from_user_id: input.from, to_user_id: input.to }),
      }),
    onSuccess: (result) =>
      onDone(
        `Moved ${result.moved} conversation${result.moved === 1 ? "" : "s"}` +
          (result.refused.length ? `; ${result.refused.length} refused (${result.refused[0]!.reason})` : ""),
        result.refused.length === 0,
      ),
    onError: (error) => onDone(`Could not reassign: ${error.message}`, false),
    onSettled: () => queryClient.invalidateQueries({ queryKey: boardKey }),
  });
}

/** A clock that ticks every second, for waits and availability spans. */
export function useNow(intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
