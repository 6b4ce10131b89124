import { proxyToApi } from "@/lib/proxy.ts";

export const dynamic = "force-dynamic";

export const GET = proxyToApi;
export const POST = proxyToApi;
