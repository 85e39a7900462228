import { z } from "zod";
import type { BuiltTemplate, TemplateMediaRef } from "./template-params";

// What our REST API accepts to send (ids are ours), and Meta's exact send body once the caller has
// resolved those ids to Meta's (PROTOCOL.md §6). Client-safe: no I/O.

const httpsUrl = z.url({
  protocol: /^https$/,
  hostname: z.regexes.domain,
  error: "Must be a public https:// URL",
});
const ourId = z.uuid();
const replyTo = ourId.optional();

const text = z.object({
  type: z.literal("text"),
  text: z
    .string()
    .max(4096, "Messages are at most 4096 characters")
    .refine((value) => value.trim().length > 0, "The message is empty"),
  preview_url: z.boolean().optional(),
  reply_to: replyTo,
});

const mediaSource = { media_id: ourId.optional(), link: httpsUrl.optional() };
const caption = z.string().max(1024, "Captions are at most 1024 characters").optional();
// A caption here would be silently lost by WhatsApp; say so instead of dropping the agent's text.
const noCaption = z.never({ error: "This attachment type can't have a caption" }).optional();

const image = mediaVariant("image", { caption });
const video = mediaVariant("video", { caption });
const audio = mediaVariant("audio", { caption: noCaption });
const sticker = mediaVariant("sticker", { caption: noCaption });
const document = mediaVariant("document", {
  caption,
  filename: z.string().min(1).max(240, "File names are at most 240 characters").optional(),
});

const template = z.object({
  type: z.literal("template"),
  template_id: ourId,
  variables: z.union([z.record(z.string(), z.string()), z.array(z.string())]).optional(),
  header: z
    .object({
      ...mediaSource,
      text: z.string().optional(),
      filename: z.string().min(1).max(240).optional(),
      location: z
        .object({
          latitude: z.number().min(-90).max(90),
          longitude: z.number().min(-180).max(180),
          name: z.string().max(1000).optional(),
          address: z.string().max(1000).optional(),
        })
        .optional(),
    })
    .superRefine((header, ctx) => {
      const given = (["media_id", "link", "text", "location"] as const).filter(
        (k) => header[k] !== undefined,
      );
      if (given.length > 1)
        ctx.addIssue({
          code: "custom",
          path: [given[1]!],
          message: `Give only one of ${given.join(", ")} for the header`,
        });
    })
    .optional(),
  buttons: z
    .array(
      z
        .object({ index: z.int().min(0).max(9), payload: z.string().optional(), text: z.string().optional() })
        .refine((b) => b.payload !== undefined || b.text !== undefined, {
          message: "Give a payload or a text for the button",
          path: ["payload"],
        }),
    )
    .max(10)
    .optional(),
  reply_to: replyTo,
});

const interactiveButton = z.object({
  id: z.string().min(1).max(256, "Button ids are at most 256 characters"),
  title: z.string().min(1).max(20, "Button titles are at most 20 characters"),
});
const listRow = z.object({
  id: z.string().min(1).max(200, "Row ids are at most 200 characters"),
  title: z.string().min(1).max(24, "Row titles are at most 24 characters"),
  description: z.string().max(72, "Row descriptions are at most 72 characters").optional(),
});
const listSection = z.object({
  title: z.string().max(24, "Section titles are at most 24 characters").optional(),
  rows: z.array(listRow).min(1, "A section needs at least one row"),
});

