import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { DataTable } from "./DataTable";
import { Modal } from "./Modal";

interface Person {
  id: string;
  name: string;
}

const people: Person[] = [
  { id: "a", name: "Ada" },
  { id: "b", name: "Bo" },
  { id: "c", name: "Cy" },
];

function table(onOpen: (p: Person) => void, onToggle: (id: string) => void) {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <DataTable<Person>
        queryKey={["people"]}
        fetchPage={async () => ({ total: people.length, rows: people })}
        columns={[{ id: "name", label: "Name", width: "1fr", render: (p) => p.name }]}
        rowId={(p) => p.id}
        rowLabel={(p) => p.name}
        sort={{ key: "name", desc: false }}
        onSort={() => undefined}
        onOpen={onOpen}
        selected={new Set()}
        onToggle={onToggle}
        testId="people"
        empty="Nobody"
      />
    </QueryClientProvider>,
  );
}

describe("a table by keyboard", () => {
  it("moves with the arrows, opens with Enter, selects with Space", async () => {
    const onOpen = vi.fn();
    const onToggle = vi.fn();
    table(onOpen, onToggle);
    const first = await screen.findByTestId("row-a");
    expect(first.getAttribute("tabindex")).toBe("0");
    expect(screen.getByTestId("row-b").getAttribute("tabindex")).toBe("-1");
    first.focus();
    fireEvent.keyDown(first, { key: "ArrowDown" });
    await waitFor(() => expect(screen.getByTestId("row-b").getAttribute("tabindex")).toBe("0"));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("row-b")));
    fireEvent.keyDown(screen.getByTestId("row-b"), { key: "Enter" });
    expect(onOpen).toHaveBeenCalledWith(people[1]);
    fireEvent.keyDown(screen.getByTestId("row-b"), { key: " " });
    expect(onToggle).toHaveBeenCalledWith("b");
    fireEvent.keyDown(screen.getByTestId("row-b"), { key: "End" });
    await waitFor(() => expect(screen.getByTestId("row-c").getAttribute("tabindex")).toBe("0"));
    expect(screen.getByLabelText("Select Cy")).toBeTruthy();
  });
});

describe("a modal", () => {
  it("takes the focus, keeps Tab inside and closes on Escape", () => {
    const onClose = vi.fn();
    render(
      <>
        <button type="button">outside</button>
        <Modal title="Rename" onClose={onClose} testId="m">
          <input aria-label="Name" />
          <button type="button">Save</button>
        </Modal>
      </>,
    );
    const name = screen.getByLabelText("Name");
    expect(document.activeElement).toBe(name);
    const save = screen.getByText("Save");
    save.focus();
    fireEvent.keyDown(save, { key: "Tab" });
    expect(document.activeElement).toBe(screen.getByLabelText("Close"));
    fireEvent.keyDown(document.activeElement as Element, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(save);
    fireEvent.keyDown(save, { key: "Escape" });
    expect(onClose).toHaveBeenCalled();
  });
});

describe("what a change makes stale", () => {
  it("refetches only the queries that show the kinds of data that changed", async () => {
    const { staleRoots } = await import("../queryKeys");
    const audit = staleRoots(["audit"]);
    expect([...audit]).toEqual(["audit"]);
    const users = staleRoots(["users"]);
    expect(users.has("users") && users.has("user") && users.has("search")).toBe(true);
    expect(users.has("checklistRuns") || users.has("audit")).toBe(false);
    const all = staleRoots(["all"]);
    for (const k of ["users", "systems", "groups", "audit", "checklistRun"])
      expect(all.has(k)).toBe(true);
    expect(all.has("status") || all.has("appInfo")).toBe(false);
  });
});
