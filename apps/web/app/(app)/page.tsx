import type { Metadata } from "next";
import { Suspense } from "react";
import { SearchDesk } from "./SearchDesk.tsx";

export const metadata: Metadata = { title: "Search" };

export default function SearchPage() {
  return (
    <Suspense>
      <SearchDesk />
    </Suspense>
  );
}
