import { describe, expect, it } from "vitest";
import { isMac, isShortcut, shortcutLabel } from "./platform";

const key = (
  k: string,
  mods: Partial<{ metaKey: boolean; ctrlKey: boolean; altKey: boolean }>,
) => ({
  key: k,
  metaKey: false,
  ctrlKey: false,
  altKey: false,
  ...mods,
});

describe("the command key", () => {
  it("is ⌘ on macOS and Ctrl on Windows and Linux", () => {
    expect(isMac("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15")).toBe(true);
    expect(isMac("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Edg/120")).toBe(
      false,
    );
    expect(isMac("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15")).toBe(false);
    expect(shortcutLabel("k", true)).toBe("⌘K");
    expect(shortcutLabel("k", false)).toBe("Ctrl+K");
    expect(isShortcut(key("k", { metaKey: true }), "k", true)).toBe(true);
    expect(isShortcut(key("k", { ctrlKey: true }), "k", true)).toBe(false);
    expect(isShortcut(key("K", { ctrlKey: true }), "k", false)).toBe(true);
    expect(isShortcut(key("k", { metaKey: true }), "k", false)).toBe(false);
    expect(isShortcut(key("k", { ctrlKey: true, altKey: true }), "k", false)).toBe(false);
  });
});
