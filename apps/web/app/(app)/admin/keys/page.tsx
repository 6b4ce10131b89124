import type { Metadata } from "next";
import { KeysView } from "./KeysView.tsx";

export const metadata: Metadata = { title: "API keys" };

export default function KeysPage() {
  return <KeysView />;
}
