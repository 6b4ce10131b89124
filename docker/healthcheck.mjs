// Container HEALTHCHECK without curl: exits 0 when the process answers 2xx on loopback within 4 s.
// Usage: node docker/healthcheck.mjs PORT_VARIABLE=default-port /path   (e.g. API_PORT=4000 /healthz)
const [portSpec = "", path = "/healthz"] = process.argv.slice(2);
const [variable, fallback] = portSpec.split("=");
const port = process.env[variable] || fallback;
if (!/^\d+$/.test(port ?? "")) {
  console.error(`healthcheck: no port in ${variable} (usage: healthcheck.mjs PORT_VARIABLE=default /path)`);
  process.exit(2);
}
try {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(4000) });
  if (!res.ok) console.error(`healthcheck: ${path} answered ${res.status}`);
  process.exit(res.ok ? 0 : 1);
} catch (err) {
  console.error(`healthcheck: ${err.message}`);
  process.exit(1);
}
