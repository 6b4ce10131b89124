import type { Metadata } from "next";
import { ModelView } from "./ModelView.tsx";

export const metadata: Metadata = { title: "Model" };

export default function ModelPage() {
  return <ModelView />;
}
