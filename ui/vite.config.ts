/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";

// The webview freezes Object.prototype (tauri.conf.json: freezePrototype). ECharts' scheduler
// copies every name of a class prototype, "constructor" included, onto a plain object by
// assignment, which a frozen prototype refuses ("the override mistake"); define them instead.
function echartsFrozenPrototype(): Plugin {
  const from = "target[name_1] = noop;";
  const to =
    "Object.defineProperty(target, name_1, { value: noop, writable: true, configurable: true, enumerable: true });";
  return {
    name: "echarts-frozen-prototype",
    transform(code, id) {
      if (!id.replace(/\\/g, "/").includes("echarts/lib/core/Scheduler.js")) return null;
      if (!code.includes(from)) this.error(`echarts' Scheduler.js no longer has "${from}"`);
      return { code: code.replace(from, to), map: null };
    },
  };
}

// The Tauri shell loads ui/dist (custom-protocol builds) or this dev server (tauri dev).
export default defineConfig({
  plugins: [react(), echartsFrozenPrototype()],
  clearScreen: false,
  server: { host: "127.0.0.1", port: 1420, strictPort: true },
  build: {
    target: "safari16",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // A desktop app reads its chunks from disk; the Reports chunk (ECharts) loads only when
    // that view opens.
    chunkSizeWarningLimit: 700,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
  },
});
