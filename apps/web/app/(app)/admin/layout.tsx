import type { ReactNode } from "react";
import { AdminTabs } from "./AdminTabs.tsx";

export default function AdminLayout({ children }: { children: ReactNode }) {
  return (
    <div>
      <AdminTabs />
      {children}
    </div>
  );
}
