import type { Metadata } from "next";
import { CollectionsView } from "./CollectionsView.tsx";

export const metadata: Metadata = { title: "Collections" };

export default function CollectionsPage() {
  return <CollectionsView />;
}
