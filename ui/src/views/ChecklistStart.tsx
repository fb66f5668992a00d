// Starting a checklist run: a person found by search (offboarding, resets, access requests), a
// new starter's form (onboarding), or several people from a pasted list or a CSV file.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import {
  commands,
  type SearchHit,
  type StartInput,
  type Template,
  type UserProfile,
} from "../bindings";
import { unwrap, useGroups } from "../api";
import { GroupSelect } from "../components/GroupSelect";
import { useUi } from "../context";
import { keys } from "../queryKeys";

export const emptyStart: StartInput = {
  user_id: "",
  group_ids: [],
  new_user: null,
  device_id: null,
  expires_on: null,
};

/** YYYY-MM-DD, `days` from today (UTC, as the engine counts). */
export function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A search box listing users (or devices) to pick one. */
export function SearchPick({
  kind,
  placeholder,
  testid,
  onPick,
}: {
  kind: "user" | "system";
  placeholder: string;
  testid: string;
  onPick: (hit: SearchHit) => void;
}) {
  const [text, setText] = useState("");
  const hits = useQuery({
    queryKey: keys.search(text),
    queryFn: () => unwrap(commands.searchAll(text, 20)),
    enabled: text.trim().length > 0,
  });
  return (
    <div>
      <input
        className="input"
        autoFocus
        placeholder={placeholder}
        value={text}
        data-testid={testid}
        onChange={(e) => setText(e.target.value)}
      />
      <ul className="pick-list">
        {hits.data
          ?.filter((h) => h.kind === kind)
          .map((h) => (
            <li key={h.id}>
              <button
                type="button"
                className="link"
                data-testid={`pick-${kind === "user" ? "person" : "device"}-${h.id}`}
                onClick={() => {
                  onPick(h);
                  setText("");
                }}
              >
                {h.label}
              </button>{" "}
              <span className="muted">{h.detail}</span>
            </li>
          ))}
      </ul>
    </div>
  );
}

/** The one picked (with "change"), or the search to pick it. */
function PickOne({
  value,
  onChange,
  ...search
}: {
  kind: "user" | "system";
  testid: string;
  placeholder: string;
  value: SearchHit | null;
  onChange: (h: SearchHit | null) => void;
}) {
  if (!value) return <SearchPick {...search} onPick={onChange} />;
  return (
    <span>
      <b>{value.label}</b>{" "}
      <button type="button" className="link" onClick={() => onChange(null)}>
        change
      </button>
    </span>
  );
}

/** The form for one run of `template`; `onStarted` gets the new run's id. */
export function Starter({
  template,
  onStarted,
}: {
  template: Template;
  onStarted: (runId: string) => void;
}) {
  const ui = useUi();
  const start = (input: StartInput) =>
    unwrap(commands.checklistStart(template.id, input)).then(onStarted, (e: Error) =>
      ui.notify("error", e.message),
    );
  if (template.base === "onboarding") return <OnboardingForm template={template} start={start} />;
  if (template.base === "access_request")
    return <AccessRequestForm template={template} start={start} />;
  return (
    <div className="picker" data-testid="person-picker">
      <SearchPick
        kind="user"
        testid="person-search"
        placeholder={
          template.base === "offboarding" ? "Who is leaving? Name or email" : "Who? Name or email"
        }
        onPick={(h) => void start({ ...emptyStart, user_id: h.id })}
      />
    </div>
  );
}

/** The user group an access request is for. */
function AccessGroup(props: { id: string; value: string; onChange: (v: string) => void }) {
  return <GroupSelect kind="user" label="Group" empty="Choose the group…" {...props} />;
}

