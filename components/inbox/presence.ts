"use client";

import { useEffect, useState } from "react";
import { tabSocket } from "@/lib/client/socket";
import type { ConversationPresence } from "@/lib/realtime/events";

// Collision on the open thread: "Ana is viewing", "Ana is typing…". Nothing is stored anywhere: each tab
// repeats "view" while the thread is open and "typing" while keys are pressed, and every state lapses
// on the receiving side after the ttl the server sent (a closed laptop fades out by itself).

const HEARTBEAT_MS = 10_000;
const TYPING_PING_MS = 2_000;

export type PresentAgent = { userId: string; name: string; typing: boolean };

type Entry = { name: string; viewingUntil: number; typingUntil: number };

const lastTypingPing = new Map<string, number>();

/** A keystroke in the composer: tells the others viewing this conversation, at most every 2 s. */
export function pingTyping(conversationId: string) {
  const now = Date.now();
  if (now - (lastTypingPing.get(conversationId) ?? 0) < TYPING_PING_MS) return;
  lastTypingPing.set(conversationId, now);
  tabSocket().emit("conversation.typing", { conversation_id: conversationId });
}

/** The other agents on this conversation now, typists first; joins its presence room while mounted. */
export function useConversationPresence(conversationId: string, me: string): PresentAgent[] {
  const [agents, setAgents] = useState<PresentAgent[]>([]);
  useEffect(() => {
    const socket = tabSocket();
    const known = new Map<string, Entry>();
    // Only a real change re-renders the thread (the sweep runs every second).
    const publish = () => {
      const next = present(known, Date.now());
      setAgents((was) => (JSON.stringify(was) === JSON.stringify(next) ? was : next));
    };
    const view = () => socket.emit("conversation.view", { conversation_id: conversationId }, () => {});

    const onPresence = (event: ConversationPresence) => {
      if (event.conversation_id !== conversationId || event.user_id === me) return;
      const now = Date.now();
      const current = known.get(event.user_id);
      if (event.state === "left") known.delete(event.user_id);
      else {
        const isNew = !current || current.viewingUntil < now;
        known.set(event.user_id, {
          name: event.name,
          // Typing implies viewing.
          viewingUntil: Math.max(current?.viewingUntil ?? 0, now + event.ttl_ms),
          typingUntil: event.state === "typing" ? now + event.ttl_ms : (current?.typingUntil ?? 0),
        });
        // A newcomer does not know who was here first: say so once (their reply to us is not new).
        if (isNew) view();
      }
      publish();
    };

    socket.on("conversation.presence", onPresence);
    // After a reconnect the server has forgotten this socket's room: join again.
    socket.on("connect", view);
    if (socket.connected) view();
    const heartbeat = setInterval(view, HEARTBEAT_MS);
    const sweep = setInterval(() => {
      const now = Date.now();
      for (const [id, entry] of known) if (entry.viewingUntil < now) known.delete(id);
      publish();
    }, 1_000);
    return () => {
      socket.off("conversation.presence", onPresence);
      socket.off("connect", view);
      clearInterval(heartbeat);
      clearInterval(sweep);
      socket.emit("conversation.leave");
      setAgents([]);
    };
  }, [conversationId, me]);
  return agents;
}

/** Who is still here at `now`, typists first, then by name. */
export function present(entries: ReadonlyMap<string, Entry>, now: number): PresentAgent[] {
  return [...entries]
    .filter(([, e]) => e.viewingUntil >= now)
    .map(([userId, e]) => ({ userId, name: e.name, typing: e.typingUntil >= now }))
    .sort((a, b) => Number(b.typing) - Number(a.typing) || a.name.localeCompare(b.name));
}

/** "Ana is viewing", "Ana and Bo are viewing", "Ana is typing…". */
export function describePresence(agents: PresentAgent[]): { viewing: string | null; typing: string | null } {
  const typists = agents.filter((a) => a.typing).map((a) => a.name);
  const viewers = agents.filter((a) => !a.typing).map((a) => a.name);
  return {
    viewing: viewers.length ? `${list(viewers)} ${viewers.length === 1 ? "is" : "are"} viewing` : null,
    typing: typists.length ? `${list(typists)} ${typists.length === 1 ? "is" : "are"} typing…` : null,
  };
}

function list(names: string[]): string {
  if (names.length <= 2) return names.join(" and ");
  return `${names.slice(0, 2).join(", ")} and ${names.length - 2} more`;
}
