import { afterEach } from "vitest";
import { cleanup } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";

afterEach(() => {
  cleanup();
  clearMocks();
});

// jsdom lays nothing out; give elements a size so virtualized tables render their rows.
for (const [prop, value] of [
  ["offsetHeight", 800],
  ["offsetWidth", 1000],
  ["clientHeight", 800],
  ["clientWidth", 1000],
] as const) {
  Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get: () => value });
}

// jsdom has no ResizeObserver (the charts watch their box with one).
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};
