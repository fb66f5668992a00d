// A minimal W3C WebDriver client over fetch (Node 20+), enough to drive the real app through
// tauri-driver + WebKitWebDriver. No npm packages: the E2E suite needs nothing but Node.

import { execFileSync } from "node:child_process";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriverError extends Error {}

/** WebDriver's codes for the special keys the suite presses. */
export const Key = {
  Tab: "\uE004",
  Enter: "\uE007",
  Escape: "\uE00C",
  Space: "\uE00D",
  ArrowUp: "\uE013",
  ArrowDown: "\uE015",
};

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async start(base, application, args = []) {
    const body = {
      capabilities: {
        alwaysMatch: {
          browserName: "wry",
          "tauri:options": { application, args },
        },
      },
    };
    const res = await request(base, "POST", "/session", body);
    return new Session(base, res.sessionId ?? res.value?.sessionId);
  }

  cmd(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body).then(
      (r) => r.value,
    );
  }

  async quit() {
    try {
      await this.cmd("DELETE", "");
    } catch {
      // The app may already be gone; nothing to clean up then.
    }
  }

  /** Finds one element by CSS selector, polling until it exists or `timeout` ms pass. */
  async find(css, timeout = 10_000) {
    const until = Date.now() + timeout;
    let last;
    while (Date.now() < until) {
      try {
        const v = await this.cmd("POST", "/element", {
          using: "css selector",
          value: css,
        });
        return new Element(this, v[ELEMENT]);
      } catch (e) {
        last = e;
        await sleep(100);
      }
    }
    throw new WebDriverError(
      `no element matches ${css} after ${timeout} ms: ${last?.message}`,
    );
  }

  /** The textContent of the first element matching `css` (null when none). WebKit's
   * "visible text" skips cells clipped by `overflow: hidden`, so checks read textContent. */
  async textOf(css) {
    return this.execute(
      "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
      [css],
    );
  }

  /** Waits until `css` matches an element whose text contains `text`. */
  async waitForText(css, text, timeout = 10_000) {
    const until = Date.now() + timeout;
    let seen = "";
    while (Date.now() < until) {
      try {
        seen = (await this.textOf(css)) ?? "";
        if (seen.includes(text)) return seen;
      } catch {
        // not there yet
      }
      await sleep(100);
    }
    throw new WebDriverError(
      `${css} never showed "${text}" (last seen: "${seen}")`,
    );
  }

  async title() {
    return this.cmd("GET", "/title");
  }

  async execute(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  /** How long an async script may run before WebDriver stops it (default 30 s). */
  async setScriptTimeout(ms) {
    return this.cmd("POST", "/timeouts", { script: ms });
  }

  async executeAsync(script, args = []) {
    return this.cmd("POST", "/execute/async", { script, args });
  }

  /** Presses keys as a keyboard would (W3C actions): each string is typed character by
   * character; `Key.*` values are single special keys. Goes to the focused element. */
  async keys(...values) {
    const actions = [];
    for (const v of values)
      for (const ch of v)
        actions.push(
          { type: "keyDown", value: ch },
          { type: "keyUp", value: ch },
        );
    await this.cmd("POST", "/actions", {
      actions: [{ type: "key", id: "keyboard", actions }],
    });
    await this.cmd("DELETE", "/actions");
  }

  async screenshot() {
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }
}

export class Element {
  constructor(session, id) {
    this.s = session;
    this.id = id;
  }
  click() {
    return this.s.cmd("POST", `/element/${this.id}/click`, {});
  }
  text() {
    return this.s.cmd("GET", `/element/${this.id}/text`);
  }
  type(text) {
    return this.s.cmd("POST", `/element/${this.id}/value`, { text });
  }
  attribute(name) {
    return this.s.cmd("GET", `/element/${this.id}/attribute/${name}`);
  }
}

const debug = !!process.env.ROLLCALL_E2E_DEBUG;

async function request(base, method, path, body) {
  if (debug)
    console.error(
      `> ${method} ${path} ${body === undefined ? "" : JSON.stringify(body).slice(0, 200)}`,
    );
  const res = await fetch(base + path, {
    method,
    // A session start that hangs must fail the test, not the whole CI run.
    // An async script may run up to the session's script timeout (the benchmark raises it).
    signal: AbortSignal.timeout(
      path === "/session"
        ? 60_000
        : path.endsWith("/execute/async")
          ? 180_000
          : 30_000,
    ),
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WebDriverError(
      `${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 300)}`,
    );
  }
  if (!res.ok || json.value?.error) {
    const v = json.value ?? {};
    throw new WebDriverError(
      `${method} ${path}: ${v.error ?? res.status}: ${v.message ?? text.slice(0, 300)}`,
    );
  }
  return json;
}

export async function waitForDriver(base, timeout = 30_000) {
  const until = Date.now() + timeout;
  while (Date.now() < until) {
    try {
      const r = await fetch(base + "/status");
      if (r.ok) return;
    } catch {
      // tauri-driver not listening yet
    }
    await sleep(200);
  }
  throw new WebDriverError(
    `tauri-driver did not answer on ${base} within ${timeout} ms`,
  );
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on 127.0.0.1 (for a simulator the tests start). */
export function freePort() {
  return Number(
    execFileSync(
      "node",
      [
        "-e",
        'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})',
      ],
      { encoding: "utf8" },
    ).trim(),
  );
}
