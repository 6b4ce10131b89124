"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";
import { SearchIcon } from "@/components/icons.tsx";
import { ResultList } from "@/components/ResultList.tsx";
import { Alert, Button, EmptyState, SelectField, Spinner, TextField } from "@/components/ui.tsx";
import { plural } from "@/lib/format.ts";
import { errorMessage } from "@/lib/gql.ts";
import { COLLECTIONS, RECENT, SEARCH, SEARCH_BY_EXAMPLE } from "@/lib/queries.ts";
import { activeFilterCount, parseSearch, type SearchState, serializeSearch, toFilter } from "@/lib/search-params.ts";
import type { AudioSummary, Connection, SearchHit, SearchMode } from "@/lib/types.ts";
import { useQuery } from "@/lib/use-query.ts";
import styles from "./search.module.css";

const EXAMPLES = [
  "heavy rain",
  "footsteps in snow",
  "a door closing",
  "a wolf howling",
  "birds chirping",
  "fireworks popping",
  "a big cat snarling",
];

const MODES: Array<{ value: SearchMode; label: string; hint: string }> = [
  { value: "HYBRID", label: "Hybrid", hint: "sound and catalogue text, fused" },
  { value: "CONTENT", label: "Content", hint: "what it sounds like" },
  { value: "METADATA", label: "Metadata", hint: "titles, tags, descriptions" },
];

const PAGE = 20;

type SearchResult = Connection<SearchHit> & { model: { name: string; version: string } | null };

function ModeSwitch({ value, onChange }: { value: SearchMode; onChange: (m: SearchMode) => void }) {
  return (
    <fieldset className={styles.modes}>
      <legend className="visually-hidden">Search mode</legend>
      {MODES.map((m) => (
        <label
          key={m.value}
          className={styles.mode}
          title={m.hint}
          data-checked={value === m.value ? "true" : undefined}
        >
          <input
            type="radio"
            name="mode"
            value={m.value}
            checked={value === m.value}
            onChange={() => onChange(m.value)}
            className="visually-hidden"
          />
          {m.label}
        </label>
      ))}
    </fieldset>
  );
}

function FiltersPanel({ state, onApply }: { state: SearchState; onApply: (s: SearchState) => void }) {
  const collections = useQuery<{ collections: Connection<{ id: string; name: string }> }>(COLLECTIONS, { first: 100 });
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? "").trim();
    const list = (k: string) =>
      text(k)
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    onApply({
      ...state,
      collection: text("collection"),
      minDur: text("minDur"),
      maxDur: text("maxDur"),
      categories: list("category"),
      tags: list("tags"),
      licences: list("licence"),
      from: text("from"),
      to: text("to"),
    });
  }
  return (
    <form className={styles.filters} onSubmit={submit} aria-label="Filters" key={serializeSearch(state)}>
      <SelectField label="Collection" name="collection" defaultValue={state.collection}>
        <option value="">All sounds</option>
        {collections.data?.collections.edges.map(({ node }) => (
          <option key={node.id} value={node.id}>
            {node.name}
          </option>
        ))}
      </SelectField>
      <div className={styles.pair}>
        <TextField
          label="Min length (s)"
          name="minDur"
          type="number"
          min={0}
          step="any"
          inputMode="decimal"
          defaultValue={state.minDur}
        />
        <TextField
          label="Max length (s)"
          name="maxDur"
          type="number"
          min={0}
          step="any"
          inputMode="decimal"
          defaultValue={state.maxDur}
        />
      </div>
      <TextField
        label="Category"
        name="category"
        defaultValue={state.categories.join(", ")}
        hint="Any of, comma-separated"
      />
      <TextField label="Tags" name="tags" defaultValue={state.tags.join(", ")} hint="All of, comma-separated" />
      <TextField label="Licence" name="licence" defaultValue={state.licences.join(", ")} hint="e.g. CC0, CC BY 3.0" />
      <div className={`${styles.pair} ${styles.dates}`}>
        <TextField label="Uploaded from" name="from" type="date" defaultValue={state.from} />
        <TextField label="Uploaded until" name="to" type="date" defaultValue={state.to} />
      </div>
      <div className={styles.filterActions}>
        <Button type="submit" variant="primary">
          Apply filters
        </Button>
        <Button
          variant="ghost"
          onClick={() =>
            onApply({
              ...state,
              collection: "",
              minDur: "",
              maxDur: "",
              categories: [],
              tags: [],
              licences: [],
              from: "",
              to: "",
            })
          }
        >
          Clear
        </Button>
      </div>
    </form>
  );
}

