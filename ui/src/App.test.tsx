import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import { App } from "./App";
import vocabulary from "./test/vocabulary.json";

const info = {
  name: "Rollcall",
  version: "9.8.7",
  profile: "debug",
  dataDir: "/tmp/rc/data",
  logFile: "/tmp/rc/logs/rollcall.2026-01-01.log",
  demo: false,
  platform: "linux x86_64",
};

const HOSTILE = `<img src=x onerror="window.__pwned=1">Robert'); DROP TABLE users;--`;

const demoOrg = {
  id: "5f0000000000000000000001",
  name: "Northwind Demo Co.",
  region: "US",
  base_url: null,
  send_org_id: false,
  demo: true,
};

function user(i: number, over: Record<string, unknown> = {}) {
  return {
    id: `u${i}`,
    username: `user${i}`,
    email: `user${i}@example.com`,
    firstname: `First${i}`,
    lastname: `Last${i}`,
    displayname: "",
    department: "Sales",
    job_title: "",
    employee_type: "",
    employee_id: "",
    location: "",
    company: "",
    manager_id: null,
    state: "ACTIVATED",
    locked: false,
    locked_at: null,
    mfa_configured: true,
    mfa_status: "",
    password_expired: false,
    password_expires_at: null,
    created: "2025-01-01T00:00:00.000Z",
    json: "",
    ...over,
  };
}

function status(org: typeof demoOrg | null, connectivity: unknown = "Online") {
  return {
    org,
    orgs: org ? [org] : [],
    snapshot: org
      ? {
          state: "complete",
          sync_id: 1,
          as_of: "2026-11-20T10:00:00.000Z",
          users: 3,
          systems: 0,
          groups: 0,
          apps: 0,
          problems: 0,
        }
      : null,
    connectivity,
    access: org
      ? { role: "", user_edit: true, user_delete: true, groups: true, device_commands: true }
      : null,
    syncing: false,
    sync_error: null,
    sync_due: false,
    note: null,
  };
}

type Handler = (args: Record<string, unknown>) => unknown;

function renderApp(handlers: Record<string, Handler>) {
  const calls: string[] = [];
  mockIPC(
    (cmd, args) => {
      calls.push(cmd);
      if (cmd === "app_info") return info;
      if (cmd === "vocabulary") return vocabulary;
      const h = handlers[cmd];
      if (h) return h((args ?? {}) as Record<string, unknown>);
      throw { code: "Internal", message: `unexpected command ${cmd}` };
    },
    { shouldMockEvents: true },
  );
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>,
  );
  return calls;
}

const withDemo: Record<string, Handler> = {
  org_status: () => status(demoOrg),
  users_page: () => ({
    total: 3,
    rows: [user(1), user(2, { firstname: HOSTILE, lastname: "" }), user(3, { state: "SUSPENDED" })],
  }),
  user_facets: () => [
    {
      name: "state",
      counts: [
        { value: "ACTIVATED", count: 2 },
        { value: "SUSPENDED", count: 1 },
      ],
    },
    { name: "locked", counts: [{ value: false, count: 3 }] },
    { name: "mfa", counts: [{ value: true, count: 3 }] },
  ],
  groups_list: () => [],
};

describe("Rollcall", () => {
  it("opens on the connect screen when no organisation is connected", async () => {
    renderApp({ org_status: () => status(null) });
    expect(await screen.findByTestId("connect-screen")).toBeTruthy();
    expect(screen.getByTestId("try-demo")).toBeTruthy();
    expect((screen.getByTestId("connect-key") as HTMLInputElement).type).toBe("password");
  });

  it("shows the reason a connection test failed, in words", async () => {
    renderApp({
      org_status: () => status(null),
      org_test: () => {
        throw { code: "Unauthorized", message: "JumpCloud refused the API key (Unauthorized)." };
      },
    });
    fireEvent.change(await screen.findByTestId("connect-key"), { target: { value: "wrong" } });
    fireEvent.click(screen.getByTestId("connect-test"));
    expect((await screen.findByTestId("connect-error")).textContent).toContain(
      "refused the API key",
    );
  });

  it("lists users from the cache with filter counts, rendering hostile names as text", async () => {
    renderApp(withDemo);
    expect(await screen.findByTestId("row-u1")).toBeTruthy();
    const hostile = screen.getByTestId("row-u2");
    expect(hostile.textContent).toContain("<img src=x");
    expect(hostile.querySelector("img")).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
    expect((await screen.findByTestId("chip-state-SUSPENDED")).textContent).toContain("1");
    expect(screen.getByTestId("demo-banner").textContent).toContain("Demo organisation");
    expect(screen.getByTestId("org-name").textContent).toContain("Northwind Demo Co.");
  });

  it("says offline with the data's date and keeps browsing", async () => {
    renderApp({
      ...withDemo,
      org_status: () => status(demoOrg, { Offline: "Cannot reach JumpCloud" }),
    });
    expect((await screen.findByTestId("row-u1")).textContent).toContain("First1");
    expect(screen.getByTestId("connection-state").textContent).toMatch(
      /^Offline — data as of 2026-11-20/,
    );
    expect((screen.getByTestId("sync-now") as HTMLButtonElement).disabled).toBe(true);
  });

  it("shows disabled actions with their reason in the user panel", async () => {
    renderApp({
      ...withDemo,
      user_detail: () => ({
        user: user(1),
        groups: [],
        devices: [],
        apps: [],
        admin_role: null,
        last_login: null,
        manager: null,
        recent_events: [],
      }),
      action_options: () => [
        {
          request: { kind: "UserSuspend", user_id: "u1" },
          label: "Suspend",
          reason: null,
          confirm: false,
        },
        {
          request: { kind: "UserUnlock", user_id: "u1" },
          label: "Unlock",
          reason: "First1 Last1 is not locked out.",
          confirm: false,
        },
      ],
      audit_list: () => [],
    });
    fireEvent.click(await screen.findByTestId("row-u1"));
    const panel = await screen.findByTestId("user-panel");
    expect(
      ((await within(panel).findByTestId("action-unlock")) as HTMLButtonElement).disabled,
    ).toBe(true);
    expect((within(panel).getByTestId("action-suspend") as HTMLButtonElement).disabled).toBe(false);
    expect(within(panel).getByTestId("action-reasons").textContent).toContain("not locked out");
  });

  it("shows the version from app_info in the About panel", async () => {
    renderApp(withDemo);
    fireEvent.click(screen.getByTestId("nav-about"));
    expect((await screen.findByTestId("about-version")).textContent).toBe("9.8.7");
  });
});
