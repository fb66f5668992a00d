import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands } from "../bindings";
import { unwrap, type SystemQuery, type SystemRow } from "../api";
import { useUi } from "../context";
import { ago } from "../format";
import { DataTable, type Column, type Sort } from "../components/DataTable";
import { FacetChips, type ChipSpec } from "../components/FacetChips";
import { ColumnChooser, useColumns } from "../components/ColumnChooser";
import { ExportButton } from "../components/ExportButton";
import { SelectionBar } from "../panels/GroupPicker";
import { GroupSelect } from "../components/GroupSelect";
import { useDebounced } from "../components/useDebounced";
import { useSelection } from "../components/useSelection";
import { keys } from "../queryKeys";
import { CheckChip } from "../components/CheckChip";
import type { DeviceFilter } from "../drill";
import type { DeviceCheck, Facet, OsFamily, SystemSort } from "../bindings";
import { useLabels, valueText, type Labels } from "../labels";

/** A device's OS family, in Rust's words. */
function OsName({ family }: { family: OsFamily }) {
  return <>{useLabels().osFamily(family)}</>;
}

const COLUMNS: Column<SystemRow, SystemSort>[] = [
  {
    id: "hostname",
    label: "Hostname",
    width: "minmax(150px, 2fr)",
    render: (s) => s.hostname || s.display_name,
    sort: "hostname",
  },
  {
    id: "os",
    label: "OS",
    width: "90px",
    render: (s) => <OsName family={s.os_family} />,
    sort: "os",
  },
  {
    id: "os_version",
    label: "Version",
    width: "minmax(80px, 1fr)",
    render: (s) => s.os_version,
    sort: "os_version",
  },
  {
    id: "model",
    label: "Model",
    width: "minmax(120px, 1.5fr)",
    render: (s) => s.model,
    sort: "model",
  },
  {
    id: "serial",
    label: "Serial",
    width: "minmax(110px, 1fr)",
    render: (s) => s.serial,
    sort: "serial",
  },
  {
    id: "fde",
    label: "Encrypted",
    width: "90px",
    render: (s) => (s.fde_active ? "yes" : <span className="warn-text">no</span>),
  },
  { id: "mdm", label: "MDM", width: "70px", render: (s) => (s.mdm_enrolled ? "yes" : "no") },
  {
    id: "last_contact",
    label: "Last contact",
    width: "120px",
    render: (s) => ago(s.last_contact),
    sort: "last_contact",
  },
  { id: "agent", label: "Agent", width: "90px", render: (s) => s.agent_version },
];

/** The chips: each OS family Rust offers (and any other the org has), then Rust's yes/no ones. */
function chips(labels: Labels, facets: Facet[] | undefined): ChipSpec[] {
  const present = facets?.find((f) => f.name === "os")?.counts.map((c) => c.value) ?? [];
  const families: OsFamily[] = [...labels.deviceOsChips];
  for (const v of present)
    if (typeof v === "object" && !families.some((f) => valueText(f) === v.other)) families.push(v);
  return [
    ...families.map((f): ChipSpec => ({ facet: "os", value: f, label: labels.osFamily(f) })),
    ...labels.deviceChips,
  ];
}

/** The Devices list's filters: their state, and the chips' on/off. */
function useDeviceFilters(initial: DeviceFilter | undefined, defaultDays: number) {
  const [os, setOs] = useState<OsFamily[]>(initial?.os ?? []);
  const [fde, setFde] = useState<boolean | null>(initial?.fde ?? null);
  const [mdm, setMdm] = useState<boolean | null>(initial?.mdm ?? null);
  const [stale, setStale] = useState(initial?.stale_days != null);
  const [staleDays, setStaleDays] = useState(initial?.stale_days ?? defaultDays);
  const [unbound, setUnbound] = useState<boolean | null>(initial?.unbound ?? null);
  const [check, setCheck] = useState<DeviceCheck | null>(initial?.check ?? null);
  const [agent, setAgent] = useState<string | null>(initial?.agent_version ?? null);
  const [osVersion, setOsVersion] = useState<string | null>(initial?.os_version ?? null);
  const hasOs = (v: ChipSpec["value"]) =>
    typeof v !== "boolean" && os.some((f) => valueText(f) === valueText(v));
  const active = (c: ChipSpec): boolean => {
    switch (c.facet) {
      case "os":
        return hasOs(c.value);
      case "fde":
        return fde === false;
      case "mdm":
        return mdm === false;
      case "stale":
        return stale;
      default:
        return unbound === true;
    }
  };
  const toggle = (c: ChipSpec) => {
    const v = c.value;
    if (c.facet === "os" && typeof v !== "boolean")
      setOs(hasOs(v) ? os.filter((f) => valueText(f) !== valueText(v)) : [...os, v as OsFamily]);
    else if (c.facet === "fde") setFde(fde === false ? null : false);
    else if (c.facet === "mdm") setMdm(mdm === false ? null : false);
    else if (c.facet === "stale") setStale(!stale);
    else setUnbound(unbound ? null : true);
  };
  return {
    values: { os, fde, mdm, stale, staleDays, unbound, check, agent, osVersion },
    setStaleDays,
    setCheck,
    setAgent,
    setOsVersion,
    active,
    toggle,
  };
}

/** The Devices list's filters, as the hook keeps them. */
type DeviceFilters = ReturnType<typeof useDeviceFilters>;

