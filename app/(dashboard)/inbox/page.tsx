import { Inbox } from "@/components/inbox/inbox";

export default function InboxPage() {
  return <Inbox />;
}
