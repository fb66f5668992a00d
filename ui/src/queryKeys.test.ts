// Every screen follows a sync: each query key comes from `keys`, and a sync ("all") makes
// every key of the org's data stale.
import { describe, expect, it } from "vitest";
import { QueryClient } from "@tanstack/react-query";
import { EVERY_ORG, NOT_ORG_DATA, ROOTS, invalidateFor, staleRoots } from "./queryKeys";

/** Every source file of the front end, as text (tests and the generated bindings aside). */
const SOURCES = import.meta.glob<string>(["./**/*.{ts,tsx}", "!./**/*.test.{ts,tsx}"], {
  query: "?raw",
  import: "default",
  eager: true,
});

describe("query keys", () => {
  it("no component writes a key of its own", () => {
    const files = Object.entries(SOURCES);
    expect(files.length).toBeGreaterThan(20);
    const own = files
      .filter(([p]) => !p.endsWith("queryKeys.ts") && !p.endsWith("bindings.ts"))
      // a key written as an array: of literals, or spread from another key
      .filter(([, text]) => /queryKey=?\{?:?\s*\[\s*(["'`]|\.\.\.)/.test(text))
      .map(([p]) => p);
    expect(own).toEqual([]);
  });

  it("a sync makes every key of the org's data stale", () => {
    const all = staleRoots(["all"]);
    for (const root of ROOTS)
      expect(all.has(root), `${root} after a sync`).toBe(!NOT_ORG_DATA.includes(root));
  });

  it("an action on people or devices refreshes the posture and the catalogue", () => {
    // The catalogue's table is two queries: its count (reportTable) and its pages of rows
    // (catalogueRows, keyed by the sync an action does not change). Both must follow.
    for (const kind of ["users", "systems", "groups"] as const) {
      const stale = staleRoots([kind]);
      for (const root of ["posture", "reportTable", "catalogueRows"] as const)
        expect(stale.has(root), `${root} after a change of ${kind}`).toBe(true);
    }
  });

  it("a change in another org refreshes only what reads every org", async () => {
    const qc = new QueryClient();
    for (const root of ["users", "posture", ...EVERY_ORG]) qc.setQueryData([root], 1);
    await invalidateFor(qc, ["all"], "org-b", "org-a");
    const stale = (root: string) => qc.getQueryState([root])?.isInvalidated;
    expect(stale("users")).toBe(false);
    expect(stale("posture")).toBe(false);
    for (const root of EVERY_ORG) expect(stale(root), root).toBe(true);
    await invalidateFor(qc, ["users"], "org-a", "org-a");
    expect(stale("users")).toBe(true);
  });
});
