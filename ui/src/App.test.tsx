import { describe, expect, it } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import { App } from "./App";
import { VIEWS } from "./views";

const info = {
  name: "Rollcall",
  version: "9.8.7",
  profile: "debug",
  dataDir: "/tmp/rc/data",
  logFile: "/tmp/rc/logs/rollcall.2026-01-01.log",
  demo: false,
  platform: "linux x86_64",
};

function renderApp(demo: boolean) {
  mockIPC((cmd) => {
    if (cmd === "app_info") return { ...info, demo };
    throw new Error(`unexpected command ${cmd}`);
  });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>,
  );
}

describe("App frame", () => {
  it("opens every sidebar view and says plainly that it is not built yet", () => {
    renderApp(false);
    for (const v of VIEWS) {
      fireEvent.click(screen.getByTestId(`nav-${v.id}`));
      const view = screen.getByTestId(`view-${v.id}`);
      expect(view.querySelector("h1")?.textContent).toBe(v.label);
      expect(view.textContent).toContain("Not built yet");
    }
  });

  it("shows the version from app_info in the About panel", async () => {
    renderApp(false);
    fireEvent.click(screen.getByTestId("nav-about"));
    expect((await screen.findByTestId("about-version")).textContent).toBe("9.8.7");
    expect(screen.getByTestId("about-log-file").textContent).toContain("rollcall.");
  });

  it("labels the demo organisation in demo mode", async () => {
    renderApp(true);
    await screen.findByText("Demo organisation");
    expect(screen.getByTestId("org-name").textContent).toBe("Demo organisation");
    expect(screen.getByTestId("demo-banner")).toBeTruthy();
  });

  it("says no organisation is connected outside demo mode", async () => {
    renderApp(false);
    await screen.findByText("No organisation connected");
    expect(screen.queryByTestId("demo-banner")).toBeNull();
  });
});
