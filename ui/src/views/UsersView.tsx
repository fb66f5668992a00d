import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands } from "../bindings";
import { unwrap, type UserQuery, type UserRow } from "../api";
import { useUi } from "../context";
import { when, userName } from "../format";
import { DataTable, type Column, type Sort } from "../components/DataTable";
import { FacetChips, type ChipSpec } from "../components/FacetChips";
import { ColumnChooser, useColumns } from "../components/ColumnChooser";
import { ExportButton } from "../components/ExportButton";
import { UserForm } from "../panels/UserForm";
import { SelectionBar } from "../panels/GroupPicker";
import { GroupSelect } from "../components/GroupSelect";
import { useDebounced } from "../components/useDebounced";
import { useSelection } from "../components/useSelection";
import { keys } from "../queryKeys";
import { CheckChip } from "../components/CheckChip";
import type { UserFilter } from "../drill";
import type { UserCheck, UserSort, UserState } from "../bindings";
import { useLabels, valueText, type Labels } from "../labels";

/** A person's state, in Rust's words. */
function StateBadge({ state }: { state: UserState }) {
  const labels = useLabels();
  return (
    <span className={`badge state-${valueText(state).toLowerCase()}`}>
      {labels.userState(state)}
    </span>
  );
}

const COLUMNS: Column<UserRow, UserSort>[] = [
  {
    id: "name",
    label: "Name",
    width: "minmax(140px, 2fr)",
    render: (u) => userName(u),
    sort: "name",
  },
  {
    id: "email",
    label: "Email",
    width: "minmax(160px, 2fr)",
    render: (u) => u.email,
    sort: "email",
  },
  {
    id: "username",
    label: "Username",
    width: "minmax(100px, 1fr)",
    render: (u) => u.username,
    sort: "username",
  },
  {
    id: "department",
    label: "Department",
    width: "minmax(90px, 1fr)",
    render: (u) => u.department,
    sort: "department",
  },
  { id: "job_title", label: "Job title", width: "minmax(90px, 1fr)", render: (u) => u.job_title },
  {
    id: "state",
    label: "State",
    width: "100px",
    render: (u) => <StateBadge state={u.state} />,
    sort: "state",
  },
  { id: "locked", label: "Locked", width: "70px", render: (u) => (u.locked ? "locked" : "") },
  { id: "mfa", label: "MFA", width: "70px", render: (u) => (u.mfa_configured ? "yes" : "no") },
  {
    id: "created",
    label: "Created",
    width: "130px",
    render: (u) => when(u.created),
    sort: "created",
  },
];

/** The chips: each state Rust knows, then Rust's yes/no ones (locked out, no MFA). */
function chips(labels: Labels): ChipSpec[] {
  return [
    ...labels.userStates.map((s): ChipSpec => ({
      facet: "state",
      value: s,
      label: labels.userState(s),
    })),
    ...labels.userChips,
  ];
}

/** The Users list's filters: their state, and the chips' on/off. */
function useUserFilters(initial: UserFilter | undefined) {
  const [states, setStates] = useState<UserState[]>(initial?.states ?? []);
  const [locked, setLocked] = useState<boolean | null>(initial?.locked ?? null);
  const [mfa, setMfa] = useState<boolean | null>(initial?.mfa ?? null);
  const [check, setCheck] = useState<UserCheck | null>(initial?.check ?? null);
  const hasState = (v: ChipSpec["value"]) =>
    states.some((s) => typeof v !== "boolean" && valueText(s) === valueText(v));
  const active = (c: ChipSpec) =>
    c.facet === "state"
      ? hasState(c.value)
      : c.facet === "locked"
        ? locked === true
        : mfa === false;
  const toggle = (c: ChipSpec) => {
    const v = c.value;
    if (c.facet === "state" && typeof v !== "boolean")
      setStates(
        hasState(v)
          ? states.filter((s) => valueText(s) !== valueText(v))
          : [...states, v as UserState],
      );
    else if (c.facet === "locked") setLocked(locked ? null : true);
    else setMfa(mfa === false ? null : false);
  };
  return { values: { states, locked, mfa, check }, setCheck, active, toggle };
}