const interactive = z
  .object({
    type: z.literal("interactive"),
    kind: z.enum(["button", "list", "cta_url"]),
    body: z
      .string()
      .max(1024, "The body is at most 1024 characters")
      .refine((value) => value.trim().length > 0, "The body is empty"),
    header: z.string().min(1).max(60, "Headers are at most 60 characters").optional(),
    footer: z.string().min(1).max(60, "Footers are at most 60 characters").optional(),
    buttons: z.array(interactiveButton).min(1).max(3, "At most 3 reply buttons").optional(),
    list: z
      .object({
        button: z.string().min(1).max(20, "The list button is at most 20 characters"),
        sections: z.array(listSection).min(1).max(10),
      })
      .optional(),
    cta: z
      .object({
        display_text: z.string().min(1).max(20, "The link text is at most 20 characters"),
        url: httpsUrl,
      })
      .optional(),
    reply_to: replyTo,
  })
  .superRefine((message, ctx) => {
    const needs = { button: "buttons", list: "list", cta_url: "cta" } as const;
    const wanted = needs[message.kind];
    if (message[wanted] === undefined)
      ctx.addIssue({ code: "custom", path: [wanted], message: `A ${message.kind} message needs ${wanted}` });
    for (const other of Object.values(needs)) {
      if (other !== wanted && message[other] !== undefined)
        ctx.addIssue({
          code: "custom",
          path: [other],
          message: `A ${message.kind} message can't have ${other}`,
        });
    }
    duplicateIds(message.buttons ?? [], ["buttons"], ctx);
    if (message.list) {
      const { sections } = message.list;
      const rows = sections.flatMap((section, s) => section.rows.map((row, r) => ({ row, path: [s, r] })));
      if (rows.length > 10)
        ctx.addIssue({
          code: "custom",
          path: ["list", "sections"],
          message: "A list has at most 10 rows in total",
        });
      // WhatsApp needs section titles to tell several sections apart.
      if (sections.length > 1)
        sections.forEach((section, s) => {
          if (!section.title)
            ctx.addIssue({
              code: "custom",
              path: ["list", "sections", s, "title"],
              message: "Each section needs a title when there are several",
            });
        });
      const seen = new Set<string>();
      for (const { row, path } of rows) {
        if (seen.has(row.id))
          ctx.addIssue({
            code: "custom",
            path: ["list", "sections", path[0]!, "rows", path[1]!, "id"],
            message: "Row ids must be unique",
          });
        seen.add(row.id);
      }
    }
  });

const reaction = z.object({
  type: z.literal("reaction"),
  message_id: ourId,
  emoji: z.string().refine(isReactionEmoji, "Must be a single emoji, or empty to remove the reaction"),
  reply_to: replyTo,
});

const location = z.object({
  type: z.literal("location"),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  name: z.string().max(1000).optional(),
  address: z.string().max(1000).optional(),
  reply_to: replyTo,
});

export const outboundMessageInput = z.discriminatedUnion("type", [
  text,
  image,
  video,
  audio,
  document,
  sticker,
  template,
  interactive,
  reaction,
  location,
]);

export type OutboundMessageInput = z.infer<typeof outboundMessageInput>;

type InputOf<T extends OutboundMessageInput["type"]> = Omit<
  Extract<OutboundMessageInput, { type: T }>,
  "reply_to"
>;
type Reply = {
  /** Meta's id of the quoted message (resolved from `reply_to`). */
  context_wamid?: string;
};

/** An OutboundMessageInput whose ids the caller has resolved to Meta's. */
export type ResolvedOutbound = Reply &
  (
    | InputOf<"text">
    | { type: "image" | "video"; media: TemplateMediaRef; caption?: string }
    | { type: "audio" | "sticker"; media: TemplateMediaRef }
    | { type: "document"; media: TemplateMediaRef; caption?: string; filename?: string }
    | { type: "template"; template: BuiltTemplate }
    | InputOf<"interactive">
    | { type: "reaction"; message_wamid: string; emoji: string }
    | InputOf<"location">
  );

export type SendRecipient = { phone: string | null; bsuid: string | null };

const CALLBACK_DATA_MAX = 512;

export function buildSendBody(input: {
  message: ResolvedOutbound;
  recipient: SendRecipient;
  callbackData?: string;
}): Record<string, unknown> {
  const { message, recipient, callbackData } = input;
  const body: Record<string, unknown> = { messaging_product: "whatsapp", recipient_type: "individual" };
  const phone = recipient.phone?.replace(/\D/g, "");
  // If both are known the phone wins anyway (§4.4); sending only one keeps the body unambiguous.
  if (phone) body.to = phone;
  else if (recipient.bsuid) body.recipient = recipient.bsuid;
  else throw new Error("Cannot build a send body: the recipient has neither a phone number nor a BSUID");
  body.type = message.type;
  body[message.type] = typeObject(message);
  // A reaction already points at its message; WhatsApp has no quoted reactions.
  if (message.context_wamid && message.type !== "reaction")
    body.context = { message_id: message.context_wamid };
  if (callbackData !== undefined) {
    if (callbackData.length > CALLBACK_DATA_MAX)
      throw new Error(`biz_opaque_callback_data is at most ${CALLBACK_DATA_MAX} characters`);
    body.biz_opaque_callback_data = callbackData;
  }
  return body;
}

/** `status: read` for an inbound message; `typing` also shows "typing…" until we reply or 25 s pass. */
export function markReadBody(wamid: string, typing: boolean): Record<string, unknown> {
  return {
    messaging_product: "whatsapp",
    status: "read",
    message_id: wamid,
    ...(typing ? { typing_indicator: { type: "text" } } : {}),
  };
}

const PREVIEW_MAX = 120;

