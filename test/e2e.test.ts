// An archivist's and an admin's day in real Chromium against the real product: embedder, worker, API and the
// production web build (test/stack.ts), over a fresh database. Screenshots of every page go to docs/screenshots/.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "@earshot/config";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchPage } from "./browser.ts";
import { type Stack, startStack } from "./stack.ts";

const DATA = path.join(repoRoot, "../shared/data/modsounds-dev");
const SHOTS = path.join(repoRoot, "docs/screenshots");

// A small, varied collection: single clips, a zip of three, and a file that is not audio at all.
const CLIPS = [
  "bird_01.ogg",
  "bird_02.ogg",
  "cow_moo_01.ogg",
  "door_close_01.ogg",
  "door_close_02.ogg",
  "door_creak.ogg",
  "door_knock_01.ogg",
  "node_step_snow.1.ogg",
  "node_step_snow.2.ogg",
  "rain_heavy_01.ogg",
  "rain_heavy_02.ogg",
  "wolf_howl.ogg",
  "wolf_snarl.ogg",
  "wind.ogg",
  "fire_crackle.ogg",
  "cicada_01.ogg",
];
const ZIPPED = ["fireworks_pop_01.ogg", "fireworks_pop_02.ogg", "fireworks_pop_03.ogg"];
const CATEGORY: Record<string, string> = {
  bird: "Animals",
  cow: "Animals",
  wolf: "Animals",
  cicada: "Insects",
  door: "Doors",
  step: "Footsteps",
  rain: "Weather",
  wind: "Weather",
  fire: "Fire",
  fireworks: "Explosions",
};

interface Clip {
  file: string;
  label: string;
  author: string;
  licence: string;
}

function manifest(): Map<string, Clip> {
  const rows = readFileSync(path.join(DATA, "manifest.csv"), "utf8").trim().split("\n").slice(1);
  return new Map(
    rows.map((line) => {
      const [file, label, , author, licence] = line.split(",") as [string, string, string, string, string];
      const name = path.basename(file);
      return [name, { file: path.join(DATA, file), label, author, licence }];
    }),
  );
}

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** The catalogue sidecar an archive would send along: title, description, tags, category, licence, recordist. */
function sidecar(clips: Clip[]): string {
  const lines = ["filename,title,description,tags,category,licence,recordist"];
  for (const c of clips) {
    const name = path.basename(c.file);
    const n = /(\d+)\.ogg$/.exec(name)?.[1];
    const title = `${c.label[0]?.toUpperCase()}${c.label.slice(1)}${n ? ` ${Number(n)}` : ""}`;
    const category = CATEGORY[c.label.split(" ")[0] as string] ?? "Effects";
    const cells = [
      name,
      title,
      `${c.label}, recorded by ${c.author}`,
      c.label.split(" ").join(";"),
      category,
      c.licence,
      c.author,
    ];
    lines.push(cells.map(csvCell).join(","));
  }
  return `${lines.join("\n")}\n`;
}

let stack: Stack;
let closeBrowser: () => Promise<void>;
let page: Page;
let tmp: string;
/** Every Content-Security-Policy violation any page reported (the UI must run under its policy without one). */
const cspViolations: string[] = [];

async function shot(name: string, opts: { fullPage?: boolean } = {}) {
  // From the top, so the sticky header is where a person sees it; every waveform drawn (or failed) first.
  if (opts.fullPage !== false) await page.evaluate("window.scrollTo(0, 0)");
  await page.waitForLoadState("networkidle", { timeout: 5000 }).catch(() => {});
  // Polled with a locator: waitForFunction's string predicate is an eval, which the UI's CSP refuses (issue #18).
  await expect.poll(() => page.locator("[data-peaks=loading]").count(), { timeout: 10_000 }).toBe(0);
  expect(await page.locator("[data-peaks=failed]").count()).toBe(0);
  await page.screenshot({
    path: path.join(SHOTS, `${name}.png`),
    fullPage: opts.fullPage ?? true,
    caret: "initial",
    animations: "disabled",
  });
}

interface PartnerAnswer {
  data?: { me?: { tenant: { slug: string } } | null; searchAudio?: { edges: unknown[] } };
  errors?: unknown[];
}

