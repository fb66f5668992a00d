// A person's last successful login, asked of JumpCloud now (any service, 90 days).
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands } from "../../bindings";
import { errorText, unwrap } from "../../api";
import { keys } from "../../queryKeys";
import { when } from "../../format";

export function LastLogin() {
  const [text, setText] = useState("");
  const [asked, setAsked] = useState("");
  const q = useQuery({
    queryKey: keys.lastLogin(asked),
    queryFn: () => unwrap(commands.eventsLastLogin(asked)),
    enabled: asked !== "",
  });
  return (
    <form
      className="insights-line"
      data-testid="insights-last-login"
      onSubmit={(e) => {
        e.preventDefault();
        setAsked(text.trim());
      }}
    >
      <input
        className="input"
        aria-label="Username for last login"
        placeholder="Username"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" className="btn small" disabled={!text.trim()}>
        Last login
      </button>
      {q.isError && <span className="error-text">{errorText(q.error)}</span>}
      {q.isSuccess &&
        (q.data ? (
          <span>
            {asked}: {when(q.data.at)} · {q.data.event_type} · {q.data.service}
            {q.data.device ? ` · ${q.data.device}` : ""}
          </span>
        ) : (
          <span className="muted">{asked}: no successful login in the last 90 days.</span>
        ))}
    </form>
  );
}
