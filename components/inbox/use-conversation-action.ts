"use client";

import { useMutation, useQueryClient, type InfiniteData, type QueryClient } from "@tanstack/react-query";
import {
  applyAction,
  conversationAction,
  type ConversationAction,
  type ListFilters,
  type Viewer,
} from "@/lib/client/inbox";
import { queryKeys } from "@/lib/client/query-keys";
import type { ConversationSummary, Page } from "@/lib/conversations/schemas";

export const conversationKey = (id: string) => ["conversations", "one", id] as const;

type Pages = InfiniteData<Page<ConversationSummary>, string | null>;

/**
 * Conversation actions, optimistic: the conversation (and its list rows) change at once, a row that no longer
 * belongs in its view leaves it, and everything is refetched when the server answers (or refused).
 */
export function useConversationAction(conversation: ConversationSummary, viewer: Viewer) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: ConversationAction) => conversationAction(conversation.id, action),
    onMutate: async (action) => {
      await queryClient.cancelQueries({ queryKey: conversationKey(conversation.id) });
      const next = applyAction(conversation, action);
      queryClient.setQueryData(conversationKey(conversation.id), next);
      patchLists(queryClient, next, viewer);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.conversations.all }),
  });
}

/** Puts the changed conversation into every loaded list page, dropping it where it no longer matches. */
function patchLists(queryClient: QueryClient, next: ConversationSummary, viewer: Viewer) {
  for (const [key, data] of queryClient.getQueriesData<Pages>({ queryKey: ["conversations", "page"] })) {
    if (!data) continue;
    const filters = (key[2] ?? {}) as Record<string, string>;
    const keep = matchesList(next, filters, viewer.id);
    queryClient.setQueryData<Pages>(key, {
      ...data,
      pages: data.pages.map((page) => ({
        ...page,
        data: keep
          ? page.data.map((row) => (row.id === next.id ? next : row))
          : page.data.filter((row) => row.id !== next.id),
      })),
    });
  }
}

/** Whether a conversation belongs in a list with these query parameters (see listParams). */
export function matchesList(c: ConversationSummary, params: Record<string, string>, me: string): boolean {
  const view = params.view as ListFilters["view"] | undefined;
  if (params.status && c.status !== params.status) return false;
  if ((view === "bot" || view === "snoozed" || view === "resolved") && c.status !== view) return false;
  if (view === "mine" && c.assignee_id !== me) return false;
  if (view === "unassigned" && c.assignee_id !== null) return false;
  if (params.team && c.team_id !== params.team) return false;
  if (params.priority && c.priority !== params.priority) return false;
  if (params.label && !c.labels.some((l) => l.id === params.label)) return false;
  return true;
}
