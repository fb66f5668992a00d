import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands } from "../bindings";
import { unwrap, type SystemQuery, type SystemRow } from "../api";
import { useUi } from "../context";
import { ago, osLabel } from "../format";
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
import { DEVICE_CHECK_LABEL, type DeviceDrill } from "../drill";
import type { DeviceCheck } from "../bindings";

const COLUMNS: Column<SystemRow>[] = [
  {
    id: "hostname",
    label: "Hostname",
    width: "minmax(150px, 2fr)",
    render: (s) => s.hostname || s.display_name,
    sort: "hostname",
  },
  { id: "os", label: "OS", width: "90px", render: (s) => osLabel(s.os_family), sort: "os" },
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

const CHIPS: ChipSpec[] = [
  { facet: "os", value: "darwin", label: "macOS" },
  { facet: "os", value: "windows", label: "Windows" },
  { facet: "os", value: "linux", label: "Linux" },
  { facet: "os", value: "ios", label: "iOS" },
  { facet: "os", value: "android", label: "Android" },
  { facet: "fde", value: "not encrypted", label: "Not encrypted" },
  { facet: "mdm", value: "not enrolled", label: "No MDM" },
  { facet: "stale", value: "stale", label: "Stale" },
  { facet: "unbound", value: "unbound", label: "Unbound" },
];

export function DevicesView({ initial }: { initial?: DeviceDrill }) {
  const ui = useUi();
  const [search, setSearch] = useState("");
  const debounced = useDebounced(search, 120);
  const [os, setOs] = useState<string[]>(initial?.os ?? []);
  const [fde, setFde] = useState<boolean | null>(initial?.fde ?? null);
  const [mdm, setMdm] = useState<boolean | null>(initial?.mdm ?? null);
  const [stale, setStale] = useState(initial?.staleDays !== undefined);
  const [staleDays, setStaleDays] = useState(initial?.staleDays ?? 30);
  const [unbound, setUnbound] = useState<boolean | null>(initial?.unbound ?? null);
  const [check, setCheck] = useState<DeviceCheck | null>(initial?.check ?? null);
  const [agent, setAgent] = useState<string | null>(initial?.agentVersion ?? null);
  const [osVersion, setOsVersion] = useState<string | null>(initial?.osVersion ?? null);
  const [group, setGroup] = useState("");
  const [sort, setSort] = useState<Sort>({ key: "hostname", desc: false });
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

  const query: SystemQuery = {
    search: debounced.trim() || null,
    os_families: os,
    os_version: osVersion,
    fde,
    mdm,
    stale_days: stale ? staleDays : null,
    unbound,
    group_id: group || null,
    sort: sort.key,
    desc: sort.desc,
    offset: 0,
    limit: 200,
    now: null,
    check,
    agent_version: agent,
  };
  const facetQuery = { ...query, stale_days: staleDays };
  const facets = useQuery({
    queryKey: keys.systemFacets(facetQuery, stale),
    queryFn: () =>
      unwrap(commands.systemFacets({ ...facetQuery, stale_days: stale ? staleDays : null })),
    placeholderData: (prev) => prev,
  });
  const active = (c: ChipSpec) =>
    c.facet === "os"
      ? os.includes(c.value)
      : c.facet === "fde"
        ? fde === false
        : c.facet === "mdm"
          ? mdm === false
          : c.facet === "stale"
            ? stale
            : unbound === true;
  const toggle = (c: ChipSpec) => {
    if (c.facet === "os")
      setOs(os.includes(c.value) ? os.filter((s) => s !== c.value) : [...os, c.value]);
    else if (c.facet === "fde") setFde(fde === false ? null : false);
    else if (c.facet === "mdm") setMdm(mdm === false ? null : false);
    else if (c.facet === "stale") setStale(!stale);
    else setUnbound(unbound ? null : true);
  };
  return (
    <section className="view" data-testid="view-devices">
      <div className="toolbar">
        <h1>Devices</h1>
        <input
          className="input search"
          type="search"
          placeholder="Filter by hostname, serial, model, owner…"
          aria-label="Filter devices"
          data-testid="devices-filter"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <GroupSelect
          kind="system"
          label="In group"
          empty="Any group"
          value={group}
          onChange={setGroup}
        />
        <label className="inline">
          Stale after
          <input
            className="input days"
            type="number"
            min={1}
            max={3650}
            value={staleDays}
            aria-label="Stale after days"
            onChange={(e) => setStaleDays(Math.max(1, Number(e.target.value) || 30))}
          />
          days
        </label>
        <ColumnChooser columns={COLUMNS} shown={cols.shown} onToggle={cols.toggle} />
        <ExportButton request={{ view: "Systems", query }} />
      </div>
      <FacetChips facets={facets.data} chips={CHIPS} active={active} onToggle={toggle} />
      {(check || agent !== null || osVersion) && (
        <div className="check-chips">
          {check && <CheckChip label={DEVICE_CHECK_LABEL[check]} onClear={() => setCheck(null)} />}
          {osVersion && (
            <CheckChip label={`OS version ${osVersion}`} onClear={() => setOsVersion(null)} />
          )}
          {agent !== null && (
            <CheckChip label={`Agent ${agent || "(none)"}`} onClear={() => setAgent(null)} />
          )}
        </div>
      )}
      <SelectionBar kind="system" selected={selected} clear={clear} />
      <DataTable<SystemRow>
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