/** The archivist's desk: one query box, mode and filters in the URL, results to audition by keyboard. */
export function SearchDesk() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const state = useMemo(() => parseSearch(new URLSearchParams(params.toString())), [params]);
  const [draft, setDraft] = useState(state.q);
  const [first, setFirst] = useState(PAGE);
  const [showFilters, setShowFilters] = useState(activeFilterCount(state) > 0);
  const input = useRef<HTMLInputElement>(null);
  const [exampleState, setExampleState] = useState<{ busy: boolean; error: string | null }>({
    busy: false,
    error: null,
  });

  // Back/forward and shared links change the URL: the box follows it.
  const searchIdentity = `${state.q}\n${state.example}`;
  useEffect(() => {
    setDraft(searchIdentity.split("\n")[0] ?? "");
    setFirst(PAGE);
  }, [searchIdentity]);

  // What the results answer: an example clip, a description, or (neither) the newest sounds.
  const kind = state.example ? "example" : state.q ? "text" : "recent";
  const filter = toFilter(state);
  const searchVars = { query: state.q, mode: state.mode, filter, first };
  const exampleVars = { exampleId: state.example, filter, first };
  const recentVars = { filter: { ...filter, statuses: ["READY"] }, first };
  const search = useQuery<{ searchAudio: SearchResult }>(SEARCH, searchVars, kind !== "text");
  const byExample = useQuery<{ searchByExample: SearchResult }>(SEARCH_BY_EXAMPLE, exampleVars, kind !== "example");
  const recent = useQuery<{ audios: Connection<AudioSummary> }>(RECENT, recentVars, kind !== "recent");

  const go = (next: SearchState, replace = false) => {
    const url = `${pathname}${serializeSearch(next)}`;
    if (replace) router.replace(url, { scroll: false });
    else router.push(url, { scroll: false });
  };

  function submit(e: FormEvent) {
    e.preventDefault();
    const q = draft.trim();
    if (q.length > 1000) return;
    go({ ...state, q, example: "", exampleName: "" });
  }

  async function searchByExample(file: File) {
    setExampleState({ busy: true, error: null });
    const body = new FormData();
    body.append("file", file, file.name);
    try {
      const res = await fetch("/v1/examples", { method: "POST", body, headers: { "x-earshot-csrf": "1" } });
      const json = (await res.json().catch(() => null)) as { exampleId?: string; error?: { message: string } } | null;
      if (!res.ok || !json?.exampleId) throw new Error(json?.error?.message ?? `The server answered ${res.status}.`);
      setExampleState({ busy: false, error: null });
      go({ ...state, q: "", example: json.exampleId, exampleName: file.name });
    } catch (err) {
      setExampleState({ busy: false, error: `Could not use “${file.name}” as an example: ${errorMessage(err)}` });
    }
  }

  const filters = activeFilterCount(state);
  const result =
    kind === "text" ? search.data?.searchAudio : kind === "example" ? byExample.data?.searchByExample : null;
  const hits = result?.edges.map((e) => e.node) ?? [];
  const recentItems = kind === "recent" ? (recent.data?.audios.edges.map((e) => ({ asset: e.node })) ?? []) : [];
  const active = kind === "text" ? search : kind === "example" ? byExample : recent;
  const activeKey = JSON.stringify(kind === "text" ? searchVars : kind === "example" ? exampleVars : recentVars);
  const hasMore = kind === "recent" ? recent.data?.audios.pageInfo.hasNextPage : result?.pageInfo.hasNextPage;
  const items = kind === "recent" ? recentItems : hits;
  const firstLoad = active.loading && !active.data;

  return (
    <div className={styles.desk}>
      <section className={styles.hero} aria-label="Search">
        <search>
          <form className={styles.searchForm} onSubmit={submit}>
            <label htmlFor="q" className="visually-hidden">
              Describe the sound you are looking for
            </label>
            <SearchIcon size={22} className={styles.searchIcon} />
            <input
              ref={input}
              id="q"
              name="q"
              type="search"
              className={styles.query}
              placeholder="Describe what you hear, e.g. “a door creaks open, then slams”"
              value={draft}
              maxLength={1000}
              autoComplete="off"
              spellCheck={false}
              // biome-ignore lint/a11y/noAutofocus: the query box is the whole point of this page.
              autoFocus={!state.q}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                // Down arrow leaves the box for the results (then j/k, space, enter).
                if (e.key === "ArrowDown" && items.length) {
                  e.preventDefault();
                  document.querySelector<HTMLElement>("[data-results] li[tabindex='0']")?.focus();
                }
              }}
            />
            <Button type="submit" variant="primary" size="lg" className={styles.searchButton}>
              Search
            </Button>
          </form>
        </search>
        {exampleState.error ? <Alert>{exampleState.error}</Alert> : null}
        <div className={styles.controls}>
          {kind === "example" ? (
            <span className={styles.exampleChip}>
              Sounds like <strong>{state.exampleName || "your clip"}</strong>
              <button
                type="button"
                aria-label="Clear the example clip"
                onClick={() => go({ ...state, example: "", exampleName: "" })}
              >
                ×
              </button>
            </span>
          ) : (
            <ModeSwitch value={state.mode} onChange={(mode) => go({ ...state, mode }, true)} />
          )}
          <label className={styles.examplePicker} aria-busy={exampleState.busy}>
            {exampleState.busy ? "Listening to your clip…" : "Search by example clip"}
            <input
              type="file"
              accept="audio/*,.wav,.ogg,.flac,.mp3,.m4a,.aif,.aiff"
              className="visually-hidden"
              disabled={exampleState.busy}
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = "";
                if (file) void searchByExample(file);
              }}
            />
          </label>
          <Button
            variant={filters ? "secondary" : "ghost"}
            aria-expanded={showFilters}
            aria-controls="filters"
            onClick={() => setShowFilters((v) => !v)}
          >
            Filters{filters ? ` (${filters})` : ""}
          </Button>
          <p className={styles.keys}>
            <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>space</kbd> listen · <kbd>enter</kbd> open
          </p>
        </div>
        <div id="filters" hidden={!showFilters}>
          {showFilters ? <FiltersPanel state={state} onApply={(s) => go(s)} /> : null}
        </div>
        {kind === "recent" ? (
          <div className={styles.examples}>
            <span className={styles.examplesLabel}>Try:</span>
            {EXAMPLES.map((ex) => (
              <button key={ex} type="button" className={styles.example} onClick={() => go({ ...state, q: ex })}>
                {ex}
              </button>
            ))}
          </div>
        ) : null}
      </section>

      <section
        className={styles.results}
        aria-labelledby="results-heading"
        data-results
        // "current" once the rows answer the search in the URL (tests and screen readers wait for it).
        data-shown={active.dataKey === activeKey && !active.loading ? "current" : "stale"}
      >
        <div className={styles.status}>
          <h2 id="results-heading" className={styles.statusText} aria-live="polite">
            {kind === "example"
              ? result
                ? `${hits.length}${hasMore ? "+" : ""} ${hits.length === 1 ? "sound" : "sounds"} like “${state.exampleName || "your clip"}”`
                : "Listening for similar sounds…"
              : kind === "text"
                ? result
                  ? `${hits.length}${hasMore ? "+" : ""} ${hits.length === 1 ? "sound" : "sounds"} for “${state.q}”`
                  : `Searching for “${state.q}”…`
                : recent.data
                  ? `Recently added · ${plural(recent.data.audios.totalCount ?? recentItems.length, "sound")} in this archive`
                  : "Recently added"}
          </h2>
          <span className={styles.statusMeta}>
            {active.loading ? <Spinner label="Searching" /> : null}
            {result?.model && (kind === "example" || state.mode !== "METADATA")
              ? `model ${result.model.name} ${result.model.version}`
              : null}
          </span>
        </div>

        {active.error ? (
          <Alert>
            {errorMessage(active.error)}{" "}
            <button type="button" className={styles.linkButton} onClick={() => void active.refetch()}>
              Try again
            </button>
          </Alert>
        ) : null}

        {!firstLoad && !active.error && items.length === 0 ? (
          kind === "example" ? (
            <EmptyState title="Nothing sounds like this clip">
              <p>Try a longer or cleaner clip, clear the filters, or describe the sound in words instead.</p>
            </EmptyState>
          ) : kind === "text" ? (
            <EmptyState title="No sounds matched">
              <p>
                Try describing the sound itself rather than its source (“crackling fire” instead of “campfire.wav”),
                {state.mode === "METADATA"
                  ? " switch to Content or Hybrid mode,"
                  : " switch to Metadata mode to match titles and tags,"}
                {filters ? " or clear the filters." : " or use fewer words."}
              </p>
            </EmptyState>
          ) : (
            <EmptyState title="This archive has no sounds yet">
              <p>Upload recordings on the Upload page; they appear here once processed.</p>
            </EmptyState>
          )
        ) : (
          <ResultList
            items={items}
            label={kind === "recent" ? "Recently added sounds" : "Search results"}
            loading={active.loading}
            keyboard
          />
        )}

        {hasMore && first < 100 ? (
          <div className={styles.more}>
            <Button onClick={() => setFirst((f) => Math.min(100, f + PAGE))} disabled={active.loading}>
              Show more
            </Button>
          </div>
        ) : null}
      </section>
    </div>
  );
}
