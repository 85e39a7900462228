// Client-safe notification DTO.
export type NotificationDto = {
  id: number;
  kind: string;
  conversation_id: string | null;
  actor: { id: string; name: string | null } | null;
  data: unknown;
  created_at: string;
  read_at: string | null;
};
