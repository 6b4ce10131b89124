import { proxyToApi } from "@/lib/proxy.ts";

// Uploads, example clips and signed media URLs (see apps/api/README.md), streamed through to the API.
export const dynamic = "force-dynamic";

export const GET = proxyToApi;
export const HEAD = proxyToApi;
export const POST = proxyToApi;
export const PUT = proxyToApi;
export const DELETE = proxyToApi;
