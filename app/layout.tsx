import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: "Tandem",
  description: "A shared inbox for WhatsApp Business numbers",
  icons: { icon: "/favicon.svg" },
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="h-screen overflow-hidden">{children}</body>
    </html>
  );
}
