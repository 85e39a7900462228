import { NumbersPanel } from "@/components/admin/numbers-panel";

export default function NumbersPage() {
  return <NumbersPanel />;
}
