import type { Metadata } from "next";
import { MembersView } from "./MembersView.tsx";

export const metadata: Metadata = { title: "Members" };

export default function MembersPage() {
  return <MembersView />;
}
