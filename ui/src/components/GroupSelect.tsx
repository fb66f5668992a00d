// A group to choose from a list of the organisation's groups of one kind.
import { useGroups } from "../api";
import type { GroupKind } from "../bindings";

export function GroupSelect({
  kind,
  value,
  onChange,
  empty,
  label,
  id,
}: {
  kind: GroupKind;
  value: string;
  onChange: (groupId: string) => void;
  /** The first option's text, for no group ("Any group", "Choose the group…"). */
  empty: string;
  label: string;
  /** Element id and test id. */
  id?: string;
}) {
  const groups = useGroups(kind);
  return (
    <select
      id={id}
      className="input"
      aria-label={label}
      value={value}
      data-testid={id}
      onChange={(e) => onChange(e.target.value)}
    >
      <option value="">{empty}</option>
      {groups.data?.map((g) => (
        <option key={g.group.id} value={g.group.id}>
          {g.group.name}
        </option>
      ))}
    </select>
  );
}
