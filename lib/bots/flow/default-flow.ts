import type { FlowDefinition } from "./types";

/**
 * The starter flow a new flow bot gets: greeting, language choice, a menu (orders / billing / a person),
 * an order question with email, billing FAQ, handoff. Mon–Fri 09:00–18:00 (UTC until the admin sets their
 * zone); outside those hours the customer is told, then the bot carries on.
 */
export const DEFAULT_FLOW: FlowDefinition = {
  version: 1,
  start: "welcome",
  settings: {
    languages: ["en", "es"],
    handoffKeywords: ["agent", "human", "person", "agente", "humano", "persona"],
    maxFailures: 3,
    retryText: { en: "Sorry, I didn't get that.", es: "Perdón, no te entendí." },
    handoffText: {
      en: "I'm passing you to a person. They'll answer here as soon as they can.",
      es: "Te paso con una persona. Te responderá aquí lo antes posible.",
    },
    businessHours: {
      timezone: "UTC",
      weekly: {
        mon: [["09:00", "18:00"]],
        tue: [["09:00", "18:00"]],
        wed: [["09:00", "18:00"]],
        thu: [["09:00", "18:00"]],
        fri: [["09:00", "18:00"]],
      },
      holidays: [],
    },
    awayMessage: {
      en: "We're closed right now (Mon–Fri 9:00–18:00). I can still help, and a person will reply when we open.",
      es: "Ahora estamos cerrados (lun–vie 9:00–18:00). Puedo ayudarte y una persona te responderá al abrir.",
    },
    outsideHours: "continue",
  },
  nodes: {
    welcome: {
      type: "message",
      label: "Greeting",
      text: "Hi! 👋 Welcome to our WhatsApp support.\n¡Hola! 👋 Bienvenido a nuestro soporte por WhatsApp.",
      next: "language",
    },
    language: {
      type: "language",
      label: "Language",
      text: "Which language do you prefer?\n¿Qué idioma prefieres?",
      options: [
        { language: "en", title: "English" },
        { language: "es", title: "Español" },
      ],
      next: "main_menu",
    },
    main_menu: {
      type: "menu",
      label: "Main menu",
      style: "buttons",
      field: "topic",
      text: { en: "How can we help you today?", es: "¿En qué podemos ayudarte hoy?" },
      options: [
        {
          id: "orders",
          title: { en: "Orders", es: "Pedidos" },
          keywords: ["order", "pedido", "delivery", "envio"],
          next: "order_number",
        },
        {
          id: "billing",
          title: { en: "Billing", es: "Facturación" },
          keywords: ["invoice", "factura", "payment", "pago"],
          next: "billing_faq",
        },
        {
          id: "agent",
          title: { en: "Talk to a person", es: "Hablar con persona" },
          next: "handoff_person",
        },
      ],
    },
    order_number: {
      type: "question",
      label: "Order number",
      field: "order_number",
      validation: "pattern",
      pattern: "#?\\d{5,10}",
      text: {
        en: "Please type your order number (5 to 10 digits, e.g. 12345).",
        es: "Escribe tu número de pedido (de 5 a 10 dígitos, p. ej. 12345).",
      },
      retry: {
        en: "That doesn't look like an order number. It has 5 to 10 digits, e.g. 12345.",
        es: "Eso no parece un número de pedido. Tiene de 5 a 10 dígitos, p. ej. 12345.",
      },
      next: "email",
    },
    email: {
      type: "question",
      label: "Email",
      field: "email",
      validation: "email",
      text: {
        en: "Thanks! What email address did you use for the order?",
        es: "¡Gracias! ¿Qué correo electrónico usaste en el pedido?",
      },
      retry: {
        en: "That doesn't look like an email address. Please try again (e.g. name@example.com).",
        es: "Eso no parece un correo electrónico. Inténtalo de nuevo (p. ej. nombre@ejemplo.com).",
      },
      next: "handoff_order",
    },
    handoff_order: {
      type: "handoff",
      label: "Order handoff",
      text: {
        en: "Got it. A person will look at order {{fields.order_number}} and answer here shortly.",
        es: "Listo. Una persona revisará el pedido {{fields.order_number}} y te responderá aquí en breve.",
      },
      summary: "Order question: order {{fields.order_number}}, email {{fields.email}}.",
    },
    billing_faq: {
      type: "faq",
      label: "Billing FAQ",
      text: {
        en: "Ask me about billing: invoices, refunds or payment methods. Type *agent* any time to talk to a person.",
        es: "Pregúntame sobre facturación: facturas, reembolsos o formas de pago. Escribe *agente* para hablar con una persona.",
      },
      entries: [
        {
          keywords: ["invoice", "receipt", "factura", "recibo"],
          answer: {
            en: "Invoices are emailed when an order ships. You can also download them under *My account → Orders*.",
            es: "Las facturas se envían por correo cuando sale el pedido. También están en *Mi cuenta → Pedidos*.",
          },
        },
        {
          keywords: ["refund", "money back", "reembolso", "devolucion"],
          answer: {
            en: "Refunds go back to the original payment method within 5–10 business days after we receive the return.",
            es: "Los reembolsos vuelven al medio de pago original en 5–10 días hábiles tras recibir la devolución.",
          },
        },
        {
          keywords: ["payment", "pay", "card", "paypal", "pago", "pagar", "tarjeta"],
          answer: {
            en: "We accept cards (Visa, Mastercard, Amex), PayPal and bank transfer.",
            es: "Aceptamos tarjetas (Visa, Mastercard, Amex), PayPal y transferencia bancaria.",
          },
        },
      ],
      fallback: {
        en: "I don't know that one yet. Try *invoice*, *refund* or *payment*, or type *agent*.",
        es: "Todavía no sé responder eso. Prueba con *factura*, *reembolso* o *pago*, o escribe *agente*.",
      },
      next: "anything_else",
    },
    anything_else: {
      type: "menu",
      label: "Anything else?",
      style: "buttons",
      text: { en: "Can I help with anything else?", es: "¿Te ayudo con algo más?" },
      options: [
        { id: "faq_more", title: { en: "Another question", es: "Otra pregunta" }, next: "billing_faq" },
        {
          id: "faq_agent",
          title: { en: "Talk to a person", es: "Hablar con persona" },
          next: "handoff_person",
        },
        { id: "faq_done", title: { en: "No, thanks", es: "No, gracias" }, keywords: ["no"], next: "goodbye" },
      ],
    },
    handoff_person: {
      type: "handoff",
      label: "Person handoff",
      text: {
        en: "Sure, I'm passing you to a person. They'll answer here as soon as they can.",
        es: "Claro, te paso con una persona. Te responderá aquí lo antes posible.",
      },
      summary: "Asked to talk to a person (topic: {{fields.topic}}).",
    },
    goodbye: {
      type: "end",
      label: "Goodbye",
      text: {
        en: "Glad I could help. Write any time! 👋",
        es: "¡Me alegra haber ayudado! Escríbenos cuando quieras. 👋",
      },
    },
  },
};
