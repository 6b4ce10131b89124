import type { Metadata } from "next";
import { Suspense } from "react";
import { AssetView } from "./AssetView.tsx";

export const metadata: Metadata = { title: "Sound" };

export default async function AssetPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense>
      <AssetView id={id} />
    </Suspense>
  );
}
