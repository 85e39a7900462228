"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { api } from "@/lib/client/api";
import { INTEGRATION_EVENTS, type DeliveryDto, type EndpointDto } from "@/lib/integrations/schemas";
import { ErrorNote, SecretOnce, buttonClass, errorText, formatWhen, inputClass } from "../people/shared";

const KEY = ["integrations", "endpoints"] as const;
const deliveriesKey = (id: string, status: string) => ["integrations", "deliveries", id, status] as const;

/** Outbound webhooks to the customer's own systems: endpoints, their signing secret, and the delivery log. */
export function IntegrationsPanel({ showApiKeys }: { showApiKeys: boolean }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [url, setUrl] = useState("https://");
  const [events, setEvents] = useState<string[]>(["message.received"]);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const endpoints = useQuery({
    queryKey: KEY,
    queryFn: () => api<{ data: EndpointDto[] }>("/api/v1/webhook-endpoints").then((r) => r.data),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["integrations"] });
  const create = useMutation({
    mutationFn: () =>
      api<{ id: string; secret: string }>("/api/v1/webhook-endpoints", {
        method: "POST",
        body: JSON.stringify({ name, url, events }),
      }),
    onSuccess: (result) => {
      setSecret({ label: `Signing secret for "${name}"`, value: result.secret });
      setName("");
      setUrl("https://");
      void refresh();
    },
  });
  const update = useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: Partial<Pick<EndpointDto, "active" | "events">> }) =>
      api<EndpointDto>(`/api/v1/webhook-endpoints/${id}`, { method: "PATCH", body: JSON.stringify(patch) }),
    onSuccess: () => void refresh(),
  });
  const rotate = useMutation({
    mutationFn: (endpoint: EndpointDto) =>
      api<{ secret: string }>(`/api/v1/webhook-endpoints/${endpoint.id}/secret`, { method: "POST" }).then(
        (r) => ({ ...r, endpoint }),
      ),
    onSuccess: ({ secret: value, endpoint }) =>
      setSecret({ label: `New signing secret for "${endpoint.name}"`, value }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/api/v1/webhook-endpoints/${id}`, { method: "DELETE" }),
    onSuccess: () => void refresh(),
  });

  return (
    <div className="h-full overflow-y-auto p-6">
      <h1 className="text-lg font-semibold">Integrations</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        Tandem POSTs message and conversation events to your endpoints, signed with{" "}
        <code>X-Tandem-Signature: sha256=HMAC(secret, timestamp.body)</code>, and retries failures for about
        four hours.
        {showApiKeys && (
          <>
            {" "}
            To call Tandem&apos;s REST API instead, create an{" "}
            <Link href="/admin/api-keys" className="text-emerald-800 underline">
              API key
            </Link>
            .
          </>
        )}
      </p>
      <form
        aria-label="Add webhook endpoint"
        className="mt-4 grid max-w-4xl gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-3"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label className="text-sm">
          Name
          <input
            className={inputClass}
            value={name}
            maxLength={80}
            onChange={(e) => setName(e.target.value)}
            required
          />
        </label>
        <label className="text-sm md:col-span-2">
          URL
          <input
            className={inputClass}
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            required
          />
        </label>
        <EventPicker value={events} onChange={setEvents} />
        <div className="md:col-span-3">
          <button type="submit" className={buttonClass()} disabled={create.isPending || events.length === 0}>
            Add endpoint
          </button>
        </div>
      </form>
      <ErrorNote error={create.error ?? endpoints.error} />
      {secret && <SecretOnce label={secret.label} value={secret.value} onDone={() => setSecret(null)} />}
      {endpoints.isPending && <p className="mt-4 text-sm text-slate-500">Loading…</p>}
      {endpoints.data?.length === 0 && <p className="mt-4 text-sm text-slate-500">No endpoints yet.</p>}
      <ul className="mt-4 grid max-w-5xl gap-3">
        {endpoints.data?.map((e) => (
          <li
            key={e.id}
            className="rounded-lg border border-slate-200 bg-white p-4"
            data-testid="webhook-endpoint"
          >
            <div className="flex flex-wrap items-start justify-between gap-2">
              <div>
                <p className="font-medium">
                  {e.name}{" "}
                  <span
                    className={`ml-1 rounded px-1.5 py-0.5 text-xs ${e.active ? "bg-emerald-50 text-emerald-800" : "bg-slate-100 text-slate-600"}`}
                  >
                    {e.active ? "enabled" : "disabled"}
                  </span>
                </p>
                <p className="break-all font-mono text-xs text-slate-600">{e.url}</p>
                <p className="mt-1 text-xs text-slate-500">
                  {e.events.join(", ")} · {e.pending} pending · {e.failed} failed · added{" "}
                  {formatWhen(e.created_at)}
                </p>
              </div>
              <div className="flex flex-wrap gap-1">
                <button
                  type="button"
                  className={buttonClass("secondary")}
                  onClick={() => setOpen(open === e.id ? null : e.id)}
                  aria-expanded={open === e.id}
                >
                  Deliveries
                </button>
                <button
                  type="button"
                  className={buttonClass("secondary")}
                  disabled={update.isPending}
                  onClick={() => update.mutate({ id: e.id, patch: { active: !e.active } })}
                >
                  {e.active ? "Disable" : "Enable"}
                </button>
                <button
                  type="button"
                  className={buttonClass("secondary")}
                  disabled={rotate.isPending}
                  onClick={() => {
                    if (window.confirm(`Rotate the secret of ${e.name}? The old one stops working at once.`))
                      rotate.mutate(e);
                  }}
                >
                  Rotate secret
                </button>
                <button
                  type="button"
                  className={buttonClass("danger")}
                  disabled={remove.isPending}
                  onClick={() => {
                    if (window.confirm(`Delete ${e.name} and its delivery log?`)) remove.mutate(e.id);
                  }}
                >
                  Delete
                </button>
              </div>
            </div>
            {open === e.id && <DeliveryLog endpointId={e.id} />}
          </li>
        ))}
      </ul>
      {(update.error ?? rotate.error ?? remove.error) && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {errorText(update.error ?? rotate.error ?? remove.error)}
        </p>
      )}
    </div>
  );
}

function EventPicker({ value, onChange }: { value: string[]; onChange: (events: string[]) => void }) {
  return (
    <fieldset className="text-sm md:col-span-3">
      <legend>Events</legend>
      <div className="mt-1 grid gap-1 sm:grid-cols-2 lg:grid-cols-3">
        {INTEGRATION_EVENTS.map((event) => (
          <label key={event} className="flex items-center gap-2 font-mono text-xs">
            <input
              type="checkbox"
              checked={value.includes(event)}
              onChange={(e) =>
                onChange(e.target.checked ? [...value, event] : value.filter((v) => v !== event))
              }
            />
            {event}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function DeliveryLog({ endpointId }: { endpointId: string }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState("");
  const log = useInfiniteQuery({
    queryKey: deliveriesKey(endpointId, status),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      api<{ data: DeliveryDto[]; next_cursor: string | null }>(
        `/api/v1/webhook-endpoints/${endpointId}/deliveries?${new URLSearchParams({
          ...(pageParam ? { cursor: pageParam } : {}),
          ...(status ? { status } : {}),
        })}`,
      ),
    getNextPageParam: (last) => last.next_cursor,
  });
  const redeliver = useMutation({
    mutationFn: (id: number) =>
      api(`/api/v1/webhook-endpoints/${endpointId}/deliveries/${id}/redeliver`, { method: "POST" }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["integrations"] }),
  });
  const rows = log.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <div className="mt-3 border-t border-slate-100 pt-3" aria-label="Delivery log">
      <div className="flex items-center gap-2">
        <select
          className={`${inputClass} max-w-40`}
          aria-label="Delivery status"
          value={status}
          onChange={(e) => setStatus(e.target.value)}
        >
          <option value="">All</option>
          <option value="pending">Pending</option>
          <option value="delivered">Delivered</option>
          <option value="failed">Failed</option>
        </select>
        <button
          type="button"
          className={buttonClass("ghost")}
          onClick={() => void log.refetch()}
          disabled={log.isFetching}
        >
          Refresh
        </button>
      </div>
      <ErrorNote error={log.error ?? redeliver.error} />
      {log.isPending && <p className="mt-2 text-sm text-slate-500">Loading…</p>}
      {log.data && rows.length === 0 && <p className="mt-2 text-sm text-slate-500">No deliveries yet.</p>}
      {rows.length > 0 && (
        <table className="mt-2 w-full border-collapse text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs uppercase text-slate-500">
              <th className="py-1.5 pr-3">#</th>
              <th className="py-1.5 pr-3">Event</th>
              <th className="py-1.5 pr-3">Status</th>
              <th className="py-1.5 pr-3">Response</th>
              <th className="py-1.5 pr-3">Attempts</th>
              <th className="py-1.5 pr-3">Created</th>
              <th className="py-1.5" />
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id} className="border-b border-slate-100 align-top" data-testid="webhook-delivery">
                <td className="py-1.5 pr-3 font-mono text-xs">{d.id}</td>
                <td className="py-1.5 pr-3 font-mono text-xs">
                  <details>
                    <summary className="cursor-pointer">{d.event_type}</summary>
                    <pre className="mt-1 max-w-md overflow-x-auto rounded bg-slate-50 p-2 text-[11px]">
                      {JSON.stringify(d.payload, null, 2)}
                    </pre>
                  </details>
                </td>
                <td className="py-1.5 pr-3">
                  <StatusBadge status={d.status} />
                </td>
                <td className="py-1.5 pr-3 text-xs">
                  {d.last_status_code ? `HTTP ${d.last_status_code}` : ""}
                  {d.last_error && d.last_error !== `HTTP ${d.last_status_code}` && (
                    <span className="block text-red-700">{d.last_error}</span>
                  )}
                  {d.last_response_body && (
                    <details data-testid="webhook-delivery-response">
                      <summary className="cursor-pointer text-slate-600">
                        Response body{d.last_response_truncated ? " (first 2 KB)" : ""}
                      </summary>
                      <pre className="mt-1 max-h-64 max-w-md overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 text-[11px]">
                        {d.last_response_body}
                        {d.last_response_truncated && (
                          <span className="text-slate-400">{"\n"}… truncated</span>
                        )}
                      </pre>
                    </details>
                  )}
                  {d.status === "pending" && d.attempts > 0 && (
                    <span className="block text-slate-500">next try {formatWhen(d.next_attempt_at)}</span>
                  )}
                  {d.delivered_at && (
                    <span className="block text-slate-500">{formatWhen(d.delivered_at)}</span>
                  )}
                </td>
                <td className="py-1.5 pr-3">{d.attempts}</td>
                <td className="py-1.5 pr-3 text-xs">{formatWhen(d.created_at)}</td>
                <td className="py-1.5 text-right">
                  {d.status !== "pending" && (
                    <button
                      type="button"
                      className={buttonClass("secondary")}
                      disabled={redeliver.isPending}
                      onClick={() => redeliver.mutate(d.id)}
                    >
                      Redeliver
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {log.hasNextPage && (
        <button
          type="button"
          className={`mt-2 ${buttonClass("ghost")}`}
          disabled={log.isFetchingNextPage}
          onClick={() => void log.fetchNextPage()}
        >
          Older deliveries
        </button>
      )}
    </div>
  );
}

function StatusBadge({ status }: { status: string }) {
  const tone =
    status === "delivered"
      ? "bg-emerald-50 text-emerald-800"
      : status === "failed"
        ? "bg-red-50 text-red-800"
        : "bg-amber-50 text-amber-800";
  return <span className={`rounded px-1.5 py-0.5 text-xs ${tone}`}>{status}</span>;
}
