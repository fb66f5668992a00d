// Finding and answering native OS dialogs (GTK windows under Xvfb) by their title.
// A dialog opened from Rust is a separate top-level window the WebDriver cannot see; the
// click that opened it returns at once. Cancel has the initial focus in GTK message dialogs,
// so plain Return answers Cancel; OK is alt+o, or alt+<letter> for a custom OK label (Rollcall
// labels its OK buttons "_Lock", "_Wipe", "_Remove", … so the first letter is the mnemonic).
import { execFileSync } from "node:child_process";
import { sleep } from "./webdriver.mjs";

function xdotool(args) {
  try {
    return execFileSync("xdotool", args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return "";
  }
}

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Polls until a window titled exactly `title` is visible; returns its X window id. */
export async function findDialog(title, timeout = 10_000) {
  const until = Date.now() + timeout;
  while (Date.now() < until) {
    const ids = xdotool([
      "search",
      "--onlyvisible",
      "--name",
      `^${escapeRegex(title)}$`,
    ]);
    if (ids) return ids.split("\n")[0];
    await sleep(150);
  }
  throw new Error(
    `no native dialog titled "${title}" appeared within ${timeout} ms`,
  );
}

/** True while a window titled `title` is visible. */
export function dialogVisible(title) {
  return (
    xdotool([
      "search",
      "--onlyvisible",
      "--name",
      `^${escapeRegex(title)}$`,
    ]) !== ""
  );
}

/** Answers the dialog titled `title` with "ok" or "cancel" and waits until it closes.
 * `okKey` is the OK button's mnemonic (default alt+o for GTK's own "_OK"). */
export async function answerDialog(
  title,
  answer,
  timeout = 10_000,
  okKey = "alt+o",
) {
  const id = await findDialog(title, timeout);
  const keys = answer === "ok" ? [okKey] : ["Escape"];
  xdotool(["windowactivate", "--sync", id]);
  xdotool(["windowfocus", "--sync", id, "key", "--clearmodifiers", ...keys]);
  const until = Date.now() + timeout;
  while (Date.now() < until) {
    if (!dialogVisible(title)) return;
    await sleep(100);
  }
  throw new Error(
    `native dialog "${title}" did not close after answering ${answer}`,
  );
}

/** Answers a native "save file" dialog titled `title` by typing the full `path` and Return. */
export async function answerSaveDialog(title, path, timeout = 10_000) {
  await typePath(title, path, "ctrl+a", timeout);
}

/** Answers a native "open file" dialog: typing a "/" opens GTK's location field, then the path. */
export async function answerOpenDialog(title, path, timeout = 10_000) {
  await typePath(title, path, "", timeout);
}

async function typePath(title, path, firstKey, timeout) {
  const id = await findDialog(title, timeout);
  xdotool(["windowactivate", "--sync", id]);
  await sleep(300);
  if (firstKey)
    xdotool(["windowfocus", "--sync", id, "key", "--clearmodifiers", firstKey]);
  else {
    // The first "/" opens the location field; give it a moment before the rest.
    xdotool(["windowfocus", "--sync", id, "type", path.slice(0, 1)]);
    path = path.slice(1);
    await sleep(400);
  }
  await sleep(200);
  xdotool(["type", "--delay", "5", path]);
  xdotool(["key", "--clearmodifiers", "Return"]);
  const until = Date.now() + timeout;
  while (Date.now() < until) {
    if (!dialogVisible(title)) return;
    await sleep(100);
  }
  throw new Error(`save dialog "${title}" did not close`);
}
