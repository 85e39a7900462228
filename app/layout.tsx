import type { Metadata } from "next";
import { themeScript } from "@/components/inbox/theme";
import "./globals.css";

export const metadata: Metadata = {
  title: "Tandem",
  description: "A shared inbox for WhatsApp Business numbers",
  icons: { icon: "/favicon.svg" },
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    // The theme script sets the dark class before hydration, so React must not object to it.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="h-screen overflow-hidden">{children}</body>
    </html>
  );
}
