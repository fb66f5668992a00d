// How a sync that did not finish is told: nothing for one already running, a cancel as a
// warning that says so when it was the organisation the admin just left.
import { describe, expect, it } from "vitest";
import { CommandError } from "./api";
import type { ErrorCode } from "./bindings";
import { failedNotice } from "./sync";

const error = (code: ErrorCode, message: string) => new CommandError({ code, message });

describe("failedNotice", () => {
  it("says nothing of a sync already running (that one reports)", () => {
    expect(failedNotice(error("SyncRunning", "A sync is already running."))).toBeNull();
  });

  it("tells a cancel as a warning in Rust's words", () => {
    const cancelled = error("Cancelled", "the sync was cancelled; the previous data is unchanged");
    expect(failedNotice(cancelled)).toEqual({
      kind: "warn",
      text: "the sync was cancelled; the previous data is unchanged",
    });
  });

  it("names the organisation left when opening another stopped its sync", () => {
    const n = failedNotice(error("Cancelled", "the sync was cancelled"), true);
    expect(n?.kind).toBe("warn");
    expect(n?.text).toMatch(/organisation you left/);
  });

  it("reports anything else as an error with its message", () => {
    expect(failedNotice(error("Offline", "JumpCloud could not be reached."))).toEqual({
      kind: "error",
      text: "JumpCloud could not be reached.",
    });
  });
});
