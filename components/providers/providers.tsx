"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { SignedOutNotice } from "@/components/auth/signed-out-notice";
import { LiveUpdates } from "./live-updates";

export function Providers({ children }: { children: React.ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: 1 } },
      }),
  );
  return (
    <QueryClientProvider client={client}>
      <LiveUpdates />
      <SignedOutNotice />
      {children}
    </QueryClientProvider>
  );
}
