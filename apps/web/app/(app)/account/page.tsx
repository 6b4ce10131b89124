import type { Metadata } from "next";
import { AccountView } from "./AccountView.tsx";

export const metadata: Metadata = { title: "Account" };

export default function AccountPage() {
  return <AccountView />;
}