/** GraphQL as a partner calls it: straight to the API with an API key. */
async function partnerGql(bearer: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${stack.apiUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as PartnerAnswer };
}

describe("web UI end to end", () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    tmp = mkdtempSync(path.join(os.tmpdir(), "earshot-e2e-files-"));
    const t0 = Date.now();
    stack = await startStack();
    console.log(
      `e2e: stack (embedder, worker, API, web build + start) up in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    ({ page, close: closeBrowser } = await launchPage());
    await page.addInitScript(`document.addEventListener("securitypolicyviolation", (e) =>
      console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")))`);
    page.on("console", (m) => {
      if (m.text().startsWith("CSP violation") || m.text().includes("Content Security Policy")) {
        cspViolations.push(m.text());
      }
    });
  }, 360_000);

  afterAll(async () => {
    await closeBrowser?.();
    await stack?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  it("signs in, coming back to the page it was sent from", async () => {
    await page.goto(`${stack.webUrl}/collections`);
    await page.waitForURL(/\/sign-in\?next=%2Fcollections/);
    await shot("sign-in", { fullPage: false });
    await page.getByLabel("Email").fill(stack.admin.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("That email and password do not match an account").waitFor();
    await page.getByLabel("Password").fill(stack.admin.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${stack.webUrl}/collections`);
    await page.getByRole("link", { name: "Search" }).first().click();
    await page.getByRole("heading", { name: "This archive has no sounds yet" }).waitFor();
    await page.getByText("Ada Archivist").waitFor();
  }, 60_000);

  it("bulk-uploads clips, a zip and a metadata CSV, and shows progress until done", async () => {
    const clips = manifest();
    const pick = (names: string[]) => names.map((n) => clips.get(n) as Clip);
    const csv = path.join(tmp, "catalogue.csv");
    writeFileSync(csv, sidecar(pick([...CLIPS, ...ZIPPED])));
    const zip = path.join(tmp, "fireworks.zip");
    execFileSync("zip", ["-j", "-q", zip, ...pick(ZIPPED).map((c) => c.file)]);
    const broken = path.join(tmp, "notes.wav");
    writeFileSync(broken, "This is a text file that someone named .wav by mistake.\n".repeat(40));

    await page.goto(`${stack.webUrl}/admin/upload`);
    await page.getByRole("heading", { name: "Upload sounds" }).waitFor();
    const input = page.locator("input[type=file][multiple]:not([webkitdirectory])");
    await input.setInputFiles([...pick(CLIPS).map((c) => c.file), zip, broken, csv]);
    await page.getByText("metadata: catalogue.csv").waitFor();
    await page.getByLabel("Source (optional)").fill("modsounds-dev sample");
    const started = Date.now();
    await page.getByRole("button", { name: "Start upload" }).click();

    // 16 clips + 3 from the zip + the broken file; the zip's own row is replaced by its three items.
    const total = CLIPS.length + ZIPPED.length + 1;
    const counts = page.getByTestId("batch-counts");
    await expect
      .poll(async () => counts.textContent(), { timeout: 150_000, interval: 1000 })
      .toMatch(new RegExp(`^${total - 1} done · 0 duplicate · 1 failed · 0 waiting$`));
    console.log(`e2e: ${total} files uploaded and processed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // The UI closes its batch once every file is sent, so the batch itself reaches DONE.
    await expect
      .poll(async () => {
        const { rows } = await stack.pool.query(
          "SELECT status FROM upload_batches WHERE source = 'modsounds-dev sample'",
        );
        return rows.map((r) => r.status);
      })
      .toEqual(["done"]);
    const failed = page.locator("tr[data-status=FAILED]");
    await expect(await failed.count()).toBe(1);
    const reason = (await failed.textContent()) ?? "";
    expect(reason).toContain("notes.wav");
    expect(reason).toMatch(/NOT_AUDIO|CORRUPT|UNSUPPORTED/);

    // A dropped folder: one new clip and one the archive already has.
    const folder = path.join(tmp, "field-recordings");
    mkdirSync(folder);
    for (const name of ["bird_01.ogg", "node_step_snow.3.ogg"])
      copyFileSync((clips.get(name) as Clip).file, path.join(folder, name));
    await page.locator("input[type=file][webkitdirectory]").setInputFiles(folder);
    await page.getByRole("button", { name: "Start upload" }).click();
    await expect
      .poll(async () => counts.textContent(), { timeout: 60_000, interval: 500 })
      .toMatch(new RegExp(`^${total} done · 1 duplicate · 1 failed · 0 waiting$`));
    await page.locator("tr[data-status=DUPLICATE]", { hasText: "bird_01.ogg" }).waitFor();

    // Retry sends the failed file again (it fails again, for the same reason, as a new item).
    await page.getByRole("button", { name: "Retry notes.wav" }).click();
    await expect
      .poll(
        async () =>
          (await stack.pool.query("SELECT 1 FROM upload_items WHERE filename = 'notes.wav' AND status = 'failed'"))
            .rowCount,
        { timeout: 30_000, interval: 500 },
      )
      .toBe(2);
    await expect.poll(async () => counts.textContent(), { timeout: 30_000 }).toMatch(/ 1 failed · 0 waiting$/);
    await shot("upload");
  }, 180_000);

  it("searches by a description, auditions a result by keyboard and opens it", async () => {
    await page.goto(`${stack.webUrl}/`);
    await page.locator("[data-results][data-shown=current] li[data-asset-id]").first().waitFor();
    await shot("search-recent");
    await page.getByLabel("Describe the sound you are looking for").fill("heavy rain");
    await page.getByLabel("Describe the sound you are looking for").press("Enter");
    await page.waitForURL(/q=heavy\+rain/);
    const rows = page.locator("[data-results] li[data-asset-id]");
    const current = page.locator("[data-results][data-shown=current]");
    await current.waitFor();
    const titles = await rows.locator("a").allTextContents();
    console.log(`e2e: hybrid results for "heavy rain": ${titles.slice(0, 5).join(" | ")}`);
    expect(titles.slice(0, 5).some((t) => /rain/i.test(t))).toBe(true);
    // Filters and mode live in the URL: a shared link reproduces the search.
    await page.getByRole("group", { name: "Search mode" }).getByText("Content", { exact: true }).click();
    await page.waitForURL(/mode=content/);
    await current.waitFor();

    // Keyboard: down from the box into the results, j/k to move, space to audition.
    await page.getByLabel("Describe the sound you are looking for").press("ArrowDown");
    await page.keyboard.press("j");
    await page.keyboard.press("k");
    await page.keyboard.press(" ");
    const bar = page.getByRole("region", { name: "Now playing" });
    await bar.getByRole("button", { name: /^Pause / }).waitFor();
    await expect
      .poll(async () => (await bar.locator("span").first().textContent())?.split(" / ")[0], { timeout: 10_000 })
      .not.toBe("0:00.0");
    await shot("search-results", { fullPage: false });
    await page.keyboard.press(" ");
    await bar.getByRole("button", { name: /^Play / }).waitFor();

    const firstTitle = (await rows.first().locator("a").textContent()) ?? "";
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/assets\/[0-9a-f-]+\?t=/);
    await page.getByRole("heading", { level: 1, name: firstTitle }).waitFor();
  }, 60_000);

  it("accepts a suggested tag, finds similar sounds and adds the sound to a collection", async () => {
    const suggestion = page.getByRole("button", { name: /^Accept suggested tag / }).first();
    await suggestion.waitFor();
    const tag = ((await suggestion.getAttribute("aria-label")) ?? "").replace("Accept suggested tag ", "");
    await suggestion.click();
    await page.getByRole("button", { name: `Remove tag ${tag}` }).waitFor();
    // Persisted, not only shown: ask the API what the asset's tags are now.
    const assetId = new URL(page.url()).pathname.split("/").pop() as string;
    const { rows } = await stack.pool.query<{ tags: string[] }>("SELECT tags FROM audio_assets WHERE id = $1", [
      assetId,
    ]);
    expect(rows[0]?.tags).toContain(tag);

    // Playback and download go through the web origin's proxy, with Range for seeking.
    const media = await page.evaluate(async (id) => {
      const res = await fetch("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: "query($id: ID!) { audio(id: $id) { media { streamUrl downloadUrl } } }",
          variables: { id },
        }),
      });
      const body = (await res.json()) as { data: { audio: { media: { streamUrl: string; downloadUrl: string } } } };
      return body.data.audio.media;
    }, assetId);
    const ranged = await fetch(`${stack.webUrl}${media.streamUrl}`, { headers: { range: "bytes=0-99" } });
    expect(ranged.status).toBe(206);
    expect((await ranged.arrayBuffer()).byteLength).toBe(100);
    const download = await fetch(`${stack.webUrl}${media.downloadUrl}`);
    expect(download.headers.get("content-disposition")).toContain("attachment");
    await download.arrayBuffer();

    await page.getByRole("button", { name: "Similar sounds" }).click();
    const similar = page.getByRole("list", { name: "Similar sounds" }).locator("li[data-asset-id]");
    await similar.first().waitFor();
    expect(await similar.count()).toBeGreaterThan(2);
    expect(await similar.evaluateAll((els) => els.map((e) => e.getAttribute("data-asset-id")))).not.toContain(assetId);

    await page.getByRole("button", { name: "Add to collection" }).click();
    const dialog = page.getByRole("dialog", { name: "Add to collection" });
    await dialog.getByLabel("New collection name").fill("Weather for the radio play");
    await dialog.getByRole("button", { name: "Add", exact: true }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("link", { name: "Weather for the radio play" }).waitFor();
    const stop = page.getByRole("button", { name: "Stop and close the player" });
    if (await stop.isVisible()) await stop.click();
    await page.waitForTimeout(500);
    await shot("asset");

    await page.getByRole("link", { name: "Weather for the radio play" }).click();
    await page.getByRole("heading", { name: "Weather for the radio play" }).waitFor();
    await page.locator("li[data-asset-id]").first().waitFor();
    await shot("collection");
    await page.goto(`${stack.webUrl}/collections`);
    await page.getByText("1 sound ·").waitFor();
    await shot("collections");
  }, 60_000);

  it("lets an admin create an API key that then works against GraphQL, and revoke it", async () => {
    await page.goto(`${stack.webUrl}/admin/keys`);
    await page.getByLabel("Name").fill("Partner site search");
    await page.getByRole("button", { name: "Create key" }).click();
    const secretEl = page.getByTestId("api-key-secret");
    await secretEl.waitFor();
    const secret = ((await secretEl.textContent()) ?? "").trim();
    expect(secret).toMatch(/^esk_/);
    await shot("api-key-created", { fullPage: false });
    await page.getByRole("button", { name: "I have stored it" }).click();
    await expect(await page.getByText(secret).count()).toBe(0);

    const found = await partnerGql(
      secret,
      `query($q: String!) { me { tenant { slug } scopes }
      searchAudio(query: $q, mode: METADATA, first: 5) { edges { node { asset { title } } } } }`,
      { q: "door" },
    );
    expect(found.status).toBe(200);
    expect(found.body.errors).toBeUndefined();
    expect(found.body.data?.me?.tenant.slug).toBe(stack.tenant.slug);
    expect(found.body.data?.searchAudio?.edges.length).toBeGreaterThan(0);
    // The key only searches: an admin mutation is refused.
    const refused = await partnerGql(secret, `mutation { createCollection(input: { name: "nope" }) { id } }`);
    expect(JSON.stringify(refused.body.errors)).toContain("FORBIDDEN");
    await page.reload();
    await page.getByRole("cell", { name: "never" }).waitFor({ state: "detached" });
    await shot("api-keys");

    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Revoke Partner site search" }).click();
    await page.getByText("revoked").waitFor();
    const after = await partnerGql(secret, "{ me { tenant { slug } } }");
    expect(JSON.stringify(after.body)).toMatch(/UNAUTHENTICATED|"me":null/);
  }, 60_000);

  it("invites a member, shows the model and re-indexes", async () => {
    await page.goto(`${stack.webUrl}/admin/members`);
    await page.getByLabel("Email").fill("sam.listener@example.org");
    await page.getByLabel("Name (suggested)").fill("Sam Listener");
    await page.getByLabel("Role", { exact: true }).selectOption("VIEWER");
    await page.getByRole("button", { name: "Invite" }).click();
    await page.getByRole("dialog", { name: "Invitation link" }).waitFor();
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByRole("cell", { name: "sam.listener@example.org", exact: true }).waitFor();
    await shot("members");

    await page.goto(`${stack.webUrl}/admin/model`);
    await page.getByRole("table", { name: "Evaluation metrics" }).waitFor();
    // Re-index with the model already serving: the job has nothing to re-embed and finishes at once.
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Re-index archive" }).click();
    await page.getByText("Every sound has vectors from the model above").waitFor({ timeout: 30_000 });
    await shot("model");
  }, 60_000);

  it("searches by an example clip", async () => {
    await page.goto(`${stack.webUrl}/`);
    const clip = (manifest().get("node_step_snow.4.ogg") as Clip).file;
    await page.getByLabel("Search by example clip").setInputFiles(clip);
    await page.waitForURL(/example=/);
    await page.locator("[data-results][data-shown=current] li[data-asset-id]").first().waitFor();
    await page.getByRole("heading", { name: /sounds like “node_step_snow\.4\.ogg”/ }).waitFor();
    await shot("search-example", { fullPage: false });
  }, 30_000);

  it("switches to another archive the user belongs to, with that archive's role", async () => {
    await page.goto(`${stack.webUrl}/`);
    await page.getByLabel("Archive (tenant)").selectOption(stack.otherTenant.slug);
    await page.getByRole("heading", { name: "This archive has no sounds yet" }).waitFor();
    await page.getByText("viewer", { exact: true }).waitFor();
    // A viewer has no upload or admin pages.
    expect(await page.getByRole("link", { name: "Upload" }).count()).toBe(0);
    await page.getByLabel("Archive (tenant)").selectOption(stack.tenant.slug);
    await page.locator("[data-results][data-shown=current] li[data-asset-id]").first().waitFor();
  }, 30_000);

  it("works on a phone-sized screen and in dark mode", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.webUrl}/?q=${encodeURIComponent("a door closing")}`);
    await page.locator("[data-results][data-shown=current] li[data-asset-id]").first().waitFor();
    await page.waitForTimeout(500);
    await shot("search-mobile", { fullPage: false });
    await page.setViewportSize({ width: 1360, height: 900 });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.reload();
    await page.locator("[data-results][data-shown=current] li[data-asset-id]").first().waitFor();
    await page.waitForTimeout(300);
    await shot("search-dark", { fullPage: false });
    await page.emulateMedia({ colorScheme: "light" });
  }, 30_000);
  // Issue #18: everything above ran under the UI's policy; here the policy itself and what it stops.
  it("runs every page under a nonce CSP without a violation, with frame, sniffing and referrer headers", async () => {
    expect(cspViolations).toEqual([]);
    const pages = await Promise.all([fetch(`${stack.webUrl}/sign-in`), fetch(`${stack.webUrl}/sign-in`)]);
    const nonces = [];
    for (const res of pages) {
      const csp = res.headers.get("content-security-policy") ?? "";
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
      expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'(;|$)/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      // Next.js put this response's nonce on every script it wrote.
      const scripts = (await res.text()).match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
      nonces.push(nonce);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
    const answers = [...pages, await fetch(`${stack.webUrl}/healthz`)];
    for (const res of answers) {
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("same-origin");
    }
    // Injected markup (as an XSS would add it) does not run: its inline handler is refused and reported.
    await page.goto(`${stack.webUrl}/sign-in`);
    const ran = await page.evaluate(`(async () => {
      document.body.insertAdjacentHTML("beforeend", '<img src="/nothing.png" onerror="window.__xss = 1">');
      await new Promise((r) => setTimeout(r, 500));
      return window.__xss === 1;
    })()`);
    expect(ran).toBe(false);
    await expect.poll(() => cspViolations.some((v) => v.includes("script-src"))).toBe(true);
  }, 30_000);
});
