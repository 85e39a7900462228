export type Role = "admin" | "supervisor" | "agent";

/** Who is acting: every verb receives one and checks it first (STYLE.md habit 3). */
export type Actor =
  { type: "user"; id: string; role: Role; teamIds: string[] } | { type: "system"; name: string };

export const systemActor = (name: string): Actor => ({ type: "system", name });
