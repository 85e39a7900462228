// The one allowed barrel: drizzle-kit and the Drizzle client need the whole schema in one module.
export * from "./audit";
export * from "./bots";
export * from "./campaigns";
export * from "./consent";
export * from "./contacts";
export * from "./integrations";
export * from "./conversations";
export * from "./media";
export * from "./messages";
export * from "./numbers";
export * from "./outbound";
export * from "./realtime";
export * from "./sla";
export * from "./templates";
export * from "./users";
export * from "./webhook-events";