/** The list's query, as Rust takes it: the filters, the search, the group and the sort. */
function systemQuery(
  v: DeviceFilters["values"],
  search: string,
  group: string,
  sort: Sort<SystemSort>,
): SystemQuery {
  return {
    search: search.trim() || null,
    os_families: v.os,
    os_version: v.osVersion,
    fde: v.fde,
    mdm: v.mdm,
    stale_days: v.stale ? v.staleDays : null,
    unbound: v.unbound,
    group_id: group || null,
    sort: sort.key,
    desc: sort.desc,
    offset: 0,
    limit: 200,
    now: null,
    check: v.check,
    agent_version: v.agent,
  };
}

/** The chips' counts for the list's query, stale ones counted even while that chip is off. */
function useDeviceFacets(query: SystemQuery, staleDays: number, stale: boolean) {
  const facetQuery = { ...query, stale_days: staleDays };
  return useQuery({
    queryKey: keys.systemFacets(facetQuery, stale),
    queryFn: () =>
      unwrap(commands.systemFacets({ ...facetQuery, stale_days: stale ? staleDays : null })),
    placeholderData: (prev) => prev,
  });
}

export function DevicesView({ initial }: { initial?: DeviceFilter }) {
  const ui = useUi();
  const labels = useLabels();
  const [search, setSearch] = useState("");
  const debounced = useDebounced(search, 120);
  const f = useDeviceFilters(initial, labels.silentDays);
  const [group, setGroup] = useState("");
  const [sort, setSort] = useState<Sort<SystemSort>>({ key: "hostname", desc: false });
  const { selected, toggle: toggleRow, clear } = useSelection();
  const cols = useColumns("devices", COLUMNS, [
    "hostname",
    "os",
    "os_version",
    "model",
    "fde",
    "mdm",
    "last_contact",
  ]);

  const query = systemQuery(f.values, debounced, group, sort);
  const facets = useDeviceFacets(query, f.values.staleDays, f.values.stale);
  return (
    <section className="view" data-testid="view-devices">
      <DevicesToolbar
        search={search}
        onSearch={setSearch}
        group={group}
        onGroup={setGroup}
        staleDays={f.values.staleDays}
        onStaleDays={f.setStaleDays}
        shownColumns={cols.shown}
        onToggleColumn={cols.toggle}
        query={query}
      />
      <FacetChips
        facets={facets.data}
        chips={chips(labels, facets.data)}
        active={f.active}
        onToggle={f.toggle}
      />
      <DeviceCheckChips f={f} />
      <SelectionBar kind="system" selected={selected} clear={clear} />
      <DataTable<SystemRow, SystemSort>
        testId="devices-table"
        queryKey={keys.systems(query)}
        fetchPage={(offset, limit) => unwrap(commands.systemsPage({ ...query, offset, limit }))}
        columns={cols.visible}
        rowId={(s) => s.id}
        rowLabel={(s) => s.hostname || s.display_name || s.serial}
        sort={sort}
        onSort={setSort}
        onOpen={(s) => ui.open({ kind: "system", id: s.id })}
        openId={ui.panel?.kind === "system" ? ui.panel.id : null}
        selected={selected}
        onToggle={toggleRow}
        empty="No devices match these filters."
      />
    </section>
  );
}

/** The list's toolbar: the search, the group, the days until stale, the columns, the export. */
function DevicesToolbar(p: {
  search: string;
  onSearch: (search: string) => void;
  group: string;
  onGroup: (group: string) => void;
  staleDays: number;
  onStaleDays: (days: number) => void;
  shownColumns: string[];
  onToggleColumn: (id: string) => void;
  query: SystemQuery;
}) {
  const labels = useLabels();
  return (
    <div className="toolbar">
      <h1>Devices</h1>
      <input
        className="input search"
        type="search"
        placeholder="Filter by hostname, serial, model, owner…"
        aria-label="Filter devices"
        data-testid="devices-filter"
        value={p.search}
        onChange={(e) => p.onSearch(e.target.value)}
      />
      <GroupSelect
        kind="system"
        label="In group"
        empty="Any group"
        value={p.group}
        onChange={p.onGroup}
      />
      <label className="inline">
        Stale after
        <input
          className="input days"
          type="number"
          min={1}
          max={3650}
          value={p.staleDays}
          aria-label="Stale after days"
          onChange={(e) => p.onStaleDays(Math.max(1, Number(e.target.value) || labels.silentDays))}
        />
        days
      </label>
      <ColumnChooser columns={COLUMNS} shown={p.shownColumns} onToggle={p.onToggleColumn} />
      <ExportButton request={{ view: "Systems", query: p.query }} />
    </div>
  );
}

/** The filters a figure opened the list with that have no chip (a check, an OS version, an
 * agent version), each with its ✕. */
function DeviceCheckChips({ f }: { f: DeviceFilters }) {
  const labels = useLabels();
  const { check, agent, osVersion } = f.values;
  if (!(check || agent !== null || osVersion)) return null;
  return (
    <div className="check-chips">
      {check && <CheckChip label={labels.deviceCheck(check)} onClear={() => f.setCheck(null)} />}
      {osVersion && (
        <CheckChip label={`OS version ${osVersion}`} onClear={() => f.setOsVersion(null)} />
      )}
      {agent !== null && (
        <CheckChip label={`Agent ${agent || "(none)"}`} onClear={() => f.setAgent(null)} />
      )}
    </div>
  );
}
