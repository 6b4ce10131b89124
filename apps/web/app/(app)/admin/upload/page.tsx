import type { Metadata } from "next";
import { Suspense } from "react";
import { UploadView } from "./UploadView.tsx";

export const metadata: Metadata = { title: "Upload" };

export default function UploadPage() {
  return (
    <Suspense>
      <UploadView />
    </Suspense>
  );
}