/** One line for conversation lists and notifications. */
export function previewText(message: ResolvedOutbound | OutboundMessageInput): string {
  switch (message.type) {
    case "text":
      return clip(message.text);
    case "image":
      return withIcon("📷", message.caption, "Photo");
    case "video":
      return withIcon("🎥", message.caption, "Video");
    case "audio":
      return "🎵 Audio";
    case "sticker":
      return "💟 Sticker";
    case "document":
      return withIcon("📄", message.filename ?? message.caption, "Document");
    case "template":
      return "template" in message ? `Template: ${message.template.name}` : "Template";
    case "interactive":
      return clip(message.body);
    case "reaction":
      return message.emoji ? `Reacted ${message.emoji}` : "Removed a reaction";
    case "location":
      return withIcon("📍", message.name ?? message.address, "Location");
  }
}

// ---------------------------------------------------------------------------------------------------------

function mediaVariant<
  T extends "image" | "video" | "audio" | "document" | "sticker",
  S extends z.ZodRawShape,
>(type: T, extra: S) {
  return z
    .object({ type: z.literal(type), ...mediaSource, ...extra, reply_to: replyTo })
    .superRefine((media, ctx) => {
      const has = (key: "media_id" | "link") => (media as Record<string, unknown>)[key] !== undefined;
      if (has("media_id") === has("link"))
        ctx.addIssue({ code: "custom", path: ["media_id"], message: "Give exactly one of media_id or link" });
    });
}

function typeObject(message: ResolvedOutbound): Record<string, unknown> {
  switch (message.type) {
    case "text":
      return { preview_url: message.preview_url ?? false, body: message.text };
    case "image":
    case "video":
      return { ...mediaRef(message.media), ...optional("caption", message.caption) };
    case "audio":
    case "sticker":
      return mediaRef(message.media);
    case "document":
      return {
        ...mediaRef(message.media),
        ...optional("caption", message.caption),
        ...optional("filename", message.filename),
      };
    case "template":
      return { ...message.template };
    case "interactive":
      return interactiveObject(message);
    case "reaction":
      return { message_id: message.message_wamid, emoji: message.emoji };
    case "location":
      return {
        latitude: message.latitude,
        longitude: message.longitude,
        ...optional("name", message.name),
        ...optional("address", message.address),
      };
  }
}

function interactiveObject(message: InputOf<"interactive">): Record<string, unknown> {
  let action: Record<string, unknown>;
  if (message.kind === "button") {
    action = {
      buttons: (message.buttons ?? []).map(({ id, title }) => ({ type: "reply", reply: { id, title } })),
    };
  } else if (message.kind === "list") {
    const list = message.list ?? { button: "", sections: [] };
    action = {
      button: list.button,
      sections: list.sections.map((section) => ({
        ...optional("title", section.title),
        rows: section.rows.map((row) => ({
          id: row.id,
          title: row.title,
          ...optional("description", row.description),
        })),
      })),
    };
  } else {
    action = {
      name: "cta_url",
      parameters: { display_text: message.cta?.display_text ?? "", url: message.cta?.url ?? "" },
    };
  }
  return {
    type: message.kind,
    ...(message.header ? { header: { type: "text", text: message.header } } : {}),
    body: { text: message.body },
    ...(message.footer ? { footer: { text: message.footer } } : {}),
    action,
  };
}

function mediaRef(media: TemplateMediaRef): Record<string, string> {
  return "id" in media ? { id: media.id } : { link: media.link };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

function duplicateIds(items: { id: string }[], path: (string | number)[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.id))
      ctx.addIssue({ code: "custom", path: [...path, i, "id"], message: "Ids must be unique" });
    seen.add(item.id);
  });
}

const EMOJI_CHARS = /^[\p{Extended_Pictographic}\p{Emoji_Component}\u20E3\uFE0F\u200D]*$/u;
const EMOJI_CORE = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3]/u;

function isReactionEmoji(value: string): boolean {
  if (value === "") return true;
  // Long enough for ZWJ families and flags; a sentence of emoji is not a reaction.
  return value.length <= 32 && EMOJI_CHARS.test(value) && EMOJI_CORE.test(value);
}

function withIcon(icon: string, label: string | undefined, fallback: string): string {
  return `${icon} ${clip(label ?? "", PREVIEW_MAX - icon.length - 1) || fallback}`;
}

/** Collapses whitespace to one line and cuts at `max` characters without splitting an emoji. */
function clip(value: string, max = PREVIEW_MAX): string {
  const line = value.replace(/\s+/g, " ").trim();
  const chars = Array.from(line);
  return chars.length <= max
    ? line
    : `${chars
        .slice(0, max - 1)
        .join("")
        .trimEnd()}…`;
}