/** The last day of an access grant: today or later. */
function LastDay({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <input
      id={id}
      type="date"
      className="input"
      aria-label="Access until (last day)"
      value={value}
      min={dayFromToday(0)}
      data-testid={id}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

function AccessRequestForm({
  template,
  start,
}: {
  template: Template;
  start: (i: StartInput) => Promise<void>;
}) {
  const [who, setWho] = useState<SearchHit | null>(null);
  const [group, setGroup] = useState("");
  const [expires, setExpires] = useState(
    dayFromToday((template.defaults ?? { groups: [], expiry_days: 0 }).expiry_days || 30),
  );
  return (
    <div className="picker form-grid" data-testid="access-form">
      <span className="label">Person</span>
      <PickOne
        kind="user"
        testid="person-search"
        placeholder="Who needs access?"
        value={who}
        onChange={setWho}
      />
      <label htmlFor="access-group">Group</label>
      <AccessGroup id="access-group" value={group} onChange={setGroup} />
      <label htmlFor="access-expiry">Access until (last day)</label>
      <LastDay id="access-expiry" value={expires} onChange={setExpires} />
      <span />
      <div>
        <button
          type="button"
          className="btn primary"
          disabled={!who || !group || !expires}
          data-testid="access-start"
          onClick={() =>
            who &&
            void start({ ...emptyStart, user_id: who.id, group_ids: [group], expires_on: expires })
          }
        >
          Start access request
        </button>
        <span className="muted small">
          {" "}
          The approval step records the approver and ticket before anything is sent.
        </span>
      </div>
    </div>
  );
}

const PROFILE_FIELDS = [
  ["username", "Username", true],
  ["email", "Email", true],
  ["firstname", "First name", false],
  ["lastname", "Last name", false],
  ["department", "Department", false],
  ["job_title", "Job title", false],
] as const;

/** The new starter's form: profile, groups (the template's baseline ticked), device to bind. */
function OnboardingForm({
  template,
  start,
}: {
  template: Template;
  start: (i: StartInput) => Promise<void>;
}) {
  const [profile, setProfile] = useState<UserProfile>({
    username: "",
    email: "",
    firstname: "",
    lastname: "",
    department: "",
    job_title: "",
    employee_id: "",
    location: "",
  });
  const [chosen, setChosen] = useState<string[]>(
    ((template.defaults ?? { groups: [], expiry_days: 0 }).groups ?? []).map((g) => g.id),
  );
  const [device, setDevice] = useState<SearchHit | null>(null);
  const ready = profile.username.trim() !== "" && profile.email.includes("@");
  return (
    <div className="picker form-grid" data-testid="onboarding-form">
      <ProfileFields profile={profile} onChange={setProfile} />
      <Field label="Groups">
        <OnboardingGroups chosen={chosen} onChange={setChosen} />
      </Field>
      <Field label="Device to bind">
        <PickOne
          kind="system"
          testid="device-search"
          placeholder="Optional: hostname or serial of their laptop"
          value={device}
          onChange={setDevice}
        />
      </Field>
      <span />
      <div>
        <button
          type="button"
          className="btn primary"
          disabled={!ready}
          data-testid="onboarding-start"
          onClick={() =>
            void start({
              ...emptyStart,
              new_user: profile,
              group_ids: chosen,
              device_id: device?.id ?? null,
            })
          }
        >
          Start onboarding
        </button>
        <span className="muted small">
          {" "}
          Nothing is sent until you run the first step; the user is created staged.
        </span>
      </div>
    </div>
  );
}

/** One labelled input per profile field; the required ones are starred. */
function ProfileFields({
  profile,
  onChange,
}: {
  profile: UserProfile;
  onChange: (p: UserProfile) => void;
}) {
  return (
    <>
      {PROFILE_FIELDS.map(([k, label, required]) => (
        <Field key={k} label={label + (required ? " *" : "")}>
          <input
            className="input"
            value={profile[k]}
            data-testid={`new-${k}`}
            onChange={(e) => onChange({ ...profile, [k]: e.target.value })}
          />
        </Field>
      ))}
    </>
  );
}

/** Every user group, ticked when the new starter joins it. */
function OnboardingGroups({
  chosen,
  onChange,
}: {
  chosen: string[];
  onChange: (ids: string[]) => void;
}) {
  const groups = useGroups("user");
  return (
    <div className="check-list" data-testid="onboarding-groups">
      {groups.data?.map((g) => (
        <label key={g.group.id}>
          <input
            type="checkbox"
            checked={chosen.includes(g.group.id)}
            onChange={(e) =>
              onChange(
                e.target.checked ? [...chosen, g.group.id] : chosen.filter((x) => x !== g.group.id),
              )
            }
          />{" "}
          {g.group.name}
        </label>
      ))}
    </div>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <label>{label}</label>
      {children}
    </>
  );
}

/** The same checklist for several people: a pasted list, or a CSV file (for an onboarding,
 * a CSV of new starters). An access request's group and last day apply to each person. */
export function BulkStarter({ template, onDone }: { template: Template; onDone: () => void }) {
  const ui = useUi();
  const [people, setPeople] = useState("");
  const [group, setGroup] = useState("");
  const [expires, setExpires] = useState(
    dayFromToday((template.defaults ?? { groups: [], expiry_days: 0 }).expiry_days || 30),
  );
  const access = template.base === "access_request";
  const onboarding = template.base === "onboarding";
  const input: StartInput = access
    ? { ...emptyStart, group_ids: group ? [group] : [], expires_on: expires }
    : emptyStart;
  return (
    <div className="picker" data-testid="bulk-starter">
      <textarea
        className="input"
        rows={5}
        placeholder={
          onboarding
            ? "New starters as CSV, first line naming the columns:\nusername,email,firstname,lastname,department,jobtitle"
            : "One person per line: email or username (paste a column from a spreadsheet, or load a CSV with an email or username column)"
        }
        value={people}
        data-testid="bulk-people"
        onChange={(e) => setPeople(e.target.value)}
      />
      {access && (
        <div className="row-gap">
          <AccessGroup id="bulk-group" value={group} onChange={setGroup} />
          <LastDay id="bulk-expiry" value={expires} onChange={setExpires} />
        </div>
      )}
      <div className="row-gap">
        <button
          type="button"
          className="btn"
          data-testid="bulk-csv"
          onClick={() =>
            unwrap(commands.checklistPeopleFile()).then(
              (t) => t !== null && setPeople(t),
              (e: Error) => ui.notify("error", e.message),
            )
          }
        >
          Load CSV…
        </button>
        <button
          type="button"
          className="btn primary"
          data-testid="bulk-start"
          disabled={!people.trim() || (access && !group)}
          onClick={() =>
            unwrap(commands.checklistStartBulk(template.id, people, input)).then(
              (r) => {
                ui.notify(
                  r.unknown.length ? "warn" : "ok",
                  `Started ${r.started.length} runs of ${template.name}.` +
                    (r.unknown.length ? ` Not started: ${r.unknown.join("; ")}.` : ""),
                );
                onDone();
              },
              (e: Error) => ui.notify("error", e.message),
            )
          }
        >
          Start {template.name} for each
        </button>
      </div>
    </div>
  );
}
