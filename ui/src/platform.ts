// The keyboard's command key: ⌘ on macOS, Ctrl elsewhere (Windows, Linux), as each OS's own
// apps use it.

/** Whether Rollcall runs on a Mac (from the web view's user agent). */
export function isMac(userAgent: string = navigator.userAgent): boolean {
  return /Mac|iPhone|iPad/.test(userAgent);
}

/** How a shortcut with the command key is written on this OS: "⌘K" or "Ctrl+K". */
export function shortcutLabel(key: string, mac: boolean = isMac()): string {
  return mac ? `⌘${key.toUpperCase()}` : `Ctrl+${key.toUpperCase()}`;
}

/** Whether `e` is the command key with `key` (⌘ on macOS, Ctrl elsewhere; not both). */
export function isShortcut(
  e: { key: string; metaKey: boolean; ctrlKey: boolean; altKey: boolean },
  key: string,
  mac: boolean = isMac(),
): boolean {
  const command = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
  return command && !e.altKey && e.key.toLowerCase() === key.toLowerCase();
}
