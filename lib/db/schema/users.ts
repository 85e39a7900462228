import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

export const userRole = pgEnum("user_role", ["admin", "supervisor", "agent"]);
export const availability = pgEnum("availability", ["online", "away", "busy", "offline"]);
export const assignmentPolicy = pgEnum("assignment_policy", ["manual", "round_robin", "least_loaded"]);

// Custom roles: a permission list from the catalogue plus a base role that sets object scope
// (admin: everything, supervisor: own teams + teamless, agent: own teams' queues + own conversations).
export const roles = pgTable("roles", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  baseRole: userRole("base_role").notNull().default("agent"),
  permissions: text("permissions")
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: userRole("role").notNull().default("agent"),
    passwordHash: text("password_hash").notNull(),
    // Bumped to revoke every JWT this user holds (disable, role change, sign out everywhere).
    sessionVersion: integer("session_version").notNull().default(0),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    // A custom role replaces the built-in role's permissions; `role` then only sets object scope.
    customRoleId: uuid("custom_role_id").references(() => roles.id, { onDelete: "restrict" }),
    // TOTP secret, encrypted at rest; enrolment is complete once mfa_enabled_at is set.
    mfaSecret: text("mfa_secret"),
    mfaEnabledAt: timestamp("mfa_enabled_at", { withTimezone: true }),
    // Set for invited users and admin resets: the next sign-in must choose a new password.
    mustChangePassword: boolean("must_change_password").notNull().default(false),
    passwordChangedAt: timestamp("password_changed_at", { withTimezone: true }),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
    // Only `online` agents receive work automatically (issue "routing").
    availability: availability("availability").notNull().default("offline"),
    availabilityChangedAt: timestamp("availability_changed_at", { withTimezone: true }),
    // Last time one of the user's tabs was connected (heartbeat from the web processes): auto-away.
    presenceSeenAt: timestamp("presence_seen_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // Emails are compared case-insensitively at sign-in, so uniqueness must be too.
  (t) => [uniqueIndex("users_email_lower_uq").on(sql`lower(${t.email})`)],
);

export const teams = pgTable("teams", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  // How waiting conversations reach agents: picked by hand, or given out automatically.
  assignmentPolicy: assignmentPolicy("assignment_policy").notNull().default("manual"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const teamMembers = pgTable(
  "team_members",
  {
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    isManager: boolean("is_manager").notNull().default(false),
    // Most open conversations of this team the member is given automatically.
    capacity: integer("capacity").notNull().default(5),
    // Round robin gives the next conversation to the member who got one longest ago.
    lastAssignedAt: timestamp("last_assigned_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] })],
);

/** One row per signed-in browser: the JWT carries its id, so each can be listed and ended on its own. */
export const userSessions = pgTable(
  "user_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    // Absolute timeout: the session ends here whatever the activity.
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    mfaVerifiedAt: timestamp("mfa_verified_at", { withTimezone: true }),
    ip: text("ip"),
    userAgent: text("user_agent"),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedReason: text("revoked_reason"),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId, t.createdAt)],
);

/** Every sign-in attempt (ASVS 16.3.1); the throttle counts recent failures per account and per IP. */
export const signInAttempts = pgTable(
  "sign_in_attempts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    email: text("email").notNull(),
    ip: text("ip"),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    // success | bad_password | unknown_user | disabled | mfa_required | mfa_failed | throttled
    outcome: text("outcome").notNull(),
  },
  (t) => [
    index("sign_in_attempts_email_idx").on(sql`lower(${t.email})`, t.at),
    index("sign_in_attempts_ip_idx").on(t.ip, t.at),
  ],
);

export const mfaBackupCodes = pgTable(
  "mfa_backup_codes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("mfa_backup_codes_user_idx").on(t.userId)],
);

/** REST API keys: shown once, stored as a SHA-256 of the secret; the prefix identifies the key in lists and logs. */
export const apiKeys = pgTable("api_keys", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  prefix: text("prefix").notNull().unique(),
  keyHash: text("key_hash").notNull(),
  role: userRole("role").notNull(),
  customRoleId: uuid("custom_role_id").references(() => roles.id, { onDelete: "restrict" }),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp("expires_at", { withTimezone: true }),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
});

/** Workspace settings as typed keys (e.g. `mfa.required_for_all`); read through lib/settings. */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
});
