export const dynamic = "force-dynamic";

/** Liveness of the web server itself (used by `pnpm start` to know the UI is up). */
export function GET() {
  return Response.json({ status: "ok" });
}
