"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { GqlError, gql } from "./gql.ts";

export interface QueryState<T> {
  data: T | undefined;
  /** The variables (as JSON) `data` answers; differs from the current ones while a newer request runs. */
  dataKey: string | undefined;
  error: unknown;
  /** True while a request is in flight; `data` keeps the previous answer meanwhile (no layout jumps). */
  loading: boolean;
  refetch: () => Promise<void>;
}

/** Sends the signed-out user to the sign-in page, coming back here afterwards. */
export function redirectToSignIn() {
  const next = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/sign-in?next=${encodeURIComponent(next)}`);
}

/**
 * Runs a GraphQL query whenever its variables change; a newer request supersedes an older one.
 * `skip` leaves the state untouched (e.g. an empty search box).
 */
export function useQuery<T>(query: string, variables: Record<string, unknown> = {}, skip = false): QueryState<T> {
  const [data, setData] = useState<T>();
  const [dataKey, setDataKey] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(!skip);
  const key = JSON.stringify(variables);
  const latest = useRef<AbortController | null>(null);

  const run = useCallback(async () => {
    latest.current?.abort();
    const controller = new AbortController();
    latest.current = controller;
    setLoading(true);
    try {
      const result = await gql<T>(query, JSON.parse(key) as Record<string, unknown>, controller.signal);
      if (controller.signal.aborted) return;
      setData(result);
      setDataKey(key);
      setError(undefined);
    } catch (err) {
      if (controller.signal.aborted) return;
      if (err instanceof GqlError && err.code === "UNAUTHENTICATED") return redirectToSignIn();
      setError(err);
    } finally {
      if (!controller.signal.aborted) setLoading(false);
    }
  }, [query, key]);

  useEffect(() => {
    if (skip) {
      latest.current?.abort();
      setLoading(false);
      return;
    }
    void run();
    return () => latest.current?.abort();
  }, [run, skip]);

  return { data, dataKey, error, loading, refetch: run };
}