/** The list's query, as Rust takes it: the filters, the search, the group and the sort. */
function userQuery(
  v: ReturnType<typeof useUserFilters>["values"],
  search: string,
  group: string,
  sort: Sort<UserSort>,
): UserQuery {
  return {
    search: search.trim() || null,
    states: v.states,
    locked: v.locked,
    mfa: v.mfa,
    group_id: group || null,
    department: null,
    sort: sort.key,
    desc: sort.desc,
    offset: 0,
    limit: 200,
    check: v.check,
    now: null,
  };
}

export function UsersView({ initial }: { initial?: UserFilter }) {
  const ui = useUi();
  const labels = useLabels();
  const [search, setSearch] = useState("");
  const debounced = useDebounced(search, 120);
  const f = useUserFilters(initial);
  const { check } = f.values;
  const [group, setGroup] = useState<string>("");
  const [sort, setSort] = useState<Sort<UserSort>>({ key: "name", desc: false });
  const { selected, toggle: toggleRow, clear } = useSelection();
  const [creating, setCreating] = useState(false);
  const cols = useColumns("users", COLUMNS, [
    "name",
    "email",
    "department",
    "state",
    "locked",
    "mfa",
  ]);

  const query = userQuery(f.values, debounced, group, sort);
  const facets = useQuery({
    queryKey: keys.userFacets(query),
    queryFn: () => unwrap(commands.userFacets(query)),
    placeholderData: (prev) => prev,
  });
  return (
    <section className="view" data-testid="view-users">
      <UsersToolbar
        search={search}
        onSearch={setSearch}
        group={group}
        onGroup={setGroup}
        shownColumns={cols.shown}
        onToggleColumn={cols.toggle}
        query={query}
        onCreate={() => setCreating(true)}
      />
      <FacetChips
        facets={facets.data}
        chips={chips(labels)}
        active={f.active}
        onToggle={f.toggle}
      />
      {check && (
        <div className="check-chips">
          <CheckChip label={labels.userCheck(check)} onClear={() => f.setCheck(null)} />
        </div>
      )}
      <SelectionBar kind="user" selected={selected} clear={clear} />
      <DataTable<UserRow, UserSort>
        testId="users-table"
        queryKey={keys.users({ ...query, offset: 0 })}
        fetchPage={(offset, limit) => unwrap(commands.usersPage({ ...query, offset, limit }))}
        columns={cols.visible}
        rowId={(u) => u.id}
        rowLabel={(u) => u.displayname || u.username || u.email}
        sort={sort}
        onSort={setSort}
        onOpen={(u) => ui.open({ kind: "user", id: u.id })}
        openId={ui.panel?.kind === "user" ? ui.panel.id : null}
        selected={selected}
        onToggle={toggleRow}
        empty="No users match these filters."
      />
      {creating && <UserForm onClose={() => setCreating(false)} />}
    </section>
  );
}

/** The list's toolbar: the search, the group, the columns, the export and "New user". */
function UsersToolbar(p: {
  search: string;
  onSearch: (search: string) => void;
  group: string;
  onGroup: (group: string) => void;
  shownColumns: string[];
  onToggleColumn: (id: string) => void;
  query: UserQuery;
  onCreate: () => void;
}) {
  return (
    <div className="toolbar">
      <h1>Users</h1>
      <input
        className="input search"
        type="search"
        placeholder="Filter by name, email, username, department…"
        aria-label="Filter users"
        data-testid="users-filter"
        value={p.search}
        onChange={(e) => p.onSearch(e.target.value)}
      />
      <GroupSelect
        kind="user"
        id="users-group"
        label="In group"
        empty="Any group"
        value={p.group}
        onChange={p.onGroup}
      />
      <ColumnChooser columns={COLUMNS} shown={p.shownColumns} onToggle={p.onToggleColumn} />
      <ExportButton request={{ view: "Users", query: p.query }} />
      <button type="button" className="btn primary" data-testid="new-user" onClick={p.onCreate}>
        New user
      </button>
    </div>
  );
}
